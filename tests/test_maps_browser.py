"""The maps in a real headless browser (Debian's chromium), with the network cut off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_pages import new_page

from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"

pytestmark = pytest.mark.browser


def _plan_folder(folder: Path, villages: Path | None = None) -> dict:
    settings = load_settings(TINY / "settings.toml")
    if villages is not None:
        settings = settings.replace(villages=villages)
    plan = make_plan(settings, load_inputs(settings))
    write_outputs(plan, folder)
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tiny_maps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("maps")
    return folder, _plan_folder(folder)


def _open_offline(browser, page_file: Path, *, offline: bool = True):
    """Open a map on a phone-sized screen with the network off (or on, but every
    request outside the map's own files refused); returns the page and the lists
    of page errors and of requests that tried to leave the device."""
    page = new_page(browser, offline=offline, viewport={"width": 420, "height": 800})
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))

    def guard(route) -> None:
        url = route.request.url
        if url.startswith("file://") or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(page_file.as_uri())
    page.wait_for_timeout(300)
    return page, errors, outside


def test_run_maps_draw_numbered_stops_and_boundaries_offline(browser, tiny_maps) -> None:
    folder, plan = tiny_maps
    for run in plan["runs"]:
        page, errors, outside = _open_offline(browser, folder / f"run-{run['id']}.html")
        assert errors == []
        numbers = page.locator(".op-num").all_inner_texts()
        assert numbers == [str(i) for i in range(1, len(run["visits"]) + 1)]
        # 2 commune polygons + the route line are vector paths, drawn with no tiles.
        assert page.locator("path.leaflet-interactive").count() >= 3
        # Offline, the page asks nothing of the network, not even tiles.
        assert outside == []
        page.screenshot(path=str(folder / f"run-{run['id']}.png"))
        page.close()


def test_tiles_load_when_online(browser, tiny_maps) -> None:
    folder, plan = tiny_maps
    page, errors, outside = _open_offline(
        browser, folder / f"run-{plan['runs'][0]['id']}.html", offline=False
    )
    assert outside and all(u.startswith("https://tile.openstreetmap.org/") for u in outside)
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    page.close()


def test_popup_shows_the_visit_timetable(browser, tiny_maps) -> None:
    folder, plan = tiny_maps
    run = plan["runs"][0]
    page, errors, _ = _open_offline(browser, folder / f"run-{run['id']}.html")
    page.locator(".op-num").first.click()
    text = page.locator(".leaflet-popup-content").inner_text()
    first = run["visits"][0]
    assert first["stop_name"] in text
    assert first["arrival"][11:16] in text and first["start"][11:16] in text
    assert errors == []
    page.close()


def test_index_has_a_layer_per_run(browser, tiny_maps) -> None:
    folder, plan = tiny_maps
    page, errors, _ = _open_offline(browser, folder / "index.html")
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    for run in plan["runs"]:
        d = run["date"]
        assert any(f"{d[8:10]}/{d[5:7]}/{d[:4]}" in label for label in labels)
    assert errors == []
    page.close()


def test_names_from_input_are_shown_as_text_never_run(browser, tmp_path: Path) -> None:
    villages = json.loads((TINY / "villages.geojson").read_text(encoding="utf-8"))
    hostile = {
        "A-1": "<script>alert(1)</script>",  # a script tag
        "A-3": '"><img src=x onerror=alert(2)>',  # breaks out of an attribute
        "A-4": "{{ 7*7 }}`;alert(4);`",  # Jinja and template-literal syntax
        "B-1": "${alert(3)}",  # JavaScript template-literal interpolation
    }
    for feature in villages["features"]:
        feature["properties"]["name"] = hostile.get(feature["properties"]["id"], "Thôn")
    path = tmp_path / "villages.geojson"
    path.write_text(json.dumps(villages, ensure_ascii=False), encoding="utf-8")
    plan = _plan_folder(tmp_path / "maps", villages=path)
    for vid, name in hostile.items():
        run, visit = next(
            (r, v) for r in plan["runs"] for v in r["visits"] if v["stop_id"] == f"S-{vid}"
        )
        page, errors, _ = _open_offline(browser, tmp_path / "maps" / f"run-{run['id']}.html")
        page.locator(".op-num").nth(visit["seq"] - 1).click()
        popup = page.locator(".leaflet-popup-content")
        assert name in popup.inner_text()
        assert popup.locator("img, script").count() == 0
        assert errors == []  # no alert dialog, no script error
        page.close()
    index, errors, _ = _open_offline(browser, tmp_path / "maps" / "index.html")
    assert errors == []
    index.close()
