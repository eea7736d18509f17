"""The village layer: the tiny file, every kind of bad input, and the built-in data."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from outreach_planner.builtin import data_dir
from outreach_planner.domain import Commune, Village
from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import load_villages

Feature = dict[str, Any]


@pytest.fixture(scope="module")
def tiny_communes(tiny_dir: Path) -> list[Commune]:
    """The two tiny communes, Xã A and Xã B."""
    return load_communes(tiny_dir / "communes.geojson")


@pytest.fixture
def tiny_data(tiny_dir: Path) -> dict[str, Any]:
    """A fresh copy of the tiny villages FeatureCollection, to break in a test."""
    return json.loads((tiny_dir / "villages.geojson").read_text(encoding="utf-8"))


def test_tiny_villages_load(tiny_dir: Path, tiny_communes: list[Commune]) -> None:
    villages = load_villages(tiny_dir / "villages.geojson", communes=tiny_communes)
    assert [v.id for v in villages] == ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"]
    assert villages[0] == Village(
        id="A-1",
        name="Thôn 1",
        commune="Xã A",
        position=LonLat(107.61, 12.25),
        households=200,
        population=800,
        languages=("vi",),
        estimated=False,
    )
    assert villages[2].languages == ("vi", "mnong")


def test_without_communes_any_commune_name_is_accepted(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    tiny_data["features"][0]["properties"]["commune"] = "Xã Z"
    assert load_villages(write_json(tiny_data))[0].commune == "Xã Z"


@pytest.mark.parametrize(
    ("change", "attribute", "value"),
    [
        ({"id": 7}, "id", "7"),  # a numeric id becomes a string
        ({"population": 800.0}, "population", 800),  # a whole float is a count
        ({"languages": "mnong"}, "languages", ("mnong",)),  # one code, not in a list
        ({"languages": ["vi", "vi"]}, "languages", ("vi",)),  # repeated code kept once
        ({"estimated": True}, "estimated", True),  # the estimate flag
    ],
)
def test_lenient_values(
    tiny_data: dict[str, Any],
    write_json: Callable[..., Path],
    change: dict[str, Any],
    attribute: str,
    value: object,
) -> None:
    tiny_data["features"][0]["properties"].update(change)
    assert getattr(load_villages(write_json(tiny_data))[0], attribute) == value


def test_languages_default_to_vietnamese(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    del tiny_data["features"][0]["properties"]["languages"]
    assert load_villages(write_json(tiny_data))[0].languages == ("vi",)


def set_prop(key: str, value: object) -> Callable[[Feature], None]:
    return lambda f: f["properties"].__setitem__(key, value)


def del_prop(key: str) -> Callable[[Feature], None]:
    return lambda f: f["properties"].pop(key)


def set_coords(coords: object) -> Callable[[Feature], None]:
    return lambda f: f["geometry"].__setitem__("coordinates", coords)


def set_geometry(geometry: object) -> Callable[[Feature], None]:
    return lambda f: f.__setitem__("geometry", geometry)


# Every case breaks feature 2 (id A-2, at 107.6118 E 12.2508 N).
@pytest.mark.parametrize(
    ("breaks", "where", "field", "value"),
    [
        pytest.param(set_prop("id", "A-1"), "feature 2 (id A-1)", "id", "A-1",
                     id="duplicate-id"),  # A-1 is feature 1's id
        pytest.param(del_prop("id"), "feature 2", "id", None,
                     id="missing-id"),  # no id at all
        pytest.param(set_prop("id", "  "), "feature 2 (id   )", "id", "  ",
                     id="blank-id"),  # an id of spaces
        pytest.param(del_prop("name"), "feature 2 (id A-2)", "name", None,
                     id="missing-name"),  # no name
        pytest.param(set_prop("population", -5), "feature 2 (id A-2)", "population", -5,
                     id="negative-population"),  # fewer than no people
        pytest.param(set_prop("population", 600.5), "feature 2 (id A-2)", "population", 600.5,
                     id="float-population"),  # half a person
        pytest.param(set_prop("population", "600"), "feature 2 (id A-2)", "population", "600",
                     id="string-population"),  # a number in quotes
        pytest.param(set_prop("population", True), "feature 2 (id A-2)", "population", True,
                     id="bool-population"),  # true is not a count
        pytest.param(set_prop("households", "abc"), "feature 2 (id A-2)", "households", "abc",
                     id="text-households"),  # not a number at all
        pytest.param(del_prop("households"), "feature 2 (id A-2)", "households", None,
                     id="missing-households"),  # no households
        pytest.param(set_prop("population", 1_500_000_000_000), "feature 2 (id A-2)",
                     "population", 1_500_000_000_000,
                     id="absurd-population"),  # 1.5 x 10^12 people in a village
        pytest.param(set_prop("households", 0), "feature 2 (id A-2)", "households", 0,
                     id="no-households"),  # people but not one household
        pytest.param(set_prop("population", 1), "feature 2 (id A-2)", "population", 1,
                     id="fewer-people-than-households"),  # empty households
        pytest.param(set_prop("placement", "guess"), "feature 2 (id A-2)", "placement",
                     "guess", id="unknown-placement"),  # not a way the import places
        pytest.param(set_prop("commune", "Xã Z"), "feature 2 (id A-2)", "commune", "Xã Z",
                     id="unknown-commune"),  # not in communes.geojson
        pytest.param(set_prop("languages", ["vi", "fr"]), "feature 2 (id A-2)", "languages",
                     ["vi", "fr"], id="unknown-language"),  # French is not broadcast
        pytest.param(set_prop("languages", []), "feature 2 (id A-2)", "languages", [],
                     id="no-language"),  # a village nobody can be spoken to
        pytest.param(set_geometry({"type": "LineString",
                                   "coordinates": [[107.61, 12.25], [107.62, 12.26]]}),
                     "feature 2 (id A-2)", "geometry", "LineString",
                     id="linestring"),  # a road, not a point
        pytest.param(set_geometry(None), "feature 2 (id A-2)", "geometry", None,
                     id="no-geometry"),  # no position
        pytest.param(set_coords([107.6118]), "feature 2 (id A-2)", "geometry", [107.6118],
                     id="one-coordinate"),  # latitude missing
        pytest.param(set_coords(["107.6118", "12.2508"]), "feature 2 (id A-2)", "geometry",
                     ["107.6118", "12.2508"], id="string-coordinates"),  # numbers in quotes
        pytest.param(set_coords([12.2508, 107.6118]), "feature 2 (id A-2)", "coordinates",
                     [12.2508, 107.6118], id="swapped"),  # [lat, lon]
        pytest.param(set_coords([105.85, 21.03]), "feature 2 (id A-2)", "coordinates",
                     [105.85, 21.03], id="far-away"),  # Hà Nội, 1000 km north
        pytest.param(set_coords([107.6118, 95.0]), "feature 2 (id A-2)", "coordinates",
                     [107.6118, 95.0], id="latitude-out-of-range"),  # beyond the pole
        pytest.param(lambda f: f.__setitem__("properties", None), "feature 2", "properties",
                     None, id="no-properties"),  # no fields at all
    ],
)  # fmt: skip
def test_bad_feature_names_feature_and_field(
    tiny_data: dict[str, Any],
    write_json: Callable[..., Path],
    tiny_communes: list[Commune],
    breaks: Callable[[Feature], None],
    where: str,
    field: str,
    value: object,
) -> None:
    breaks(tiny_data["features"][1])
    path = write_json(tiny_data)
    with pytest.raises(InputError) as exc:
        load_villages(path, communes=tiny_communes)
    [problem] = exc.value.problems
    assert (problem.source, problem.where, problem.field) == (str(path), where, field)
    assert problem.value == value
    assert where in str(exc.value) and field in str(exc.value)


@pytest.mark.parametrize("communes", ["tiny", None], ids=["with-communes", "without"])
def test_swapped_coordinates_say_swapped_when_communes_tell(
    tiny_data: dict[str, Any],
    write_json: Callable[..., Path],
    tiny_communes: list[Commune],
    communes: str | None,
) -> None:
    tiny_data["features"][1]["geometry"]["coordinates"] = [12.2508, 107.6118]
    with pytest.raises(InputError) as exc:
        load_villages(write_json(tiny_data), communes=tiny_communes if communes else None)
    [problem] = exc.value.problems
    # Without the commune polygons the loader cannot tell a swap from a typo.
    assert ("swapped" in problem.expected) == (communes is not None)


def test_far_away_point_is_not_called_swapped(
    tiny_data: dict[str, Any], write_json: Callable[..., Path], tiny_communes: list[Commune]
) -> None:
    tiny_data["features"][1]["geometry"]["coordinates"] = [105.85, 21.03]
    with pytest.raises(InputError) as exc:
        load_villages(write_json(tiny_data), communes=tiny_communes)
    [problem] = exc.value.problems
    assert "swapped" not in problem.expected
    assert "near the communes" in problem.expected


def test_every_bad_feature_is_reported(
    tiny_data: dict[str, Any], write_json: Callable[..., Path], tiny_communes: list[Commune]
) -> None:
    feats = tiny_data["features"]
    feats[0]["properties"]["population"] = -1
    feats[2]["properties"]["languages"] = ["fr"]
    feats[4]["geometry"]["coordinates"] = [12.25, 107.66]
    with pytest.raises(InputError) as exc:
        load_villages(write_json(tiny_data), communes=tiny_communes)
    assert [(p.where, p.field) for p in exc.value.problems] == [
        ("feature 1 (id A-1)", "population"),
        ("feature 3 (id A-3)", "languages"),
        ("feature 5 (id B-1)", "coordinates"),
    ]


def test_every_bad_field_of_one_feature_is_reported(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    tiny_data["features"][1]["properties"].update(households="abc", population=-3, name="")
    with pytest.raises(InputError) as exc:
        load_villages(write_json(tiny_data))
    assert sorted(p.field for p in exc.value.problems) == ["households", "name", "population"]


@pytest.mark.parametrize(
    ("content", "value", "expected"),
    [
        (b"", "empty file", "GeoJSON"),  # nothing in it
        (b"  \n\t\n", "empty file", "GeoJSON"),  # only whitespace
        (b'{"type": "FeatureCollection", "features": [}', None, "valid JSON"),  # broken JSON
        (b'{"type": "FeatureCollection", "features": [NaN]}', "NaN", "valid JSON"),  # NaN
        (b"\xff\xfe{}", None, "UTF-8 text"),  # UTF-16 byte order mark
        (b'{"type": "Feature", "properties": {}}', "Feature", "FeatureCollection"),  # one feature
        (b"[1, 2]", "list", "FeatureCollection"),  # a JSON array
        (b'{"type": "FeatureCollection", "features": {}}', {}, "a list of features"),  # not a list
        (b'{"type": "FeatureCollection", "features": []}', 0, "at least one village"),  # empty
    ],
)
def test_bad_file_is_one_problem(
    tmp_path: Path, content: bytes, value: object, expected: str
) -> None:
    path = tmp_path / "villages.geojson"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_villages(path)
    [problem] = exc.value.problems
    assert problem.source == str(path)
    assert expected in problem.expected
    if value is not None:
        assert value == problem.value or str(value) in str(problem.value)


def test_nan_coordinate_is_rejected(
    tiny_data: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    tiny_data["features"][1]["geometry"]["coordinates"] = [float("nan"), 12.2508]
    path = write_json(tiny_data)
    assert "NaN" in path.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="NaN"):
        load_villages(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_villages(tmp_path / "nope.geojson")
    [problem] = exc.value.problems
    assert "existing villages file" in problem.expected


# The built-in Đắk Song data (data/): estimated villages built from real commune totals.


@pytest.fixture(scope="module")
def builtin_communes() -> dict[str, Commune]:
    """The 9 real communes of data/communes.geojson, by name."""
    return {c.name: c for c in load_communes(data_dir() / "communes.geojson")}


@pytest.fixture(scope="module")
def builtin_villages(builtin_communes: dict[str, Commune]) -> list[Village]:
    """The estimated villages of data/villages.geojson, checked against the communes."""
    return load_villages(data_dir() / "villages.geojson", communes=list(builtin_communes.values()))


def test_builtin_villages_load(
    builtin_villages: list[Village], builtin_communes: dict[str, Commune]
) -> None:
    assert len(builtin_communes) == 9
    assert len(builtin_villages) == 106  # data/README.md
    assert {v.commune for v in builtin_villages} == set(builtin_communes)


@pytest.mark.parametrize("field", ["households", "population"])
def test_builtin_villages_add_up_to_the_census(
    builtin_villages: list[Village], builtin_communes: dict[str, Commune], field: str
) -> None:
    totals: dict[str, int] = defaultdict(int)
    for v in builtin_villages:
        totals[v.commune] += getattr(v, field)
    census = {name: getattr(c, field) for name, c in builtin_communes.items()}
    assert dict(totals) == census


def test_builtin_villages_lie_in_their_commune(
    builtin_villages: list[Village], builtin_communes: dict[str, Commune]
) -> None:
    outside = [
        v.id
        for v in builtin_villages
        if not builtin_communes[v.commune].geometry.contains(Point(v.position.lon, v.position.lat))
    ]
    assert outside == []


def test_builtin_villages_are_marked_estimated(builtin_villages: list[Village]) -> None:
    assert all(v.estimated for v in builtin_villages)


def test_builtin_village_ids_are_unique_and_sorted(builtin_villages: list[Village]) -> None:
    ids = [v.id for v in builtin_villages]
    assert ids == sorted(set(ids))


def test_a_village_with_a_number_for_id_can_be_moved_by_hand(tmp_path: Path) -> None:
    # A spreadsheet's export writes 101, not "101": loaded as "101", it is moved as "101".
    from outreach_planner.io.villages import move_village

    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [107.6, 12.2]},
        "properties": {"id": 101, "name": "Thôn 1", "commune": "Xã A", "population": 500,
                       "households": 120},
    }]}  # fmt: skip
    path = tmp_path / "v.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert [v.id for v in load_villages(path)] == ["101"]
    assert move_village(path, "101", LonLat(107.61, 12.21)) == (107.6, 12.2)
    assert load_villages(path)[0].position == LonLat(107.61, 12.21)
