"""Problems found in data files, and their wording in English and Spanish.

A problem is located (file, line, column) and coded; its text is rendered
from the code in the reader's language, so the CLI, the error page and the
upload report say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# code -> (English, Spanish); {value} is the offending value, {details} extra facts.
TEMPLATES: Final[dict[str, tuple[str, str]]] = {
    "missing_file": ("missing file", "falta el archivo"),
    "data_dir_missing": ("data directory not found", "no se encontró el directorio de datos"),
    "empty_file": ("file is empty", "el archivo está vacío"),
    "encoding": (
        "unreadable encoding: not UTF-8 (byte {details})",
        "codificación ilegible: no es UTF-8 (byte {details})",
    ),
    "utf16": (
        "the file is UTF-16; save it as 'CSV UTF-8'",
        "el archivo está en UTF-16; guárdelo como 'CSV UTF-8'",
    ),
    "latin1": (
        "the file is not UTF-8; it was read as Windows-1252 (Latin-1): check accents, or save it as 'CSV UTF-8'",
        "el archivo no es UTF-8; se leyó como Windows-1252 (Latin-1): revise las tildes, o guárdelo como 'CSV UTF-8'",
    ),
    "csv_unreadable": (
        "not a readable CSV file: {details}",
        "no es un archivo CSV legible: {details}",
    ),
    "semicolon": (
        "columns are separated by ';' (not ','): the file was read that way",
        "las columnas están separadas por ';' (no por ','): el archivo se leyó así",
    ),
    "decimal_comma": (
        "decimal commas were read as decimal points: '{value}'",
        "las comas decimales se leyeron como puntos: '{value}'",
    ),
    "duplicate_column": ("duplicate column", "columna duplicada"),
    "field_count": (
        "has {value} fields, the header has {details}",
        "tiene {value} campos, el encabezado tiene {details}",
    ),
    "missing_column": ("missing column", "falta la columna"),
    "unexpected_column": ("unexpected column", "columna inesperada"),
    "extra_column": ("column not in the schema: ignored", "columna fuera del esquema: se ignora"),
    "no_rows": (
        "the file has a header but no rows",
        "el archivo tiene encabezado pero ninguna fila",
    ),
    "too_large": (
        "the file is {value} MB; the limit is {details} MB",
        "el archivo pesa {value} MB; el límite es {details} MB",
    ),
    "too_many_rows": (
        "{value} rows; the limit is {details}",
        "{value} filas; el límite es {details}",
    ),
    "required": ("required value is empty", "falta un valor obligatorio"),
    "duplicate": ("duplicate value '{value}'", "valor duplicado '{value}'"),
    "not_integer": ("'{value}' is not a whole number", "'{value}' no es un número entero"),
    "not_number": ("'{value}' is not a number", "'{value}' no es un número"),
    "wrong_type": ("wrong type {value}", "tipo incorrecto {value}"),
    "one_of": ("must be one of: {details}: '{value}'", "debe ser uno de: {details}: '{value}'"),
    "format": ("not a valid {details}: '{value}'", "no es un {details} válido: '{value}'"),
    "negative": ("must not be negative: '{value}'", "no puede ser negativo: '{value}'"),
    "https": ("must start with https://: '{value}'", "debe empezar por https://: '{value}'"),
    "length": ("must be 1–200 characters", "debe tener entre 1 y 200 caracteres"),
    "lat_bbox": (
        "latitude outside Medellín's bounding box: '{value}'",
        "latitud fuera del recuadro de Medellín: '{value}'",
    ),
    "lon_bbox": (
        "longitude outside Medellín's bounding box: '{value}'",
        "longitud fuera del recuadro de Medellín: '{value}'",
    ),
    "outside_medellin": (
        "the point is not inside any barrio of Medellín: '{value}'",
        "el punto no está dentro de ningún barrio de Medellín: '{value}'",
    ),
    "year": ("not a plausible year: '{value}'", "no es un año plausible: '{value}'"),
    "unknown_sector": ("unknown sector '{value}'", "sector desconocido '{value}'"),
    "unknown_source": ("unknown source id '{value}'", "fuente desconocida '{value}'"),
    "unknown_entity": ("unknown entity id '{value}'", "entidad desconocida '{value}'"),
    "unknown_barrio": ("unknown barrio code '{value}'", "código de barrio desconocido '{value}'"),
    "unknown_comuna": ("unknown comuna code '{value}'", "código de comuna desconocido '{value}'"),
    "unknown_district": (
        "unknown district code '{value}'",
        "código de distrito desconocido '{value}'",
    ),
    "coordinates_required": (
        "required when precision is coordinates",
        "obligatorio cuando la precisión es coordinates",
    ),
    "coordinates_not_allowed": (
        "coordinates given but precision is '{value}'",
        "hay coordenadas pero la precisión es '{value}'",
    ),
    "code_required": (
        "required when precision is {value}",
        "obligatorio cuando la precisión es {value}",
    ),
    "code_not_used": (
        "not used when precision is '{value}'",
        "no se usa cuando la precisión es '{value}'",
    ),
    "period_order": ("starts after period_end", "empieza después de period_end"),
    "geometry_unreadable": (
        "unreadable geometry file: {details}",
        "archivo de geometría ilegible: {details}",
    ),
    "missing_property": ("missing property", "falta la propiedad"),
    "invalid_geometry": ("missing or invalid geometry", "geometría ausente o inválida"),
    "check_failed": (
        "check '{details}' failed: '{value}'",
        "falló la comprobación '{details}': '{value}'",
    ),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file, located as precisely as known.

    ``row`` is the line number in the file (the header is line 1; 0 when the
    whole file is concerned). ``notice`` problems are reported but do not
    stop the rows from being used (e.g. an ignored extra column).
    """

    file: str
    row: int
    column: str
    code: str
    value: str = ""
    details: str = ""
    notice: bool = False

    def message(self, lang: str = "en") -> str:
        english, spanish = TEMPLATES[self.code]
        template = spanish if lang == "es" else english
        return template.format(value=self.value, details=self.details)

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message()}"
