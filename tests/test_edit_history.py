"""The edit history beside stops.csv: every accepted edit appended, undo of the last ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outreach_planner.cli import main
from outreach_planner.io.edit_history import history_path, read_history

TINY = Path(__file__).parent / "data" / "tiny"


def _stops(path: Path, *args: str) -> int:
    command, *rest = args
    return main(["stops", command, *rest, "--file", str(path),
                 "--settings", str(TINY / "settings.toml")])  # fmt: skip


@pytest.fixture
def stops_csv(tmp_path: Path) -> Path:
    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    return path


def _undo(path: Path) -> int | None:
    from outreach_planner.settings import load_settings
    from outreach_planner.stop_edits import StopList, undo_last

    return undo_last(StopList(load_settings(TINY / "settings.toml"), path))


def test_commands_append_one_row_per_changed_cell(stops_csv: Path) -> None:
    assert not history_path(stops_csv).exists()  # init is not an edit
    assert _stops(stops_csv, "disable", "S-A-3") == 0
    assert _stops(stops_csv, "set", "S-A-3", "priority", "2") == 0
    assert _stops(stops_csv, "set", "S-A-3", "priority", "2") == 0  # no change: no row
    refused = _stops(stops_csv, "set", "S-A-3", "priority", "lots")
    assert refused == 2
    history = read_history(history_path(stops_csv))
    assert [(c.edit, c.action, c.stop, c.field, c.old, c.new) for c in history] == [
        (1, "edit", "S-A-3", "enabled", "yes", "no"),
        (2, "edit", "S-A-3", "priority", "1", "2"),
    ]
    assert all(c.time[:4].isdigit() for c in history)


def test_undo_restores_a_removed_stop_byte_for_byte(stops_csv: Path) -> None:
    assert _stops(stops_csv, "set", "S-B-2", "notes", "chợ phiên") == 0
    before = stops_csv.read_bytes()
    assert _stops(stops_csv, "remove", "S-B-2") == 0
    assert b"S-B-2" not in stops_csv.read_bytes()
    assert _undo(stops_csv) == 2
    assert stops_csv.read_bytes() == before
    # The undo is an edit of its own, naming the edit it undid; the next undo goes further back.
    assert read_history(history_path(stops_csv))[-1].action == "undo 2"
    assert _undo(stops_csv) == 1
    assert "chợ phiên" not in stops_csv.read_text(encoding="utf-8-sig")
    assert _undo(stops_csv) is None


def test_undo_removes_an_added_stop_and_reverses_a_split(stops_csv: Path) -> None:
    original = stops_csv.read_bytes()
    assert _stops(stops_csv, "add", "--at", "107.62,12.255", "--people", "300") == 0
    assert _stops(stops_csv, "split", "S-A-1") == 0
    assert _undo(stops_csv) == 2
    assert _undo(stops_csv) == 1
    assert stops_csv.read_bytes() == original


def test_the_page_shows_and_undoes_edits(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from outreach_planner.web.app import create_app
    from outreach_planner.web.workspace import Workspace

    folder = tmp_path / "work"
    shutil.copytree(TINY, folder)
    client = TestClient(create_app(Workspace(folder)), base_url="http://127.0.0.1")
    headers = {"X-CSRF-Token": client.get("/api/session").json()["csrf"]}
    assert client.get("/api/history").json() == {"changes": [], "undoable": None}
    version = client.get("/api/stops").json()["version"]
    r = client.patch("/api/stops/S-A-3", json={"enabled": False, "notes": "đường ngập"},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 200
    history = client.get("/api/history").json()
    assert [(c["stop"], c["field"], c["new"]) for c in history["changes"]] == [
        ("S-A-3", "enabled", "no"), ("S-A-3", "notes", "đường ngập")]  # fmt: skip
    assert history["undoable"] == 1
    assert client.post("/api/history/undo", json={}, headers=headers).status_code == 428
    r = client.post("/api/history/undo", json={},
                    headers={**headers, "If-Match": r.json()["version"]})  # fmt: skip
    assert r.status_code == 200 and r.json()["undone"] == 1
    stop = next(s for s in client.get("/api/stops").json()["stops"] if s["id"] == "S-A-3")
    assert stop["enabled"] is True and stop["notes"] == ""
    r = client.post("/api/history/undo", json={},
                    headers={**headers, "If-Match": r.json()["version"]})  # fmt: skip
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "undo"
