"""Shared fixtures: the tiny test data set and a JSON writer for broken variants of it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach_planner.settings import Settings, load_settings

TINY_DIR = Path(__file__).parent / "data" / "tiny"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless chromium driven by Playwright (which never downloads a browser).

    Without it the browser tests are skipped with the reason, except in CI (`.ci/run`
    installs it), where a missing browser is a failure.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    """The folder of the tiny data set: 2 communes, 6 villages, a 4-item programme."""
    return TINY_DIR


@pytest.fixture(scope="session")
def tiny_settings(tiny_dir: Path) -> Settings:
    """The tiny settings file, loaded without a base: it has the [depot] table that needs."""
    return load_settings(tiny_dir / "settings.toml")


def plan_with_village_names(settings: Settings, folder: Path, names: dict[str, str]):
    """The tiny plan with some villages renamed (id -> name), e.g. to hostile text."""
    from outreach_planner.planner import load_inputs, make_plan

    villages = json.loads((TINY_DIR / "villages.geojson").read_text(encoding="utf-8"))
    for feature in villages["features"]:
        props = feature["properties"]
        props["name"] = names.get(props["id"], props["name"])
    path = folder / "villages.geojson"
    path.write_text(json.dumps(villages, ensure_ascii=False), encoding="utf-8")
    renamed = settings.replace(villages=path)
    return make_plan(renamed, load_inputs(renamed))


@pytest.fixture(scope="session")
def tiny_kit(tmp_path_factory: pytest.TempPathFactory, tiny_settings: Settings) -> Path:
    """Every output of the tiny plan, as `plan` writes them (Vietnamese labels)."""
    from outreach_planner.outputs import write_outputs
    from outreach_planner.planner import load_inputs, make_plan

    folder = tmp_path_factory.mktemp("kit")
    write_outputs(make_plan(tiny_settings, load_inputs(tiny_settings)), folder)
    return folder


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """A function writing `data` as JSON into tmp_path (default name data.json); returns the path.

    NaN and infinities are written as the bare NaN / Infinity constants Python allows,
    which is how a broken file with them is made.
    """

    def write(data: Any, name: str = "data.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    return write
