"""The HTML maps on a 390 px phone and a 1366 px screen, in Debian's headless Chromium:
the layer list folds on the phone and leaves the title box free; the overview hides its
visit numbers when zoomed out (they piled up around the depot); a run map labels each
stop with its visit number and broadcast time from close zoom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_pages import new_page

from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.map_controls import INDEX_NUMBERS_ZOOM, RUN_LABELS_ZOOM
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def maps(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("maps")
    settings = load_settings(TINY / "settings.toml")
    write_outputs(make_plan(settings, load_inputs(settings)), folder)
    return folder, json.loads((folder / "plan.json").read_text(encoding="utf-8"))


def _open(browser, path: Path, width: int, height: int):
    page = new_page(browser, offline=True, viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_timeout(300)
    return page, errors


def _zoom(page, level: int) -> None:
    page.evaluate(
        """z => { for (const k of Object.keys(window)) {
                      if (k.startsWith("map_") && window[k] && window[k].setZoom) {
                          window[k].setZoom(z, {animate: false}); } } }""",
        level,
    )
    page.wait_for_timeout(300)


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


@pytest.mark.parametrize("width, height, folded", [(390, 844, True), (1366, 768, False)])
def test_layer_list_folds_on_a_phone_and_leaves_the_title_free(browser, maps, width, height,
                                                                folded):  # fmt: skip
    folder, _ = maps
    page, errors = _open(browser, folder / "index.html", width, height)
    control = page.locator(".leaflet-control-layers")
    assert ("leaflet-control-layers-expanded" in control.get_attribute("class")) is not folded
    assert page.locator(".leaflet-control-layers-list").is_visible() is not folded
    title = page.locator(".op-legend").bounding_box()
    assert not _overlap(control.bounding_box(), title)
    if folded:  # a tap on the icon opens the list, a tap on the map folds it again
        page.locator(".leaflet-control-layers-toggle").click()
        assert page.locator(".leaflet-control-layers-list").is_visible()
        page.mouse.click(width // 2, height - 120)
        page.wait_for_timeout(200)
        assert not page.locator(".leaflet-control-layers-list").is_visible()
    assert errors == []
    page.close()


def test_overview_hides_visit_numbers_when_zoomed_out(browser, maps):
    folder, plan = maps
    page, errors = _open(browser, folder / "index.html", 1366, 768)
    numbers = page.locator(".op-overview")
    assert numbers.count() == sum(len(r["visits"]) for r in plan["runs"])
    _zoom(page, INDEX_NUMBERS_ZOOM - 2)
    assert not any(numbers.nth(i).is_visible() for i in range(numbers.count()))
    _zoom(page, INDEX_NUMBERS_ZOOM + 1)
    assert any(numbers.nth(i).is_visible() for i in range(numbers.count()))
    assert errors == []
    page.close()


def test_run_map_labels_number_and_time_at_close_zoom(browser, maps):
    folder, plan = maps
    run = plan["runs"][0]
    page, errors = _open(browser, folder / f"run-{run['id']}.html", 390, 844)
    labels = page.locator(".leaflet-tooltip.op-time")
    expected = [f"{v['seq']}. {v['start'][11:16]}" for v in run["visits"]]
    assert sorted(labels.all_inner_texts()) == sorted(expected)
    _zoom(page, RUN_LABELS_ZOOM + 1)
    assert all(labels.nth(i).is_visible() for i in range(labels.count()))
    _zoom(page, RUN_LABELS_ZOOM - 2)
    assert not any(labels.nth(i).is_visible() for i in range(labels.count()))
    assert errors == []
    page.close()
