"""Commune polygons: the tiny file and every kind of bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from outreach_planner.errors import InputError
from outreach_planner.io.communes import load_communes

Feature = dict[str, Any]


@pytest.fixture
def tiny_data(tiny_dir: Path) -> dict[str, Any]:
    """A fresh copy of the tiny communes FeatureCollection, to break in a test."""
    return json.loads((tiny_dir / "communes.geojson").read_text(encoding="utf-8"))


def test_tiny_communes_load(tiny_dir: Path) -> None:
    communes = load_communes(tiny_dir / "communes.geojson")
    assert [(c.name, c.population, c.households) for c in communes] == [
        ("Xã A", 3000, 800),
        ("Xã B", 2000, 500),
    ]
    a, b = communes
    assert a.geometry.contains(Point(107.61, 12.25))
    assert not b.geometry.contains(Point(107.61, 12.25))
    assert a.geometry.area == pytest.approx(0.04 * 0.04)


def test_multipolygon_and_plain_census_keys(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    feat = tiny_data["features"][0]
    feat["geometry"] = {"type": "MultiPolygon", "coordinates": [feat["geometry"]["coordinates"]]}
    feat["properties"] = {"name": "Xã A", "population": 10, "households": 3}
    [a, _] = load_communes(write_json(tiny_data))
    assert (a.geometry.geom_type, a.population, a.households) == ("MultiPolygon", 10, 3)


def test_census_figures_are_optional(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    tiny_data["features"][0]["properties"] = {"name": "Xã A"}
    [a, _] = load_communes(write_json(tiny_data))
    assert (a.population, a.households) == (None, None)


def set_name(name: object) -> Callable[[Feature], None]:
    return lambda f: f["properties"].__setitem__("name", name)


def set_geometry(geometry: object) -> Callable[[Feature], None]:
    return lambda f: f.__setitem__("geometry", geometry)


# Every case breaks feature 2 (Xã B).
@pytest.mark.parametrize(
    ("breaks", "where", "field"),
    [
        pytest.param(set_name("Xã A"), "feature 2 (Xã A)", "name",
                     id="duplicate-name"),  # two features called Xã A
        pytest.param(set_name(""), "feature 2 ()", "name",
                     id="blank-name"),  # an empty name
        pytest.param(lambda f: f["properties"].pop("name"), "feature 2", "name",
                     id="missing-name"),  # no name
        pytest.param(lambda f: f.__setitem__("properties", None), "feature 2", "name",
                     id="no-properties"),  # no fields at all
        pytest.param(set_geometry({"type": "Point", "coordinates": [107.66, 12.26]}),
                     "feature 2 (Xã B)", "geometry", id="point"),  # a point, not an area
        pytest.param(set_geometry({"type": "LineString",
                                   "coordinates": [[107.64, 12.24], [107.68, 12.28]]}),
                     "feature 2 (Xã B)", "geometry", id="linestring"),  # a line, not an area
        pytest.param(set_geometry(None), "feature 2 (Xã B)", "geometry",
                     id="no-geometry"),  # no shape
        pytest.param(set_geometry({"type": "Polygon", "coordinates": [[[107.64, 12.24],
                                                                       [107.68, 12.28]]]}),
                     "feature 2 (Xã B)", "geometry", id="two-corners"),  # not a ring
        pytest.param(set_geometry({"type": "Polygon", "coordinates": "abc"}),
                     "feature 2 (Xã B)", "geometry", id="text-coordinates"),  # not numbers
        pytest.param(set_geometry({"type": "Polygon", "coordinates": [[
            [107.64, 12.24], [107.68, 12.28], [107.68, 12.24], [107.64, 12.28], [107.64, 12.24]
        ]]}), "feature 2 (Xã B)", "geometry", id="bow-tie"),  # the ring crosses itself
        pytest.param(set_geometry({"type": "Polygon", "coordinates": [[
            [500000, 1350000], [504000, 1350000], [504000, 1354000], [500000, 1350000]
        ]]}), "feature 2 (Xã B)", "geometry", id="utm-metres"),  # projected, not lon/lat
    ],
)  # fmt: skip
def test_bad_feature_names_feature_and_field(
    tiny_data: dict[str, Any],
    write_json: Callable[..., Path],
    breaks: Callable[[Feature], None],
    where: str,
    field: str,
) -> None:
    breaks(tiny_data["features"][1])
    path = write_json(tiny_data)
    with pytest.raises(InputError) as exc:
        load_communes(path)
    [problem] = exc.value.problems
    assert (problem.source, problem.where, problem.field) == (str(path), where, field)


def test_every_bad_feature_is_reported(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    good = tiny_data["features"][0]
    tiny_data["features"] = [
        {
            **good,
            "properties": {"name": "Xã C"},
            "geometry": {"type": "Point", "coordinates": [107.6, 12.2]},
        },
        good,
        {**good, "properties": {}},
        {**good, "properties": {"name": "Xã D"}, "geometry": None},
    ]
    with pytest.raises(InputError) as exc:
        load_communes(write_json(tiny_data))
    assert [(p.where, p.field) for p in exc.value.problems] == [
        ("feature 1 (Xã C)", "geometry"),
        ("feature 3", "name"),
        ("feature 4 (Xã D)", "geometry"),
    ]


def test_empty_polygon_is_reported_as_empty(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    tiny_data["features"][1]["geometry"] = {"type": "Polygon", "coordinates": []}
    with pytest.raises(InputError) as exc:
        load_communes(write_json(tiny_data))
    [problem] = exc.value.problems
    assert problem.field == "geometry"
    assert "Valid Geometry" not in str(problem.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "GeoJSON"),  # an empty file
        (b'{"type": "FeatureCollection",', "valid JSON"),  # cut off
        (b'{"type": "FeatureCollection", "features": [Infinity]}', "valid JSON"),  # Infinity
        (b'{"type": "Polygon", "coordinates": []}', "FeatureCollection"),  # a bare geometry
        (b'{"type": "FeatureCollection", "features": []}', "at least one commune"),  # no commune
    ],
)
def test_bad_file_is_one_problem(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "communes.geojson"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_communes(path)
    [problem] = exc.value.problems
    assert problem.source == str(path)
    assert expected in problem.expected


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_communes(tmp_path / "nope.geojson")
    [problem] = exc.value.problems
    assert "existing communes file" in problem.expected
