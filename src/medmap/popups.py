"""The HTML the map shows: marker popups and tooltips, source links, the legend (all escaped).

Leaflet inserts these strings as HTML inside the same-origin map iframe, so every
piece of data text goes through :func:`medmap.escaping.leaflet_html` here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from medmap.colors import (
    INSTITUTION_COLOR,
    LEGEND_SWATCH_BORDER,
    NO_VALUE_COLOR,
    OTHER_SECTOR_COLOR,
    OUTLINE_COLOR,
    SUPPORT_COLOR,
    class_colors,
)
from medmap.escaping import leaflet_html as escape
from medmap.escaping import safe_url
from medmap.i18n import format_count, format_usd, t

SEVILLA_STROKE = "#d7263d"
SEVILLA_FILL = "#ffd166"


def format_metric(metric: str, value: float | None, lang: str) -> str:
    if metric == "funding":
        return format_usd(value, lang)
    if value is None or pd.isna(value):
        return t("not_reported", lang) if metric == "staff" else "0"
    return format_count(value, lang)


def legend_html(
    metric: str, breaks: list[float], lang: str, level: str = "barrio", not_counted: int = 0
) -> str:
    """Classes of the choropleth, what is counted, and how many shown entities are not."""
    title = f"{t('legend_title_' + level, lang)}: {t('metric_' + metric, lang)}"
    rows = [f"<b>{escape(title)}</b>"]
    lower = 0.0
    for upper, color in zip(breaks, class_colors(breaks), strict=True):
        low = format_metric(metric, lower + (0 if metric == "funding" else 1), lang)
        high = format_metric(metric, upper, lang)
        rows.append(_swatch(color, high if low == high else f"{low} – {high}"))
        lower = upper
    rows.append(_swatch(NO_VALUE_COLOR, t("legend_none", lang)))
    rows.append(
        f'<span style="display:inline-block;width:12px;height:12px;border:3px solid '
        f'{SEVILLA_STROKE};background:{SEVILLA_FILL};vertical-align:middle"></span> '
        f"{escape(t('layer_sevilla', lang))}"
    )
    if not_counted:
        level_word = t("legend_level_" + level, lang)
        note = t("legend_not_counted", lang, n=format_count(not_counted, lang), level=level_word)
        rows.append(f"<i>{escape(note)}</i>")
    rows += marker_legend(lang)
    return "<br>".join(rows)


# One shape per group of kinds, as medmap.maps.entity_marker draws them.
MARKER_SHAPES = {
    "company": f"border-radius:50%;background:{OTHER_SECTOR_COLOR};border:1.5px solid {OUTLINE_COLOR}",
    "institution": f"background:{INSTITUTION_COLOR};border:1px solid #fff;transform:rotate(45deg)",
    "support": f"background:{SUPPORT_COLOR};border:1px solid #fff",
}


def marker_legend(lang: str) -> list[str]:
    """What the marker shapes mean, on one line (the legend already covers part of the map):
    circles, diamonds, squares; colour is not the only cue."""
    items = []
    for group, style in MARKER_SHAPES.items():
        label = escape(t("legend_marker_" + group, lang))
        if group == "support":  # the kinds behind the word, on hover
            label = f'<span title="{escape(t("legend_marker_support_help", lang))}">{label}</span>'
        items.append(
            f'<span style="white-space:nowrap"><span class="medmap-legend-{group}" '
            f'style="display:inline-block;width:9px;height:9px;margin:1px;vertical-align:middle;'
            f'{style}"></span> {label}</span>'
        )
    return [" ".join(items)]


def _swatch(color: str, label: str) -> str:
    return (
        f'<span style="display:inline-block;width:12px;height:12px;background:{color};'
        f'border:1px solid {LEGEND_SWATCH_BORDER};vertical-align:middle"></span> {escape(label)}'
    )


def entity_popup(
    row: Mapping,
    sector_label: str,
    staff: str,
    funding: str,
    sources_html: str,
    lang: str,
    area: str | None = None,
) -> str:
    """``area`` names a placement the geometry join does not (a district)."""
    precision = t(f"precision_{row['location_precision']}", lang)
    unverified = (
        f" <i>({escape(t('unverified', lang))})</i>" if row.get("sector_unverified") else ""
    )
    place = ", ".join(
        escape(v) for v in (row.get("barrio_name"), row.get("comuna_name"), area) if escape(v)
    )
    return (
        f'<div style="min-width:220px;max-width:320px;font:13px/1.4 sans-serif">'
        f"<b>{escape(row['name'])}</b><br>"
        f"{escape(t('popup_kind', lang))}: {escape(t('kind_' + str(row.get('kind')), lang))}<br>"
        f"{escape(t('popup_sector', lang))}: {escape(sector_label)}{unverified}<br>"
        f"{escape(t('popup_staff', lang))}: {escape(staff)}<br>"
        f"{escape(t('popup_funding', lang))}: {escape(funding)}<br>"
        f"{escape(t('popup_location', lang))}: {escape(precision)}"
        f"{' · ' + place if place else ''}<br>"
        f"{escape(t('popup_sources', lang))}: {sources_html}</div>"
    )


def entity_tooltip(row: Mapping, lang: str, sector: str = "") -> str:
    """The entity's name, then its sector (what the marker's colour means, in words) and
    its placement when the point is approximate."""
    notes = [sector] if sector else []
    if row["approximate"]:
        notes.append(t("precision_" + row["location_precision"], lang))
    if not notes:
        return escape(row["name"])
    return f"{escape(row['name'])} <i>({escape(' · '.join(notes))})</i>"


def sources_links(source_ids: str, urls: Mapping[str, str]) -> str:
    """Source ids as links (http/https only), escaped; ``urls`` maps id -> URL."""
    parts = []
    for source_id in str(source_ids or "").split(";"):
        if not source_id:
            continue
        url = safe_url(urls.get(source_id))
        label = escape(source_id)
        parts.append(
            f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{label}</a>'
            if url
            else label
        )
    return ", ".join(parts)


def sevilla_label_html(lang: str) -> str:
    return (
        '<div class="medmap-sevilla-label" style="font:bold 12px sans-serif;'
        "color:#7a0010;background:rgba(255,255,255,.85);padding:1px 4px;"
        'border-radius:3px;white-space:nowrap;transform:translate(30px,-50%)">'
        f"{escape(t('sevilla_label', lang))}</div>"
    )


def district_label_html(label: str) -> str:
    return (
        '<div class="medmap-district-label" style="font:bold 12px sans-serif;'
        "color:#3c096c;background:rgba(255,255,255,.85);padding:1px 4px;"
        'border-radius:3px;white-space:nowrap;transform:translate(-50%,4px)">'
        f"{escape(label)}</div>"
    )
