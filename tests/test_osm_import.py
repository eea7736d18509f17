"""`villages import-osm` and `communes import`: real extracts and a hand-made .osm file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape

from outreach_planner.cli import main
from outreach_planner.district.osm_places import read_osm_areas
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import load_villages

DATA = Path(__file__).parent / "data" / "district"
HAND = DATA / "communes_and_places.osm"
# The project's shared extracts (../shared/data/osm beside the repository or a worktree).
SHARED_OSM = next(
    (p / "shared" / "data" / "osm" for p in Path(__file__).resolve().parents
     if (p / "shared" / "data" / "osm").is_dir()),
    Path("missing"),
)  # fmt: skip
KOUVOLA = Path(__file__).parent / "data" / "osm" / "kouvola.osm.pbf"


def props_of(path: Path) -> list[dict[str, Any]]:
    return [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


@pytest.fixture
def communes(tmp_path: Path) -> Path:
    out = tmp_path / "communes.geojson"
    assert main(["communes", "import", str(HAND), "--admin-level", "8", "--out", str(out)]) == 0
    return out


def test_communes_from_way_and_multipolygon(communes: Path) -> None:
    got = {c.name: c for c in load_communes(communes)}
    assert sorted(got) == ["Xã Hai", "Xã Một"]  # the admin_level 6 district is not one
    assert (got["Xã Một"].code, got["Xã Hai"].code) == ("99001", "99002")
    assert got["Xã Hai"].geometry.contains(Point(107.63, 12.21))
    assert not got["Xã Một"].geometry.contains(Point(107.63, 12.21))
    assert got["Xã Một"].population == 3000


def test_no_boundary_at_that_level_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.geojson"
    assert main(["communes", "import", str(HAND), "--admin-level", "9", "--out", str(out)]) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert "admin_level" in error and not out.exists()


def test_villages_share_the_census_figure(communes: Path, tmp_path: Path) -> None:
    out = tmp_path / "villages.geojson"
    assert main(["villages", "import-osm", str(HAND), "--communes", str(communes),
                 "--out", str(out)]) == 0  # fmt: skip
    props = {p["name"]: p for p in props_of(out)}
    # Thôn Xa lies outside both communes; the locality of the same name as Bon Bu Sir is one.
    assert sorted(props) == ["Bon Bu Sir", "Thôn 1", "Thôn 2", "Thôn 3", "Tổ dân phố 7"]
    census = {c.name: c.population for c in load_communes(communes)}
    for commune, people in census.items():
        assert sum(p["population"] for p in props.values() if p["commune"] == commune) == people
    assert props["Thôn 1"]["population"] == 900  # its population tag
    assert props["Thôn 1"]["estimated_fields"] == ["households", "languages"]
    assert "population" in props["Thôn 2"]["estimated_fields"]  # shared out
    assert props["Tổ dân phố 7"]["id"] == "99002-tdp-7"  # the area, at a point inside it
    assert all(p["placement"] == "osm" for p in props.values())
    villages = load_villages(out, communes=load_communes(communes))
    assert all(v.estimated for v in villages)


def test_without_census_or_tags_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v.geojson"
    assert main(["villages", "import-osm", str(HAND), "--out", str(out)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors and all("population" in e for e in errors)
    assert not out.exists()


def test_real_extract_kouvola(tmp_path: Path) -> None:
    """The Kouvola extract's one hamlet and its neighbourhoods, census from a drawn polygon."""
    places, _ = read_osm_areas(KOUVOLA)
    kinds = {p.kind for p in places}
    assert kinds <= {"village", "hamlet", "isolated_dwelling", "neighbourhood", "locality"}
    assert "Kannikko" in {p.name for p in places}
    area = {"type": "Polygon", "coordinates": [[[26.9, 60.5], [27.0, 60.5], [27.0, 60.56],
                                                [26.9, 60.56], [26.9, 60.5]]]}  # fmt: skip
    communes = tmp_path / "c.geojson"
    communes.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": area,
         "properties": {"name": "Kouvola", "population_2019": 1000, "households_2019": 400}}]}),
        encoding="utf-8")  # fmt: skip
    out = tmp_path / "v.geojson"
    assert main(["villages", "import-osm", str(KOUVOLA), "--communes", str(communes),
                 "--out", str(out)]) == 0  # fmt: skip
    props = props_of(out)
    inside = [p for p in places if shape(area).contains(Point(p.position.lon, p.position.lat))]
    assert len(props) == len({p.name for p in inside})
    assert sum(p["population"] for p in props) == 1000


@pytest.mark.skipif(not (SHARED_OSM / "Helsinki.osm.pbf").is_file(), reason="no shared extracts")
def test_real_extract_helsinki_bbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Helsinki's places have no population tags and --bbox gives no census: refused."""
    out = tmp_path / "v.geojson"
    code = main(["villages", "import-osm", str(SHARED_OSM / "Helsinki.osm.pbf"),
                 "--bbox", "24.9,60.1,25.0,60.2", "--out", str(out)])  # fmt: skip
    assert code == 2 and not out.exists()
    assert "population" in capsys.readouterr().err


def test_not_osm_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.osm"
    bad.write_text("<html>not osm</html>", encoding="utf-8")
    assert main(["villages", "import-osm", str(bad), "--out", str(tmp_path / "v.geojson")]) == 2
    assert "OpenStreetMap" in capsys.readouterr().err
