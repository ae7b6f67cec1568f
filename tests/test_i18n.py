import re

import pytest

from medmap.i18n import CATALOG, LANGS, format_count, format_usd, t


def test_every_string_has_english_and_spanish():
    for key, texts in CATALOG.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() or key == "qualifier_exact" for lang in LANGS), key


def test_placeholders_match_between_languages():
    for key, texts in CATALOG.items():
        fields = {lang: set(re.findall(r"\{(\w+)\}", texts[lang])) for lang in LANGS}
        assert fields["en"] == fields["es"], key


@pytest.mark.parametrize(
    ("lang", "count", "money"),
    [("en", "1,264", "US$135M"), ("es", "1.264", "135 M US$")],
)
def test_numbers_follow_the_locale(lang, count, money):
    assert format_count(1264, lang) == count
    assert format_usd(135_000_000, lang).replace("\xa0", " ") == money


def test_missing_values_read_not_reported():
    assert format_count(None, "en") == "not reported"
    assert format_usd(float("nan"), "es") == "no reportado"


def test_unknown_language_falls_back_to_english():
    assert t("page_map", "fr") == "Map"
