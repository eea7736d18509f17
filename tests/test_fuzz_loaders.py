"""Random and mutated inputs: the loaders answer with InputError or a result, nothing else."""

from __future__ import annotations

import contextlib
import copy
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_planner.errors import InputError
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import load_villages
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
    with contextlib.suppress(InputError):
        load_villages(_write(tmp_path, "v.geojson", data), communes=COMMUNES)


@FUZZ
@given(choice=st.data(), new=json_values)
def test_mutated_villages(tmp_path: Path, choice: st.DataObject, new: Any) -> None:
    path = choice.draw(st.sampled_from(_paths(VILLAGES)))
    doc = _mutate(VILLAGES, path, new)
    try:
        villages = load_villages(_write(tmp_path, "v.geojson", _dumps(doc)), communes=COMMUNES)
    except InputError:
        return
    for v in villages:  # whatever was accepted is sound
        assert v.population >= 0 and v.households >= 0
        assert math.isfinite(v.position.lon) and math.isfinite(v.position.lat)


@FUZZ
@given(choice=st.data(), new=json_values)
def test_mutated_communes(tmp_path: Path, choice: st.DataObject, new: Any) -> None:
    path = choice.draw(st.sampled_from(_paths(COMMUNES_DATA)))
    doc = _mutate(COMMUNES_DATA, path, new)
    with contextlib.suppress(InputError):
        load_communes(_write(tmp_path, "c.geojson", _dumps(doc)))


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
    with contextlib.suppress(InputError):
        load_programme(_write(tmp_path, "p.toml", text.encode()), reading_speed_spm=233)


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_as_programme(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(InputError):
        load_programme(_write(tmp_path, "p.toml", data), reading_speed_spm=233)


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
    with contextlib.suppress(InputError):
        load_settings(_write(tmp_path, "s.toml", text.encode()))
