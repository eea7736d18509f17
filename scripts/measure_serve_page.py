"""Measure the planning page in headless chromium: load time, re-timing after a drag, and
a re-plan started from the page.

    python scripts/measure_serve_page.py [--stops N] [--replan] [--shots DIR]

Runs on the built-in Đắk Song data and on a generated district of N stops (default
1000): villages on a grid inside the real commune polygons, ESTIMATED like the built-in
ones, 850 m apart so each is its own stop. Each folder is served by `serve --no-browser`
on a free port; the page is opened offline (navigator.onLine false, every request
outside 127.0.0.1 refused). Prints one line per figure; --shots saves screenshots at
1366x768 and 390x844.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parents[1]


def make_district(folder: Path, n: int) -> None:
    """A district folder of n villages on a grid inside the built-in commune polygons."""
    data = REPO / "data"
    communes = json.loads((data / "communes.geojson").read_text(encoding="utf-8"))
    polys = [(f["properties"]["name"], shape(f["geometry"])) for f in communes["features"]]
    west, south, east, north = (
        min(p.bounds[0] for _, p in polys),
        min(p.bounds[1] for _, p in polys),
        max(p.bounds[2] for _, p in polys),
        max(p.bounds[3] for _, p in polys),
    )
    step_lat = 0.85 / 111.0
    step_lon = step_lat / math.cos(math.radians((south + north) / 2))
    features = []
    lat = south + step_lat / 2
    while lat < north and len(features) < n:
        lon = west + step_lon / 2
        while lon < east and len(features) < n:
            for name, poly in polys:
                if poly.contains(Point(lon, lat)):
                    k = len(features) + 1
                    features.append(
                        {
                            "type": "Feature",
                            "properties": {
                                "id": f"G-{k:04d}",
                                "name": f"Thôn {k}",
                                "commune": name,
                                "households": 40 + k % 60,
                                "population": 150 + (k * 37) % 500,
                                "languages": ["vi"],
                                "estimated": True,
                                "estimated_fields": [
                                    "name",
                                    "location",
                                    "households",
                                    "population",
                                ],
                            },
                            "geometry": {
                                "type": "Point",
                                "coordinates": [round(lon, 6), round(lat, 6)],
                            },
                        }
                    )
                    break
            lon += step_lon
        lat += step_lat
    if len(features) < n:
        raise SystemExit(f"only {len(features)} grid points fit in the communes")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "villages.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    shutil.copy(data / "communes.geojson", folder / "communes.geojson")
    shutil.copy(data / "programme.toml", folder / "programme.toml")
    for extra in data.iterdir():
        if extra.is_dir() and extra.name != "__pycache__":
            shutil.copytree(extra, folder / extra.name, dirs_exist_ok=True)
    (folder / "settings.toml").write_text(
        'villages = "villages.geojson"\ncommunes = "communes.geojson"\n'
        'programme = "programme.toml"\n',
        encoding="utf-8",
    )


def serve(folder: Path) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "outreach_planner",
            "serve",
            "--dir",
            str(folder),
            "--port",
            "0",
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = "http://" + line.split("http://", 1)[1].split()[0]
    return proc, url, time.perf_counter() - t0


def measure(browser, url: str, label: str, *, replan: bool, shots: Path | None) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script("Object.defineProperty(navigator, 'onLine', {get: () => false})")
    page = context.new_page()
    outside: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(url)
            else (outside.append(r.request.url), r.abort())
        ),
    )
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=120000)
    load = time.perf_counter() - t0
    stops = page.evaluate("S.stops.length")
    has_plan = page.evaluate("!!S.plan")
    print(
        f"{label}: {stops} stops, page ready in {load:.2f} s "
        f"(in-page {page.evaluate('window.pageReadyMs') / 1000:.2f} s), plan: {has_plan}"
    )
    if replan or not has_plan:
        page.click("#replan")
        page.wait_for_function("window.planMs !== undefined", timeout=900000)
        state = page.locator("#diff").inner_text().splitlines()[0]
        took = page.evaluate("window.planMs") / 1000
        print(f"{label}: re-plan from the page {took:.1f} s ({state})")
    page.click("#tabs button[data-tab=runs]")
    card = page.locator("section.run").filter(has=page.locator("tr.visit")).first
    times = []
    for _ in range(3):
        card.locator("tr.visit").first.drag_to(card.locator("tr.dropzone"))
        page.wait_for_function("!document.querySelector('#reorder-bar').hidden")
        times.append(page.evaluate("window.lastRetimeMs"))
        page.click("#reorder-undo")
    print(
        f"{label}: re-timing after a drag {min(times):.0f}-{max(times):.0f} ms "
        f"(3 drags, request to redraw)"
    )
    if shots is not None:
        page.screenshot(path=str(shots / f"{label}-1366.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"{label}-390.png"))
    print(f"{label}: requests outside 127.0.0.1: {len(outside)}")
    context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=1000)
    parser.add_argument("--replan", action="store_true", help="also re-plan the built-in data")
    parser.add_argument("--shots", type=Path, help="save screenshots here")
    parser.add_argument("--district", type=Path, help="a district folder made by an earlier run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="serve-measure-"))
    builtin = root / "builtin"
    builtin.mkdir()
    big = args.district or root / f"district-{args.stops}"
    if args.district is None:
        make_district(big, args.stops)
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
        )
        for label, folder, replan in (
            ("built-in", builtin, args.replan),
            (f"{args.stops}-stops", big, False),
        ):
            proc, url, started = serve(folder)
            print(f"{label}: serve answered in {started:.2f} s")
            try:
                measure(browser, url, label, replan=replan, shots=args.shots)
            finally:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=60)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
