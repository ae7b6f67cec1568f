"""Every user-facing string in English and Spanish, and locale-aware numbers.

Pages call :func:`t`; numbers and money go through Babel so that the same
figure reads ``US$135M`` / ``1,264`` in English and ``135 M US$`` / ``1.264``
in Spanish.
"""

from __future__ import annotations

import math
from typing import Final

from babel.numbers import format_compact_currency, format_decimal

LANGS: Final = ("en", "es")
DEFAULT_LANG: Final = "en"
# Babel locales: "en_001" (world English) writes US$ rather than a bare $.
BABEL_LOCALE: Final = {"en": "en_001", "es": "es"}

CATALOG: Final[dict[str, dict[str, str]]] = {
    # frame
    "app_title": {
        "en": "medmap · Medellín tech ecosystem",
        "es": "medmap · ecosistema tecnológico de Medellín",
    },
    "app_subtitle": {
        "en": "Where Medellín's tech companies, institutions and support organisations are, from sourced public facts.",
        "es": "Dónde están las empresas, instituciones y organizaciones de apoyo tecnológicas de Medellín, según hechos públicos con fuente.",
    },
    "language": {"en": "Language · Idioma", "es": "Idioma · Language"},
    "filters": {"en": "Filters", "es": "Filtros"},
    "filter_comuna": {"en": "Comuna", "es": "Comuna"},
    "filter_comuna_all": {"en": "All comunas", "es": "Todas las comunas"},
    "filter_comuna_help": {
        "en": "Medellín's 16 comunas and 5 corregimientos; the official code is in brackets (04 = Aranjuez, 14 = El Poblado).",
        "es": "Las 16 comunas y 5 corregimientos de Medellín; el código oficial va entre paréntesis (04 = Aranjuez, 14 = El Poblado).",
    },
    "filter_barrio": {"en": "Barrio", "es": "Barrio"},
    "filter_barrio_all": {"en": "All barrios", "es": "Todos los barrios"},
    "filter_barrio_help": {
        "en": "Official neighbourhoods by name, code in brackets (0407 = Sevilla); narrowed to the chosen comunas. You can also click a barrio on the map.",
        "es": "Barrios oficiales por nombre, código entre paréntesis (0407 = Sevilla); se limita a las comunas elegidas. También puede hacer clic en un barrio del mapa.",
    },
    "filter_sector": {"en": "Sector", "es": "Sector"},
    "filter_sector_all": {"en": "All sectors", "es": "Todos los sectores"},
    "filter_sector_help": {
        "en": "Sectors as the sources describe them. A click on a bar of a chart also filters by its sector.",
        "es": "Sectores según las fuentes. Un clic en una barra de un gráfico también filtra por su sector.",
    },
    "filter_kind": {"en": "Kind", "es": "Tipo"},
    "filter_kind_all": {"en": "All kinds", "es": "Todos los tipos"},
    "filter_kind_help": {
        "en": "Companies (offices), institutions (universities, public agencies, R&D centres), or the support layer: coworkings, incubators and accelerators, funds and angel networks, clusters and associations, programmes and events.",
        "es": "Empresas (oficinas), instituciones (universidades, entidades públicas, centros de I+D) o la red de apoyo: coworkings, incubadoras y aceleradoras, fondos y redes de ángeles, clústeres y asociaciones, programas y eventos.",
    },
    "filter_origin": {"en": "Origin", "es": "Origen"},
    "filter_origin_all": {"en": "All origins", "es": "Todos los orígenes"},
    "filter_origin_help": {
        "en": "Where a company comes from, as its sources state: homegrown = founded (or based) in Medellín; Colombian = elsewhere in Colombia; international; origin not reported = no source says.",
        "es": "De dónde viene una empresa, según sus fuentes: local = fundada (o con sede) en Medellín; colombiana = en otra parte de Colombia; internacional = del exterior; origen no reportado = ninguna fuente lo dice.",
    },
    "origin_homegrown": {"en": "homegrown", "es": "local (Medellín)"},
    "origin_colombian": {"en": "Colombian", "es": "colombiana"},
    "origin_international": {"en": "international", "es": "internacional"},
    "origin_not-reported": {"en": "origin not reported", "es": "origen no reportado"},
    "year_control": {"en": "As of year", "es": "A fecha del año"},
    "year_control_help": {
        "en": "Shows the entities a source says were in Medellín by that year (arrived, or founded there for homegrown ones), the funding events and the series up to it.",
        "es": "Muestra las entidades que según una fuente estaban en Medellín ese año (llegada, o fundación allí para las locales), la financiación y las series hasta ese año.",
    },
    "year_all": {"en": "all years", "es": "todos los años"},
    "col_origin": {"en": "Origin", "es": "Origen"},
    "col_founded": {"en": "Founded", "es": "Fundada"},
    "col_founded_help": {
        "en": "Year founded, where a source states it (see the row's sources).",
        "es": "Año de fundación, cuando una fuente lo indica (vea las fuentes de la fila).",
    },
    "col_arrived": {"en": "In Medellín since", "es": "En Medellín desde"},
    "col_arrived_help": {
        "en": "Year the Medellín presence started, where a source states it (see the row's sources).",
        "es": "Año en que empezó la presencia en Medellín, cuando una fuente lo indica (vea las fuentes de la fila).",
    },
    "chart_as_of": {"en": "as of {year}", "es": "a {year}"},
    "chart_origin_timeline": {
        "en": "Companies by the year they came to Medellín, by origin",
        "es": "Empresas por año de llegada a Medellín, por origen",
    },
    "axis_companies": {"en": "Companies", "es": "Empresas"},
    "origin_timeline_title": {
        "en": "Homegrown and international over time",
        "es": "Locales e internacionales en el tiempo",
    },
    "origin_timeline_note": {
        "en": "Year = arrival in Medellín as a source states it, or founding for homegrown companies. {n} of the {total} companies shown have no such year and are not in this chart.",
        "es": "Año = llegada a Medellín según una fuente, o fundación para las empresas locales. {n} de las {total} empresas mostradas no tienen ese año y no están en este gráfico.",
    },
    "year_play": {"en": "Play", "es": "Reproducir"},
    "year_pause": {"en": "Pause", "es": "Pausa"},
    "year_undated": {
        "en": "Include {n} undated",
        "es": "Incluir {n} sin año",
    },
    "year_undated_help": {
        "en": "No source gives the year these entities came to Medellín. On: shown in every year; off: shown in none (but in 'all years').",
        "es": "Ninguna fuente da el año en que estas entidades llegaron a Medellín. Activado: se muestran en todos los años; desactivado: en ninguno (salvo en 'todos los años').",
    },
    "clear_filters": {"en": "Clear filters", "es": "Quitar filtros"},
    "share": {"en": "Share", "es": "Compartir"},
    "copy_link": {"en": "Share this view", "es": "Compartir esta vista"},
    "copy_link_help": {
        "en": "The address bar already holds every filter and the language: copy it, or this link.",
        "es": "La barra de direcciones ya contiene todos los filtros y el idioma: cópiela, o este enlace.",
    },
    "embed_help": {
        "en": "To show this view on another site, paste this code into its page:",
        "es": "Para mostrar esta vista en otro sitio, pegue este código en su página:",
    },
    "embed_title": {
        "en": "medmap: Medellín's tech ecosystem on a map",
        "es": "medmap: el ecosistema tecnológico de Medellín en un mapa",
    },
    "embed_source": {
        "en": "medmap · view the full dashboard",
        "es": "medmap · ver el tablero completo",
    },
    "link_dropped": {
        "en": "Some values in the link were not recognised and were ignored: {values}",
        "es": "Algunos valores del enlace no se reconocieron y se ignoraron: {values}",
    },
    # published views (medmap.publish)
    "published_live": {
        "en": "Explore this view live",
        "es": "Explorar esta vista en vivo",
    },
    "published_dates": {
        "en": "Data from sources dated up to {data_date}; page published {published}.",
        "es": "Datos de fuentes con fecha hasta {data_date}; página publicada el {published}.",
    },
    "publish_title": {"en": "Publish this view", "es": "Publicar esta vista"},
    "publish_help": {
        "en": "A static page of this view (map, KPIs, charts, sources) in one folder: unzip it on any static host (GitHub Pages, Netlify, your site's server). It needs no server, so any number of readers can open it; it links back here for the filters.",
        "es": "Una página estática de esta vista (mapa, indicadores, gráficos, fuentes) en una carpeta: descomprímala en cualquier alojamiento estático (GitHub Pages, Netlify, el servidor de su sitio). No necesita servidor, así que la puede abrir cualquier número de lectores; enlaza aquí para los filtros.",
    },
    "publish_shipped_data": {
        "en": "The published page uses the shipped data, never your uploaded file.",
        "es": "La página publicada usa los datos incluidos, nunca su archivo subido.",
    },
    "publish_download": {"en": "Download the page (zip)", "es": "Descargar la página (zip)"},
    "publish_embed_help": {
        "en": "Then embed it in an article with this code (replace the address with where you put index.html):",
        "es": "Luego insértela en un artículo con este código (cambie la dirección por donde puso index.html):",
    },
    "data_error_title": {
        "en": "The data could not be loaded",
        "es": "No se pudieron cargar los datos",
    },
    "data_error_body": {
        "en": "medmap found these problems (file:row:column: message). Fix them and reload.",
        "es": "medmap encontró estos problemas (archivo:fila:columna: mensaje). Corríjalos y recargue.",
    },
    "layer_missing": {
        "en": "The optional layer {layer} is missing; the rest of the map works without it.",
        "es": "Falta la capa opcional {layer}; el resto del mapa funciona sin ella.",
    },
    # pages
    "page_map": {"en": "Map", "es": "Mapa"},
    "page_companies": {"en": "Companies", "es": "Empresas"},
    "page_neighbourhoods": {"en": "Neighbourhoods", "es": "Barrios"},
    "page_jobs_funding": {"en": "Jobs & funding", "es": "Empleo y financiación"},
    "page_about": {"en": "About", "es": "Acerca de"},
    # KPIs
    "kpi_companies": {"en": "Companies shown", "es": "Empresas mostradas"},
    "kpi_companies_help": {
        "en": "Companies matching the filters with a sourced presence in Medellín (context-only rows such as Rappi excluded).",
        "es": "Empresas que cumplen los filtros con presencia en Medellín según una fuente (sin filas solo de contexto como Rappi).",
    },
    "kpi_staff": {"en": "Reported staff", "es": "Personal reportado"},
    "kpi_staff_help": {
        "en": "Sum of the latest reported Medellín headcount of each company shown ({n} of {total} report one). Not a census.",
        "es": "Suma del último personal reportado en Medellín de cada empresa mostrada ({n} de {total} lo reportan). No es un censo.",
    },
    "kpi_funding": {"en": "Reported funding", "es": "Financiación reportada"},
    "kpi_funding_help": {
        "en": "Largest reported round or total raised per company shown ({n} of {total} report one); acquisitions and fund sizes excluded.",
        "es": "Mayor ronda o total recaudado reportado por empresa mostrada ({n} de {total} lo reportan); sin adquisiciones ni tamaños de fondos.",
    },
    "kpi_organisations": {"en": "Organisations", "es": "Organizaciones"},
    "kpi_on_map": {"en": "Entities on the map", "es": "Entidades en el mapa"},
    "kpi_on_map_value": {"en": "{n} of {total}", "es": "{n} de {total}"},
    "kpi_on_map_help": {
        "en": "Entities shown (companies and organisations) that have a point on the map. The others are listed in the map's “Not on the map” box.",
        "es": "Entidades mostradas (empresas y organizaciones) con un punto en el mapa. Las demás se listan en el recuadro «Fuera del mapa» del mapa.",
    },
    "kpi_organisations_help": {
        "en": "Everything matching the filters that is not a company: institutions (universities, public agencies, innovation centres) and the support layer (coworkings, incubators and accelerators, funds and angel networks, clusters and associations, programmes). Not counted in “Companies shown”.",
        "es": "Todo lo que cumple los filtros y no es una empresa: instituciones (universidades, entidades públicas, centros de innovación) y la red de apoyo (coworkings, incubadoras y aceleradoras, fondos y redes de ángeles, clústeres y asociaciones, programas). No se cuentan en «Empresas mostradas».",
    },
    "not_reported": {"en": "not reported", "es": "no reportado"},
    # map
    "map_metric": {"en": "Colour areas by", "es": "Colorear áreas por"},
    "map_level": {"en": "Areas", "es": "Áreas"},
    "map_label": {
        "en": "Map of Medellín's tech ecosystem: barrios coloured by the chosen figure, Sevilla and the Innovation District outlined, markers for institutions, support organisations and company offices",
        "es": "Mapa del ecosistema tecnológico de Medellín: barrios coloreados por la cifra elegida, Sevilla y el Distrito de Innovación delineados, marcadores de instituciones, organizaciones de apoyo y oficinas de empresas",
    },
    "level_barrio": {"en": "Barrios", "es": "Barrios"},
    "level_comuna": {"en": "Comunas", "es": "Comunas"},
    "map_level_help": {
        "en": "Most sources name only a comuna, so comunas show more of the ecosystem than barrios.",
        "es": "La mayoría de las fuentes solo nombran una comuna: por comunas se ve más del ecosistema que por barrios.",
    },
    "metric_entities": {"en": "Entities", "es": "Entidades"},
    # The map's colour picker: short, the legend says the rest.
    "picker_entities": {"en": "Entities", "es": "Entidades"},
    "picker_staff": {"en": "Staff", "es": "Personal"},
    "picker_funding": {"en": "Funding (US$)", "es": "Financiación (US$)"},
    "metric_staff": {"en": "Reported staff", "es": "Personal reportado"},
    "metric_funding": {"en": "Reported funding (US$)", "es": "Financiación reportada (US$)"},
    "map_caption": {
        "en": "Map of Medellín's barrios with Sevilla and the Innovation District outlined; diamonds for institutions, squares for support organisations (coworkings, incubators, funds, associations, programmes), circles for company offices, coloured by sector (the seven sectors with most companies, as in the sector chart; grey for the others). Hollow dashed markers are approximate (placed in their barrio, comuna or district). Darker areas have more. Entities with no map point are listed in the map's “Not on the map” box.",
        "es": "Mapa de los barrios de Medellín con Sevilla y el Distrito de Innovación delineados; rombos para las instituciones, cuadrados para las organizaciones de apoyo (coworkings, incubadoras, fondos, asociaciones, programas), círculos para las oficinas de empresas, coloreados por sector (los siete sectores con más empresas, como en el gráfico de sectores; gris para los demás). Los marcadores huecos y punteados son aproximados (ubicados en su barrio, comuna o distrito). Las áreas más oscuras tienen más. Las entidades sin punto en el mapa se listan en el recuadro «Fuera del mapa».",
    },
    "map_table": {"en": "Map as a table", "es": "El mapa como tabla"},
    "map_table_help": {
        "en": "{level}: {metric}, the same figures that colour the map, most first. Entities not placed in a {area} are not counted.",
        "es": "{level}: {metric}, las mismas cifras que colorean el mapa, de mayor a menor. No se cuentan las entidades sin {area}.",
    },
    "map_table_empty": {
        "en": "No area has a value in this view.",
        "es": "Ningún área tiene un valor en esta vista.",
    },
    "area_count": {
        "en": "{n} company offices in {area}",
        "es": "{n} oficinas de empresas en {area}",
    },
    "aggregated_note": {
        "en": "{n} offices are located: company markers are counted per barrio (hover a circle for its count).",
        "es": "Hay {n} oficinas ubicadas: los marcadores de empresas se cuentan por barrio (pase el cursor sobre un círculo).",
    },
    "layer_barrios": {"en": "Barrios", "es": "Barrios"},
    "map_shapes_failed": {
        "en": "Barrio shapes could not be loaded: reload the page.",
        "es": "No se pudieron cargar las formas de los barrios: recargue la página.",
    },
    "layer_comunas": {"en": "Comunas", "es": "Comunas"},
    "layer_institutions": {
        "en": "Institutions and support organisations",
        "es": "Instituciones y organizaciones de apoyo",
    },
    "layer_companies": {"en": "Company offices", "es": "Oficinas de empresas"},
    "layer_metro": {"en": "Metro stations", "es": "Estaciones del Metro"},
    "layer_sevilla": {"en": "Sevilla (Ruta N)", "es": "Sevilla (Ruta N)"},
    "sevilla_label": {"en": "Sevilla · Ruta N", "es": "Sevilla · Ruta N"},
    "tooltip_barrio": {"en": "Barrio", "es": "Barrio"},
    "tooltip_comuna": {"en": "Comuna", "es": "Comuna"},
    "legend_button": {"en": "Legend", "es": "Leyenda"},
    "legend_title_barrio": {"en": "Per barrio", "es": "Por barrio"},
    "legend_title_comuna": {"en": "Per comuna", "es": "Por comuna"},
    "legend_not_counted": {
        "en": "Not in the colours: {n} of the entities shown, with no {level} on the map.",
        "es": "Fuera de los colores: {n} de las entidades mostradas, sin {level} en el mapa.",
    },
    "legend_level_barrio": {"en": "barrio", "es": "barrio"},
    "legend_level_comuna": {"en": "comuna", "es": "comuna"},
    "unplaced_title": {"en": "Not on the map", "es": "Fuera del mapa"},
    "unplaced_city": {
        "en": "In Medellín, area not reported",
        "es": "En Medellín, zona no reportada",
    },
    "unplaced_outside": {"en": "Outside Medellín", "es": "Fuera de Medellín"},
    "unplaced_reason_city": {
        "en": "sources say only “in Medellín”",
        "es": "las fuentes solo dicen «en Medellín»",
    },
    "unplaced_reason_outside": {
        "en": "its known place is outside Medellín",
        "es": "su lugar conocido está fuera de Medellín",
    },
    "legend_none": {"en": "none reported", "es": "nada reportado"},
    "legend_marker_company": {"en": "company", "es": "empresa"},
    "legend_marker_institution": {"en": "institution", "es": "institución"},
    "legend_marker_support": {"en": "support organisation", "es": "organización de apoyo"},
    "legend_marker_support_help": {
        "en": "coworking, incubator, fund, association or programme",
        "es": "coworking, incubadora, fondo, asociación o programa",
    },
    "popup_kind": {"en": "Kind", "es": "Tipo"},
    "popup_sector": {"en": "Sector", "es": "Sector"},
    "popup_staff": {"en": "Medellín staff", "es": "Personal en Medellín"},
    "popup_funding": {"en": "Funding", "es": "Financiación"},
    "popup_location": {"en": "Location", "es": "Ubicación"},
    "popup_sources": {"en": "Sources", "es": "Fuentes"},
    "unverified": {"en": "unverified", "es": "sin verificar"},
    "precision_coordinates": {
        "en": "exact point from a source",
        "es": "punto exacto según una fuente",
    },
    "precision_barrio": {
        "en": "approximate: somewhere in its barrio",
        "es": "aproximada: en algún lugar de su barrio",
    },
    "precision_comuna": {
        "en": "approximate: somewhere in its comuna",
        "es": "aproximada: en algún lugar de su comuna",
    },
    "precision_district": {
        "en": "approximate: somewhere in its district (several barrios)",
        "es": "aproximada: en algún lugar de su distrito (varios barrios)",
    },
    "precision_city": {
        "en": "only 'in Medellín' is known: no map point",
        "es": "solo se sabe 'en Medellín': sin punto en el mapa",
    },
    "precision_outside": {
        "en": "outside Medellín: no map point",
        "es": "fuera de Medellín: sin punto en el mapa",
    },
    "kind_company": {"en": "Company", "es": "Empresa"},
    "kind_institution": {"en": "Institution", "es": "Institución"},
    "kind_coworking": {"en": "Coworking", "es": "Coworking"},
    "kind_incubator": {"en": "Incubator or accelerator", "es": "Incubadora o aceleradora"},
    "kind_fund": {"en": "Fund or angel network", "es": "Fondo o red de ángeles"},
    "kind_association": {"en": "Cluster or association", "es": "Clúster o asociación"},
    "kind_programme": {"en": "Programme or event", "es": "Programa o evento"},
    "status_active": {"en": "active", "es": "activa"},
    "status_closed": {"en": "closed", "es": "cerrada"},
    "status_acquired": {"en": "acquired", "es": "adquirida"},
    "status_context": {
        "en": "context only (not in Medellín)",
        "es": "solo contexto (no está en Medellín)",
    },
    # charts
    "chart_sectors": {"en": "Entities by sector", "es": "Entidades por sector"},
    "map_table_pending": {
        "en": "The table follows as soon as the map is drawn.",
        "es": "La tabla aparece en cuanto el mapa esté dibujado.",
    },
    "chart_pending": {
        "en": "Chart loading: the map is drawn first.",
        "es": "Gráfico en camino: primero se dibuja el mapa.",
    },
    "chart_sectors_help": {
        "en": "Click a bar to filter everything by that sector.",
        "es": "Haga clic en una barra para filtrar todo por ese sector.",
    },
    "chart_staff": {
        "en": "Reported Medellín staff by company",
        "es": "Personal reportado en Medellín por empresa",
    },
    "chart_funding": {
        "en": "Largest reported funding by company",
        "es": "Mayor financiación reportada por empresa",
    },
    "chart_company_help": {
        "en": "Click a bar to show only that company's sector.",
        "es": "Haga clic en una barra para mostrar solo el sector de esa empresa.",
    },
    "axis_entities": {"en": "Entities", "es": "Entidades"},
    "axis_staff": {"en": "People", "es": "Personas"},
    "axis_funding": {"en": "US$", "es": "US$"},
    "axis_year": {"en": "Year", "es": "Año"},
    "no_figures": {
        "en": "{n} of the companies shown report no figure; they are not drawn as zero.",
        "es": "{n} de las empresas mostradas no reportan cifra; no se dibujan como cero.",
    },
    "empty_title": {"en": "Nothing matches these filters", "es": "Nada coincide con estos filtros"},
    "empty_body": {
        "en": "Try fewer filters, another sector, or clear them all. Many companies are only known to be 'in Medellín', so a barrio filter shows few.",
        "es": "Pruebe con menos filtros, otro sector, o quítelos todos. De muchas empresas solo se sabe que están 'en Medellín', así que un filtro de barrio muestra pocas.",
    },
    "qualifier_approx": {"en": "about", "es": "aprox."},
    "qualifier_min": {"en": "more than", "es": "más de"},
    "qualifier_planned": {"en": "planned", "es": "previsto"},
    "qualifier_forecast": {"en": "forecast", "es": "pronóstico"},
    "qualifier_exact": {"en": "", "es": ""},
    "funding_round": {"en": "round", "es": "ronda"},
    "funding_total_raised": {"en": "total raised", "es": "total recaudado"},
    "funding_debt": {"en": "debt", "es": "deuda"},
    "funding_acquisition": {"en": "acquisition", "es": "adquisición"},
    "funding_fund_size": {"en": "fund size", "es": "tamaño del fondo"},
    "funding_investment": {"en": "investment", "es": "inversión"},
    "funding_sale": {"en": "sale", "es": "venta"},
    "funding_public_investment": {"en": "public investment", "es": "inversión pública"},
    "funding_budget": {"en": "budget", "es": "presupuesto"},
    "publisher": {"en": "Publisher", "es": "Fuente"},
    "hover_source": {"en": "Source", "es": "Fuente"},
    # companies page
    "search": {"en": "Search", "es": "Buscar"},
    "search_placeholder": {
        "en": "Name, sector, note… (e.g. AI, Ruta N)",
        "es": "Nombre, sector, nota… (p. ej. IA, Ruta N)",
    },
    "companies_count": {
        "en": "{n} of {total} entities shown.",
        "es": "{n} de {total} entidades mostradas.",
    },
    "col_name": {"en": "Name", "es": "Nombre"},
    "col_kind": {"en": "Kind", "es": "Tipo"},
    "col_sector": {"en": "Sector", "es": "Sector"},
    "col_sector_unverified": {"en": "Sector unverified", "es": "Sector sin verificar"},
    "col_sector_unverified_help": {
        "en": "The sector label is general knowledge, not stated by the cited source.",
        "es": "La etiqueta de sector es conocimiento general, no la dice la fuente citada.",
    },
    "col_barrio": {"en": "Barrio", "es": "Barrio"},
    "col_comuna": {"en": "Comuna", "es": "Comuna"},
    "col_location": {"en": "Location", "es": "Ubicación"},
    "col_staff": {"en": "Medellín staff", "es": "Personal en Medellín"},
    "col_staff_help": {
        "en": "Latest reported figure; empty = not reported.",
        "es": "Última cifra reportada; vacío = no reportado.",
    },
    "col_funding": {"en": "Funding (US$)", "es": "Financiación (US$)"},
    "col_funding_help": {
        "en": "Largest reported round or total raised; empty = not reported.",
        "es": "Mayor ronda o total recaudado reportado; vacío = no reportado.",
    },
    "col_status": {"en": "Status", "es": "Estado"},
    "col_sources": {"en": "Sources", "es": "Fuentes"},
    "col_source_links": {"en": "Source links", "es": "Enlaces a fuentes"},
    "download_csv": {"en": "Download these rows (CSV)", "es": "Descargar estas filas (CSV)"},
    "upload_title": {
        "en": "Use your own companies file",
        "es": "Usar su propio archivo de empresas",
    },
    "upload_help": {
        "en": (
            "Upload a companies CSV in medmap's schema (download the template; the About page describes each column). "
            "It is checked like the shipped data; valid rows can replace the shipped companies **for your session only** "
            "(nothing is saved; other users never see it). Limits: {mb} MB, {rows} rows."
        ),
        "es": (
            "Suba un CSV de empresas con el esquema de medmap (descargue la plantilla; la página Acerca de describe cada "
            "columna). Se revisa como los datos incluidos; las filas válidas pueden reemplazar las empresas incluidas "
            "**solo en su sesión** (nada se guarda; otros usuarios no lo ven). Límites: {mb} MB, {rows} filas."
        ),
    },
    "upload_template": {"en": "Download the template (CSV)", "es": "Descargar la plantilla (CSV)"},
    "upload_label": {"en": "Companies CSV", "es": "CSV de empresas"},
    "upload_valid_rows": {"en": "{n} valid rows.", "es": "{n} filas válidas."},
    "upload_no_valid_rows": {
        "en": "No row can be used: see the problems below.",
        "es": "Ninguna fila se puede usar: vea los problemas abajo.",
    },
    "upload_use": {
        "en": "Show my rows instead of the shipped data",
        "es": "Mostrar mis filas en lugar de los datos incluidos",
    },
    "upload_active": {
        "en": "You are looking at your uploaded rows (this session only).",
        "es": "Está viendo sus filas subidas (solo en esta sesión).",
    },
    "col_row": {"en": "Row", "es": "Fila"},
    "col_column": {"en": "Column", "es": "Columna"},
    "col_problem": {"en": "Problem", "es": "Problema"},
    "col_value": {"en": "Value", "es": "Valor"},
    "col_severity": {"en": "Kind", "es": "Tipo"},
    "notice": {"en": "notice (row kept)", "es": "aviso (fila conservada)"},
    "error": {"en": "error (row left out)", "es": "error (fila excluida)"},
    # neighbourhoods page
    "spotlight_title": {
        "en": "Spotlight: Sevilla, home of Ruta N",
        "es": "En foco: Sevilla, sede de Ruta N",
    },
    "spotlight_body": {
        "en": (
            "**Ruta N** is the public innovation and business centre created in 2009 by the Alcaldía de Medellín, "
            "EPM and UNE (S92, S10). Its three-tower complex, opened in 2011 (S12), stands in the barrio **Sevilla** "
            "(S99), across from the **University of Antioquia**'s Ciudad Universitaria (S60, S81). Rest of World calls "
            "the complex the physical epicentre of the city's tech scene (S1). Ruta N leads the **Innovation District** "
            "around it; sources give its area as 114 ha (S61, S112) to 170 ha (S113), covering three northern "
            "neighbourhoods with about 60,000 residents (S112)."
        ),
        "es": (
            "**Ruta N** es el centro público de innovación y negocios creado en 2009 por la Alcaldía de Medellín, "
            "EPM y UNE (S92, S10). Su complejo de tres torres, abierto en 2011 (S12), está en el barrio **Sevilla** "
            "(S99), frente a la Ciudad Universitaria de la **Universidad de Antioquia** (S60, S81). Rest of World lo "
            "llama el epicentro físico de la escena tecnológica de la ciudad (S1). Ruta N lidera el **Distrito de "
            "Innovación** a su alrededor; las fuentes dan un área de 114 ha (S61, S112) a 170 ha (S113), en tres "
            "barrios del norte con unos 60.000 habitantes (S112)."
        ),
    },
    "spotlight_in_sevilla": {
        "en": "Entities placed in Sevilla",
        "es": "Entidades ubicadas en Sevilla",
    },
    "spotlight_note": {
        "en": "Companies whose sources put them in the Ruta N complex are placed in Sevilla (approximate point).",
        "es": "Las empresas que según sus fuentes están en el complejo Ruta N se ubican en Sevilla (punto aproximado).",
    },
    "by_comuna": {"en": "By comuna", "es": "Por comuna"},
    "by_barrio": {"en": "By barrio", "es": "Por barrio"},
    "area_note": {
        "en": "Only entities with a known barrio or comuna count here; staff and funding are sums of reported figures (empty = none reported).",
        "es": "Aquí solo cuentan las entidades con barrio o comuna conocidos; personal y financiación son sumas de cifras reportadas (vacío = nada reportado).",
    },
    "col_code": {"en": "Code", "es": "Código"},
    "col_area": {"en": "Name", "es": "Nombre"},
    # jobs & funding page
    "city_series_title": {
        "en": "City-level series, by publisher",
        "es": "Series de ciudad, por fuente",
    },
    "city_series_note": {
        "en": "Each line is one publisher's own count; publishers count differently, so lines are never added up. Missing years are gaps, not zeros. These series are city-wide and ignore the filters.",
        "es": "Cada línea es la cuenta propia de una fuente; cuentan de forma distinta, así que nunca se suman. Los años sin dato son huecos, no ceros. Estas series son de toda la ciudad y no dependen de los filtros.",
    },
    "series_companies_attracted": {
        "en": "Companies attracted per year",
        "es": "Empresas atraídas por año",
    },
    "series_companies_attracted_axis": {"en": "Companies", "es": "Empresas"},
    "series_jobs": {"en": "Jobs per year", "es": "Empleos por año"},
    "series_jobs_axis": {"en": "Jobs", "es": "Empleos"},
    "series_fdi_usd": {
        "en": "Foreign direct investment managed (US$)",
        "es": "Inversión extranjera directa gestionada (US$)",
    },
    "series_fdi_usd_axis": {"en": "US$", "es": "US$"},
    "series_acti_pct_gdp": {
        "en": "Science, technology & innovation investment (% of GDP)",
        "es": "Inversión en ciencia, tecnología e innovación (% del PIB)",
    },
    "series_acti_pct_gdp_axis": {"en": "% of GDP", "es": "% del PIB"},
    "multi_year_title": {
        "en": "Multi-year and cumulative figures",
        "es": "Cifras plurianuales y acumuladas",
    },
    "company_figures_title": {
        "en": "Companies' reported staff and funding",
        "es": "Personal y financiación reportados por las empresas",
    },
    "company_figures_note": {
        "en": "For the companies matching the filters. Only reported figures are drawn; ~ means about, > means more than.",
        "es": "Para las empresas que cumplen los filtros. Solo se dibujan cifras reportadas; ~ es aproximado, > es más de.",
    },
    "no_company_figures": {
        "en": "No company shown reports this figure.",
        "es": "Ninguna empresa mostrada reporta esta cifra.",
    },
    "chart_funding_timeline": {
        "en": "Funding events over time (US$, log scale)",
        "es": "Eventos de financiación en el tiempo (US$, escala log.)",
    },
    # about page
    "about_what": {
        "en": (
            "**medmap** maps Medellín's tech ecosystem: anchor institutions such as **Ruta N** and the **University of "
            "Antioquia**, the organisations that support founders (coworkings, incubators and accelerators, funds "
            "and angel networks, clusters and associations, programmes), and companies with a sourced presence in the "
            "city, with their reported Medellín staff and funding. Every fact comes from a cited public source (listed below); what no source states is shown as "
            "*not reported*, never as zero or a guess."
        ),
        "es": (
            "**medmap** mapea el ecosistema tecnológico de Medellín: instituciones ancla como **Ruta N** y la "
            "**Universidad de Antioquia**, las organizaciones que apoyan a los emprendedores (coworkings, incubadoras y "
            "aceleradoras, fondos y redes de ángeles, clústeres y asociaciones, programas), y empresas con presencia en "
            "la ciudad según una fuente, con su personal en Medellín y financiación reportados. Cada dato viene de una fuente pública citada (lista abajo); lo que "
            "ninguna fuente dice aparece como *no reportado*, nunca como cero ni como suposición."
        ),
    },
    "about_method_title": {
        "en": "How locations are derived",
        "es": "Cómo se derivan las ubicaciones",
    },
    "about_method": {
        "en": (
            "- **Exact point**: a source gives the coordinates.\n"
            "- **Approximate (barrio or comuna)**: a source places the entity in a barrio (e.g. Ruta N in Sevilla) or "
            "comuna; the marker sits at a representative point inside that polygon and is drawn hollow and dashed.\n"
            "- **City only / outside**: the source only says *in Medellín*, or the place is outside the municipality: "
            "no marker; the entity is still listed in tables and counts without a place filter.\n"
            "- Barrio and comuna of each point come from a spatial join against the official 2014 barrio layer.\n"
            "- **Not reported** means no source gives the figure. Sectors marked *unverified* are general knowledge, "
            "not stated by the cited source."
        ),
        "es": (
            "- **Punto exacto**: una fuente da las coordenadas.\n"
            "- **Aproximada (barrio o comuna)**: una fuente ubica la entidad en un barrio (p. ej. Ruta N en Sevilla) o "
            "comuna; el marcador se pone en un punto representativo dentro de ese polígono y se dibuja hueco y punteado.\n"
            "- **Solo ciudad / fuera**: la fuente solo dice *en Medellín*, o el lugar está fuera del municipio: sin "
            "marcador; la entidad sigue en tablas y conteos sin filtro de lugar.\n"
            "- El barrio y la comuna de cada punto salen de un cruce espacial con la capa oficial de barrios de 2014.\n"
            "- **No reportado** significa que ninguna fuente da la cifra. Los sectores marcados *sin verificar* son "
            "conocimiento general, no los dice la fuente citada."
        ),
    },
    "about_counts_title": {"en": "What the data holds", "es": "Qué contienen los datos"},
    "about_counts": {
        "en": "Entities by kind in the data (before any filter), and how many have a point on the map. Companies are counted apart from the organisations that support them.",
        "es": "Entidades por tipo en los datos (sin filtros), y cuántas tienen un punto en el mapa. Las empresas se cuentan aparte de las organizaciones que las apoyan.",
    },
    "col_entities": {"en": "Entities", "es": "Entidades"},
    "col_on_map": {"en": "On the map", "es": "En el mapa"},
    "total": {"en": "Total", "es": "Total"},
    "about_sources_title": {"en": "Sources", "es": "Fuentes"},
    "col_source_id": {"en": "Id", "es": "Id"},
    "col_title": {"en": "Source", "es": "Fuente"},
    "col_date": {"en": "Date", "es": "Fecha"},
    "col_link": {"en": "Link", "es": "Enlace"},
    "about_schema_title": {
        "en": "Your own data: the companies file",
        "es": "Sus propios datos: el archivo de empresas",
    },
    "about_schema": {
        "en": (
            "On the Companies page you can upload a CSV (UTF-8, comma-separated, one header row) with these columns. "
            "It is checked like the shipped data and used for your session only. Leave a cell empty when a value is "
            "not known: it will read *not reported*."
        ),
        "es": (
            "En la página Empresas puede subir un CSV (UTF-8, separado por comas, una fila de encabezado) con estas "
            "columnas. Se revisa como los datos incluidos y se usa solo en su sesión. Deje vacía una celda cuando no "
            "se conozca el valor: se leerá *no reportado*."
        ),
    },
    "col_required": {"en": "Required", "es": "Obligatorio"},
    "col_type": {"en": "Type", "es": "Tipo"},
    "col_rule": {"en": "Rule", "es": "Regla"},
    "about_licences_title": {"en": "Licences and attribution", "es": "Licencias y atribución"},
    "about_licences": {
        "en": (
            "- **Barrios, veredas, comunas and corregimientos**: Alcaldía de Medellín – GeoMedellín / MEData "
            "(official 2014 barrio–vereda layer and the catastral comuna layer), coverage-simplified by medmap. "
            "The publisher's open-data terms apply; attribution is required (see `geo/SOURCES.md`).\n"
            "- **Metro stations**: Metro de Medellín / Medellín open data.\n"
            "- **Base map**: © OpenStreetMap contributors (tiles: openstreetmap.org).\n"
            "- **Facts about companies, jobs and funding**: the sources listed above, each cited per row.\n"
            "- **Software**: Streamlit, folium / Leaflet, streamlit-folium, GeoPandas, Plotly, pandera, Babel."
        ),
        "es": (
            "- **Barrios, veredas, comunas y corregimientos**: Alcaldía de Medellín – GeoMedellín / MEData "
            "(capa oficial de barrios y veredas de 2014 y capa catastral de comunas), simplificadas por medmap "
            "como cobertura. Aplican los términos de datos abiertos del publicador; se requiere atribución "
            "(ver `geo/SOURCES.md`).\n"
            "- **Estaciones del Metro**: Metro de Medellín / datos abiertos de Medellín.\n"
            "- **Mapa base**: © colaboradores de OpenStreetMap (teselas: openstreetmap.org).\n"
            "- **Datos de empresas, empleo y financiación**: las fuentes listadas arriba, citadas por fila.\n"
            "- **Software**: Streamlit, folium / Leaflet, streamlit-folium, GeoPandas, Plotly, pandera, Babel."
        ),
    },
    # problems in data files and uploads: {value} is the offending value, {details} extra facts
    "problem_missing_file": {
        "en": "missing file",
        "es": "falta el archivo",
    },
    "problem_data_dir_missing": {
        "en": "data directory not found",
        "es": "no se encontró el directorio de datos",
    },
    "problem_empty_file": {
        "en": "file is empty",
        "es": "el archivo está vacío",
    },
    "problem_encoding": {
        "en": "unreadable encoding: not UTF-8 (byte {details})",
        "es": "codificación ilegible: no es UTF-8 (byte {details})",
    },
    "problem_utf16": {
        "en": "the file is UTF-16; save it as 'CSV UTF-8'",
        "es": "el archivo está en UTF-16; guárdelo como 'CSV UTF-8'",
    },
    "problem_latin1": {
        "en": "the file is not UTF-8; it was read as Windows-1252 (Latin-1): check accents, or save it as 'CSV UTF-8'",
        "es": "el archivo no es UTF-8; se leyó como Windows-1252 (Latin-1): revise las tildes, o guárdelo como 'CSV UTF-8'",
    },
    "problem_csv_unreadable": {
        "en": "not a readable CSV file: {details}",
        "es": "no es un archivo CSV legible: {details}",
    },
    "problem_semicolon": {
        "en": "columns are separated by ';' (not ','): the file was read that way",
        "es": "las columnas están separadas por ';' (no por ','): el archivo se leyó así",
    },
    "problem_decimal_comma": {
        "en": "decimal commas were read as decimal points: '{value}'",
        "es": "las comas decimales se leyeron como puntos: '{value}'",
    },
    "problem_duplicate_column": {
        "en": "duplicate column",
        "es": "columna duplicada",
    },
    "problem_field_count": {
        "en": "has {value} fields, the header has {details}",
        "es": "tiene {value} campos, el encabezado tiene {details}",
    },
    "problem_missing_column": {
        "en": "missing column",
        "es": "falta la columna",
    },
    "problem_optional_column_missing": {
        "en": "optional column missing: left empty (not reported)",
        "es": "falta una columna opcional: se deja vacía (no reportado)",
    },
    "problem_unexpected_column": {
        "en": "unexpected column",
        "es": "columna inesperada",
    },
    "problem_extra_column": {
        "en": "column not in the schema: ignored",
        "es": "columna fuera del esquema: se ignora",
    },
    "problem_no_rows": {
        "en": "the file has a header but no rows",
        "es": "el archivo tiene encabezado pero ninguna fila",
    },
    "problem_too_large": {
        "en": "the file is {value} MB; the limit is {details} MB",
        "es": "el archivo pesa {value} MB; el límite es {details} MB",
    },
    "problem_too_many_rows": {
        "en": "{value} rows; the limit is {details}",
        "es": "{value} filas; el límite es {details}",
    },
    "problem_required": {
        "en": "required value is empty",
        "es": "falta un valor obligatorio",
    },
    "problem_duplicate": {
        "en": "duplicate value '{value}'",
        "es": "valor duplicado '{value}'",
    },
    "problem_not_integer": {
        "en": "'{value}' is not a whole number",
        "es": "'{value}' no es un número entero",
    },
    "problem_not_number": {
        "en": "'{value}' is not a number",
        "es": "'{value}' no es un número",
    },
    "problem_wrong_type": {
        "en": "wrong type {value}",
        "es": "tipo incorrecto {value}",
    },
    "problem_one_of": {
        "en": "must be one of: {details}: '{value}'",
        "es": "debe ser uno de: {details}: '{value}'",
    },
    "problem_format": {
        "en": "not a valid {details}: '{value}'",
        "es": "no es un {details} válido: '{value}'",
    },
    "problem_negative": {
        "en": "must not be negative: '{value}'",
        "es": "no puede ser negativo: '{value}'",
    },
    "problem_https": {
        "en": "must start with https://: '{value}'",
        "es": "debe empezar por https://: '{value}'",
    },
    "problem_length": {
        "en": "must be 1–200 characters",
        "es": "debe tener entre 1 y 200 caracteres",
    },
    "problem_lat_bbox": {
        "en": "latitude outside Medellín's bounding box: '{value}'",
        "es": "latitud fuera del recuadro de Medellín: '{value}'",
    },
    "problem_lon_bbox": {
        "en": "longitude outside Medellín's bounding box: '{value}'",
        "es": "longitud fuera del recuadro de Medellín: '{value}'",
    },
    "problem_outside_medellin": {
        "en": "the point is not inside any barrio of Medellín: '{value}'",
        "es": "el punto no está dentro de ningún barrio de Medellín: '{value}'",
    },
    "problem_year": {
        "en": "not a plausible year: '{value}'",
        "es": "no es un año plausible: '{value}'",
    },
    "problem_unknown_sector": {
        "en": "unknown sector '{value}'",
        "es": "sector desconocido '{value}'",
    },
    "problem_unknown_source": {
        "en": "unknown source id '{value}'",
        "es": "fuente desconocida '{value}'",
    },
    "problem_unknown_entity": {
        "en": "unknown entity id '{value}'",
        "es": "entidad desconocida '{value}'",
    },
    "problem_unknown_barrio": {
        "en": "unknown barrio code '{value}'",
        "es": "código de barrio desconocido '{value}'",
    },
    "problem_unknown_district": {
        "en": "unknown district code '{value}'",
        "es": "código de distrito desconocido '{value}'",
    },
    "problem_unknown_comuna": {
        "en": "unknown comuna code '{value}'",
        "es": "código de comuna desconocido '{value}'",
    },
    # place names in location_code (medmap.places): {details} lists "Name (code)" places
    "problem_ambiguous_name": {
        "en": "the name '{value}' is shared by several places: {details}; write the code",
        "es": "el nombre '{value}' lo tienen varios lugares: {details}; escriba el código",
    },
    "problem_unknown_name": {
        "en": "unknown place name '{value}'; closest: {details}",
        "es": "nombre de lugar desconocido '{value}'; los más parecidos: {details}",
    },
    "problem_unknown_name_no_close": {
        "en": "unknown place name '{value}'; no official name is close: write the code",
        "es": "nombre de lugar desconocido '{value}'; ningún nombre oficial se parece: escriba el código",
    },
    # the upload summary of those names (medmap.upload_panel)
    "upload_resolved": {
        "en": "Place names read as codes ({n}):",
        "es": "Nombres de lugar leídos como códigos ({n}):",
    },
    "col_written": {"en": "As written", "es": "Como se escribió"},
    "col_read_as": {"en": "Read as", "es": "Leído como"},
    "problem_coordinates_required": {
        "en": "required when precision is coordinates",
        "es": "obligatorio cuando la precisión es coordinates",
    },
    "problem_coordinates_not_allowed": {
        "en": "coordinates given but precision is '{value}'",
        "es": "hay coordenadas pero la precisión es '{value}'",
    },
    "problem_code_required": {
        "en": "required when precision is {value}",
        "es": "obligatorio cuando la precisión es {value}",
    },
    "problem_code_not_used": {
        "en": "not used when precision is '{value}'",
        "es": "no se usa cuando la precisión es '{value}'",
    },
    "problem_period_order": {
        "en": "starts after period_end",
        "es": "empieza después de period_end",
    },
    "problem_geometry_unreadable": {
        "en": "unreadable geometry file: {details}",
        "es": "archivo de geometría ilegible: {details}",
    },
    "problem_missing_property": {
        "en": "missing property",
        "es": "falta la propiedad",
    },
    "problem_invalid_geometry": {
        "en": "missing or invalid geometry",
        "es": "geometría ausente o inválida",
    },
    "problem_check_failed": {
        "en": "check '{details}' failed: '{value}'",
        "es": "falló la comprobación '{details}': '{value}'",
    },
    # upload schema table: the rule of each check, and the column types
    "rule_format": {
        "en": "a {details}",
        "es": "un {details}",
    },
    "rule_one_of": {
        "en": "one of: {details}",
        "es": "uno de: {details}",
    },
    "rule_length": {
        "en": "1–200 characters",
        "es": "de 1 a 200 caracteres",
    },
    "rule_lat_bbox": {
        "en": "decimal degrees inside Medellín",
        "es": "grados decimales dentro de Medellín",
    },
    "rule_lon_bbox": {
        "en": "decimal degrees inside Medellín (negative)",
        "es": "grados decimales dentro de Medellín (negativos)",
    },
    "rule_year": {
        "en": "a 4-digit year",
        "es": "un año de 4 cifras",
    },
    "rule_https": {
        "en": "an https:// address",
        "es": "una dirección https://",
    },
    "rule_negative": {
        "en": "0 or more",
        "es": "0 o más",
    },
    "type_Float64": {
        "en": "number",
        "es": "número",
    },
    "type_Int64": {
        "en": "whole number",
        "es": "número entero",
    },
    "type_text": {
        "en": "text",
        "es": "texto",
    },
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The catalog text for ``key`` in ``lang``, with ``{placeholders}`` filled."""
    text = CATALOG[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**values) if values else text


def format_count(value: float | int | None, lang: str) -> str:
    """A count such as staff: ``1,264`` / ``1.264``; missing -> "not reported"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("not_reported", lang)
    return format_decimal(value, locale=BABEL_LOCALE[lang])


def format_usd(value: float | None, lang: str) -> str:
    """Money in compact form: ``US$135M`` / ``135 M US$``; missing -> "not reported"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("not_reported", lang)
    return format_compact_currency(value, "USD", locale=BABEL_LOCALE[lang], fraction_digits=1)
