"""Number formats of the labels: Vietnamese groups thousands with '.' and writes decimals
with ','; English the other way round."""

from __future__ import annotations

import pytest

from outreach_planner.labels import Labels


@pytest.mark.parametrize(
    "lang, n, text", [("vi", 134215, "134.215"), ("en", 134215, "134,215"), ("vi", 999, "999")]
)
def test_count(lang, n, text):
    assert Labels(lang).count(n) == text


@pytest.mark.parametrize(
    "lang, metres, text",
    [("vi", 3240, "3,2"), ("en", 3240, "3.2"), ("vi", 1234567, "1.234,6"), ("en", 0, "0.0")],
)
def test_km(lang, metres, text):
    assert Labels(lang).km(metres) == text
