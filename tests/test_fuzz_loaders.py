"""Random and mutated inputs: the loaders answer with InputError or a result, nothing else,
and a result says what the file says (a value the loader accepted is the file's value)."""

from __future__ import annotations

import copy
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_planner.errors import InputError
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import LANGUAGE_CODES, id_text, load_villages
from outreach_planner.programme import load_programme
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"
VILLAGES = json.loads((TINY / "villages.geojson").read_text(encoding="utf-8"))
COMMUNES_DATA = json.loads((TINY / "communes.geojson").read_text(encoding="utf-8"))
COMMUNES = load_communes(TINY / "communes.geojson")
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indices) into a JSON value."""
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _mutate(doc: Any, path: tuple, new: Any) -> Any:
    doc = copy.deepcopy(doc)
    if not path:
        return new
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return doc


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _dumps(doc: Any) -> bytes:
    # allow_nan: NaN and Infinity reach the file as the literals a careless tool writes.
    return json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8")


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_as_villages(tmp_path: Path, data: bytes) -> None:
    try:
        villages = load_villages(_write(tmp_path, "v.geojson", data), communes=COMMUNES)
    except InputError:
        return
    _assert_sound(villages)


def _assert_sound(villages: list) -> None:
    names = {c.name for c in COMMUNES}
    for v in villages:
        assert isinstance(v.id, str) and v.id and isinstance(v.name, str) and v.name.strip()
        assert v.commune in names
        assert isinstance(v.population, int) and v.population >= 0
        assert isinstance(v.households, int) and v.households >= 0
        assert math.isfinite(v.position.lon) and math.isfinite(v.position.lat)
        assert -180 <= v.position.lon <= 180 and -90 <= v.position.lat <= 90
        assert v.languages and set(v.languages) <= set(LANGUAGE_CODES)
    assert len({v.id for v in villages}) == len(villages)


@FUZZ
@given(choice=st.data(), new=json_values)
def test_mutated_villages(tmp_path: Path, choice: st.DataObject, new: Any) -> None:
    path = choice.draw(st.sampled_from(_paths(VILLAGES)))
    doc = _mutate(VILLAGES, path, new)
    try:
        villages = load_villages(_write(tmp_path, "v.geojson", _dumps(doc)), communes=COMMUNES)
    except InputError:
        return
    _assert_sound(villages)
    # What was accepted is what the file says, village by village.
    # A whole-number id (as a spreadsheet exports it) is kept as its text.
    by_id = {id_text(f["properties"]["id"]): f for f in doc["features"]}
    assert {v.id for v in villages} == set(by_id)
    for v in villages:
        props, coords = by_id[v.id]["properties"], by_id[v.id]["geometry"]["coordinates"]
        assert (v.name, v.commune) == (props["name"].strip(), props["commune"])
        assert (v.population, v.households) == (props["population"], props["households"])
        assert (v.position.lon, v.position.lat) == (coords[0], coords[1])


@FUZZ
@given(choice=st.data(), new=json_values)
def test_mutated_communes(tmp_path: Path, choice: st.DataObject, new: Any) -> None:
    path = choice.draw(st.sampled_from(_paths(COMMUNES_DATA)))
    doc = _mutate(COMMUNES_DATA, path, new)
    try:
        communes = load_communes(_write(tmp_path, "c.geojson", _dumps(doc)))
    except InputError:
        return
    assert communes
    for c in communes:
        assert isinstance(c.name, str) and c.name.strip()
        assert c.geometry.is_valid and not c.geometry.is_empty and c.geometry.area > 0
    assert len({c.name for c in communes}) == len(communes)


toml_values = st.one_of(
    st.integers(-1000, 1000).map(str), st.floats(allow_nan=True).map(lambda f: repr(f).lower()),
    st.text(max_size=10).map(json.dumps), st.just("[]"), st.just('["a", 1]'), st.just("true"),
    st.just("1979-05-27"), st.just("{ a = 1 }"),
)  # fmt: skip
item_keys = st.sampled_from(["title", "language", "minutes", "text", "audio", "x"])


@FUZZ
@given(items=st.lists(st.dictionaries(item_keys, toml_values, max_size=4), max_size=4))
def test_random_programmes(tmp_path: Path, items: list[dict[str, str]]) -> None:
    text = "".join(
        "[[items]]\n" + "".join(f"{k} = {v}\n" for k, v in item.items()) for item in items
    )
    try:
        programme = load_programme(_write(tmp_path, "p.toml", text.encode()),
                                   reading_speed_spm=233)  # fmt: skip
    except InputError:
        return
    _assert_sound_programme(programme)
    # Every table became an item; an item in minutes lasts those minutes.
    tables = tomllib.loads(text)["items"]
    assert len(programme.items) == len(tables)
    for item, table in zip(programme.items, tables, strict=True):
        assert item.title == table["title"].strip()
        assert item.language == table.get("language")
        if "minutes" in table:
            assert item.duration_s == table["minutes"] * 60


def _assert_sound_programme(programme) -> None:
    assert programme.items
    for item in programme.items:
        assert isinstance(item.title, str) and item.title.strip()
        assert math.isfinite(item.duration_s) and item.duration_s > 0
        assert item.language is None or item.language in LANGUAGE_CODES


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_as_programme(tmp_path: Path, data: bytes) -> None:
    try:
        programme = load_programme(_write(tmp_path, "p.toml", data), reading_speed_spm=233)
    except InputError:
        return
    _assert_sound_programme(programme)


setting_keys = st.sampled_from(
    ["start", "weeks", "weekdays", "working_hours", "vehicles", "speed_kmh", "detour_factor",
     "audible_radius_m", "setup_min", "min_visits", "min_days_between_visits", "seed",
     "timezone", "search_effort", "time_cap_s", "engine", "villages", "depot", "unknown"]
)  # fmt: skip


@FUZZ
@given(values=st.dictionaries(setting_keys, toml_values, max_size=5))
def test_random_settings(tmp_path: Path, values: dict[str, str]) -> None:
    text = "".join(f"{k} = {v}\n" for k, v in values.items())
    text += '[depot]\nname = "D"\nlon = 107.6\nlat = 12.2\n' if "depot" not in values else ""
    try:
        s = load_settings(_write(tmp_path, "s.toml", text.encode()))
    except InputError:
        return
    # The numbers the file gave are the settings' numbers, within their ranges.
    given = tomllib.loads(text)
    for key, field, scale in _NUMBERS:
        if key in given:
            assert getattr(s, field) == pytest.approx(given[key] * scale, abs=0.5), key
    assert 1 <= s.weeks <= 52 and 1 <= s.vehicles <= 20
    assert s.speed_kmh > 0 and s.detour_factor >= 1 and s.audible_radius_m > 0
    assert s.weekdays and set(s.weekdays) <= set(range(7))
    assert s.work_start_s < s.lunch_start_s <= s.lunch_end_s < s.work_end_s


_NUMBERS = (
    ("weeks", "weeks", 1), ("vehicles", "vehicles", 1), ("speed_kmh", "speed_kmh", 1),
    ("detour_factor", "detour_factor", 1), ("audible_radius_m", "audible_radius_m", 1),
    ("setup_min", "setup_s", 60), ("min_visits", "min_visits", 1),
    ("min_days_between_visits", "min_days_between_visits", 1), ("seed", "seed", 1),
    ("search_effort", "search_effort", 1), ("time_cap_s", "time_cap_s", 1),
)  # fmt: skip
