"""medmap: an interactive map dashboard of Medellín's tech ecosystem."""

__version__ = "0.1.0"
