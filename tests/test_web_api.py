"""The HTTP API of `outreach-planner serve`, in process through Starlette's TestClient:
every status code of docs/api.md, each with the file checked on disk."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import time
from pathlib import Path

import pytest

starlette = pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from outreach_planner.web.app import create_app  # noqa: E402
from outreach_planner.web.workspace import Workspace  # noqa: E402

TINY = Path(__file__).parent / "data" / "tiny"
BASE = "http://127.0.0.1:8765"


def _folder(tmp: Path) -> Path:
    folder = tmp / "work"
    shutil.copytree(TINY, folder)
    return folder


def _client(folder: Path, **kw) -> TestClient:
    return TestClient(create_app(Workspace(folder), **kw), base_url=BASE)


def _rows(folder: Path) -> dict[str, dict[str, str]]:
    text = (folder / "stops.csv").read_bytes().decode("utf-8-sig")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def _wait(client: TestClient, job: str, timeout_s: float = 120) -> dict:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] != "running":
            return state
        time.sleep(0.1)
    raise AssertionError("the job did not end")


@pytest.fixture
def work(tmp_path: Path) -> tuple[Path, TestClient, dict[str, str]]:
    folder = _folder(tmp_path)
    client = _client(folder)
    token = client.get("/api/session").json()["csrf"]
    return folder, client, {"X-CSRF-Token": token}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TestClient, dict[str, str]]:
    """A folder with a plan made through the API (one re-plan job, shared by tests that
    only read it)."""
    folder = _folder(tmp_path_factory.mktemp("planned"))
    client = _client(folder)
    headers = {"X-CSRF-Token": client.get("/api/session").json()["csrf"]}
    response = client.post("/api/plan", json={"fresh": False}, headers=headers)
    assert response.status_code == 202
    assert _wait(client, response.json()["job"])["state"] == "done"
    return folder, client, headers


def test_stops_list_version_changes_with_the_file(work) -> None:
    folder, client, headers = work
    first = client.get("/api/stops")
    assert first.status_code == 200
    data = first.json()
    assert first.headers["etag"] == f'"{data["version"]}"'
    assert [s["id"] for s in data["stops"]] == ["S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"]
    s = data["stops"][0]
    assert [v["name"] for v in s["villages"]] == ["Thôn 1", "Thôn 2"]
    assert s["population"] == 1400 and s["dwell_s"] > s["programme_s"] > 0
    assert s["visits"] == 0  # no plan yet: serve never plans on start
    assert not (folder / "maps").exists()
    # The command line edits the same file: the version follows it.
    from outreach_planner.cli import main

    settings = ["--file", str(folder / "stops.csv"), "--settings", str(folder / "settings.toml")]
    assert main(["stops", "init", *settings]) == 0
    assert client.get("/api/stops").json()["version"] == data["version"]  # same stops
    assert main(["stops", "disable", "S-B-1", *settings]) == 0
    assert client.get("/api/stops").json()["version"] != data["version"]


def test_patch_writes_stops_csv_and_returns_the_new_version(work) -> None:
    folder, client, headers = work
    version = client.get("/api/stops").json()["version"]
    r = client.patch(
        "/api/stops/S-A-3",
        json={"enabled": False, "priority": 2, "pin_weekdays": ["tuesday"], "notes": "chợ"},
        headers={**headers, "If-Match": version},
    )
    assert r.status_code == 200, r.text
    row = _rows(folder)["S-A-3"]
    assert (row["enabled"], row["priority"], row["pin_weekdays"], row["notes"]) == (
        "no", "2", "tuesday", "chợ")  # fmt: skip
    assert r.json()["version"] == client.get("/api/stops").json()["version"] != version


def test_patch_refusals_write_nothing(work) -> None:
    folder, client, headers = work
    version = client.get("/api/stops").json()["version"]
    ok = client.patch("/api/stops/S-A-3", json={"notes": "a"},
                      headers={**headers, "If-Match": version})  # fmt: skip
    assert ok.status_code == 200
    before = (folder / "stops.csv").read_bytes()
    # 428: no If-Match.
    r = client.patch("/api/stops/S-A-3", json={"notes": "b"}, headers=headers)
    assert r.status_code == 428
    # 409: a stale version (another tab saved first); the current one comes back.
    r = client.patch("/api/stops/S-A-3", json={"notes": "b"},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 409 and r.json()["version"] == ok.json()["version"]
    # 422: one message per problem, for every bad field at once.
    current = ok.json()["version"]
    r = client.patch(
        "/api/stops/S-A-3",
        json={"priority": "lots", "earliest": "25:00", "min_visits": -1, "colour": "red"},
        headers={**headers, "If-Match": current},
    )
    assert r.status_code == 422
    assert sorted(p["field"] for p in r.json()["problems"]) == ["colour"]  # unknown field first
    r = client.patch(
        "/api/stops/S-A-3",
        json={"priority": "lots", "earliest": "25:00", "min_visits": -1},
        headers={**headers, "If-Match": current},
    )
    assert r.status_code == 422
    assert sorted(p["field"] for p in r.json()["problems"]) == ["earliest", "min_visits",
                                                                "priority"]  # fmt: skip
    # A pin on a day without runs (the tiny data runs on Tuesdays and Fridays).
    r = client.patch("/api/stops/S-A-3", json={"pin_weekdays": ["monday"]},
                     headers={**headers, "If-Match": current})  # fmt: skip
    assert r.status_code == 422 and "weekday with runs" in r.json()["problems"][0]["expected"]
    r = client.patch("/api/stops/NOPE", json={"notes": "x"},
                     headers={**headers, "If-Match": current})  # fmt: skip
    assert r.status_code == 422
    r = client.patch("/api/stops/S-A-3", content=b"[1]",
                     headers={**headers, "If-Match": current})  # fmt: skip
    assert r.status_code == 422
    assert (folder / "stops.csv").read_bytes() == before


def test_writes_need_the_token_and_the_own_origin(work) -> None:
    folder, client, headers = work
    version = client.get("/api/stops").json()["version"]
    for h in ({}, {"X-CSRF-Token": "forged"}):
        r = client.patch("/api/stops/S-A-3", json={"enabled": False},
                         headers={**h, "If-Match": version})  # fmt: skip
        assert r.status_code == 403
    r = client.patch(
        "/api/stops/S-A-3",
        json={"enabled": False},
        headers={**headers, "If-Match": version, "Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    assert client.post("/api/plan", json={"fresh": False}).status_code == 403
    assert not (folder / "stops.csv").exists()
    # A refused first edit does not leave the stop list it would have started.
    r = client.patch("/api/stops/S-A-3", json={"priority": "x"},
                     headers={**headers, "If-Match": version, "Origin": BASE})  # fmt: skip
    assert r.status_code == 422 and not (folder / "stops.csv").exists()
    r = client.patch(
        "/api/stops/S-A-3",
        json={"enabled": False},
        headers={**headers, "If-Match": version, "Origin": BASE},
    )
    assert r.status_code == 200


def test_a_foreign_host_name_is_refused(work) -> None:
    """DNS rebinding: a page of another site resolved to 127.0.0.1 sends its own Host."""
    folder, client, headers = work
    assert client.get("/api/stops", headers={"Host": "evil.example"}).status_code == 400


def test_add_delete_merge_split(work) -> None:
    folder, client, headers = work

    def version() -> str:
        return client.get("/api/stops").json()["version"]

    r = client.post("/api/stops", json={"lon": 107.62, "lat": 12.255, "name": "Chợ", "people": 300},
                    headers={**headers, "If-Match": version()})  # fmt: skip
    assert r.status_code == 200, r.text
    new_id = r.json()["id"]
    assert _rows(folder)[new_id]["people_override"] == "300"
    r = client.post("/api/stops", json={"lon": 107.62, "lat": 12.255},
                    headers={**headers, "If-Match": version()})  # fmt: skip
    assert r.status_code == 422  # no villages, no people
    r = client.delete(f"/api/stops/{new_id}", headers={**headers, "If-Match": version()})
    assert r.status_code == 200 and new_id not in _rows(folder)
    r = client.post("/api/stops/S-A-1/split", headers={**headers, "If-Match": version()})
    assert r.status_code == 200 and len(r.json()["ids"]) == 2
    a, b = r.json()["ids"]
    r = client.post(f"/api/stops/{a}/merge", json={"other": b},
                    headers={**headers, "If-Match": version()})  # fmt: skip
    assert r.status_code == 200
    assert sorted(_rows(folder)[r.json()["id"]]["villages"].split(";")) == ["A-1", "A-2"]
    r = client.post("/api/stops/S-A-3/merge", json={"other": "S-B-2"},
                    headers={**headers, "If-Match": version()})  # fmt: skip
    assert r.status_code == 422 and "audible radius" in r.json()["problems"][0]["expected"]


def test_moving_a_stop_names_villages_left_out_of_earshot(work) -> None:
    folder, client, headers = work
    version = client.get("/api/stops").json()["version"]
    r = client.patch("/api/stops/S-A-1", json={"lon": 107.615, "lat": 12.25},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 200
    assert {w["village"] for w in r.json()["warnings"]} == {"A-1", "A-2"}
    assert _rows(folder)["S-A-1"]["lon"] == "107.615000"


def test_replan_keeps_visits_drops_a_disabled_stop_and_reports_the_change(planned) -> None:
    folder, client, headers = planned
    plan = client.get("/api/plan").json()
    before = {(r["id"], v["stop_id"]) for r in plan["runs"] for v in r["visits"]}
    assert client.get("/api/stops").json()["stops"][0]["visits"] > 0
    gone = plan["runs"][0]["visits"][0]["stop_id"]
    version = client.get("/api/stops").json()["version"]
    assert (
        client.patch(
            f"/api/stops/{gone}", json={"enabled": False}, headers={**headers, "If-Match": version}
        ).status_code
        == 200
    )
    job = client.post("/api/plan", json={"fresh": False}, headers=headers).json()["job"]
    state = _wait(client, job)
    assert state["state"] == "done", state
    after_plan = client.get("/api/plan").json()
    after = {(r["id"], v["stop_id"]) for r in after_plan["runs"] for v in r["visits"]}
    assert not any(s == gone for _, s in after)
    others = {k for k in before if k[1] != gone}
    assert len(others & after) >= 0.9 * len(others)
    removed = [s for run in state["diff"]["runs"] for s in run["removed"]]
    assert gone in {s["id"] for s in removed} and all(s["name"] for s in removed)
    people = state["diff"]["people_reached"]
    assert people["new"] == after_plan["summary"]["people_reached"] < people["old"]
    # Undo for the other tests of this module.
    version = client.get("/api/stops").json()["version"]
    client.patch(f"/api/stops/{gone}", json={"enabled": True},
                 headers={**headers, "If-Match": version})  # fmt: skip


def test_edits_while_a_replan_runs_are_refused_and_cancel_leaves_the_outputs(work) -> None:
    folder, client, headers = work
    version = client.get("/api/stops").json()["version"]
    job = client.post("/api/plan", json={"fresh": True}, headers=headers).json()["job"]
    r = client.patch("/api/stops/S-A-3", json={"enabled": False},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 423 and "re-plan" in r.json()["error"]
    assert client.post("/api/plan", json={}, headers=headers).status_code == 423
    r = client.delete(f"/api/jobs/{job}", headers=headers)
    assert r.status_code == 200
    assert _wait(client, job)["state"] == "cancelled"
    assert not (folder / "maps" / "plan.json").exists()  # nothing written
    assert client.get("/api/plan").status_code == 404
    # After the job the same edit goes through.
    r = client.patch("/api/stops/S-A-3", json={"enabled": False},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 200
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.delete("/api/jobs/nope", headers=headers).status_code == 404


def test_timing_retimes_a_dragged_order_and_names_what_breaks(planned) -> None:
    folder, client, headers = planned
    plan = client.get("/api/plan").json()
    run = plan["runs"][0]
    order = [v["stop_id"] for v in run["visits"]]
    r = client.post(f"/api/runs/{run['date']}/timing", json={"order": order}, headers=headers)
    assert r.status_code == 200
    same = r.json()
    assert same["fits"] and [v["start"] for v in same["visits"]] == [
        v["start"][11:16] for v in run["visits"]
    ]
    # A stop moved into a run a few days from its other visit breaks the gap rule.
    other = next(r2 for r2 in plan["runs"][1:] if r2["visits"])
    moved = other["visits"][0]["stop_id"]
    if moved not in order:
        r = client.post(f"/api/runs/{run['date']}/timing", json={"order": [*order, moved]},
                        headers=headers)  # fmt: skip
        codes = {p["code"] for p in r.json()["problems"]}
        assert "gap" in codes
        # Unless the page says it left that run.
        r = client.post(
            f"/api/runs/{run['date']}/timing",
            json={"order": [*order, moved], "others": {other["id"]: []}},
            headers=headers,
        )
        assert "gap" not in {p["code"] for p in r.json()["problems"]}
    assert (folder / "maps" / "plan.json").read_bytes() == (
        folder / "maps" / "plan.json").read_bytes()  # fmt: skip
    r = client.post(f"/api/runs/{run['date']}/timing", json={"order": ["NOPE"]}, headers=headers)
    assert r.status_code == 422
    r = client.post("/api/runs/2026-12-07/timing", json={"order": order}, headers=headers)
    assert r.status_code == 404  # a Monday: no run
    r = client.post(f"/api/runs/{run['date']}/2/timing", json={"order": order}, headers=headers)
    assert r.status_code == 404  # one vehicle
    assert client.post(f"/api/runs/{run['date']}/timing", json={"order": order}).status_code == 403


def test_timing_reports_a_missed_window(planned) -> None:
    folder, client, headers = planned
    run = client.get("/api/plan").json()["runs"][0]
    order = [v["stop_id"] for v in run["visits"]]
    version = client.get("/api/stops").json()["version"]
    last = order[-1]
    client.patch(f"/api/stops/{last}", json={"latest": "07:10"},
                 headers={**headers, "If-Match": version})  # fmt: skip
    try:
        r = client.post(f"/api/runs/{run['date']}/timing", json={"order": order},
                        headers=headers).json()  # fmt: skip
        assert not r["fits"]
        assert [(p["stop_id"], p["code"], p["latest"]) for p in r["problems"]] == [
            (last, "window", "07:10")]  # fmt: skip
    finally:
        version = client.get("/api/stops").json()["version"]
        client.patch(f"/api/stops/{last}", json={"latest": ""},
                     headers={**headers, "If-Match": version})  # fmt: skip


def test_files_serves_the_output_folder_only(planned) -> None:
    folder, client, headers = planned
    (folder / "secret.txt").write_text("no", encoding="utf-8")
    assert client.get("/files/plan.json").status_code == 200
    assert (
        client.get("/files/schedule.csv").content == (folder / "maps" / "schedule.csv").read_bytes()
    )
    for bad in ("../secret.txt", "..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "..%5Csecret.txt",
                "%2Fetc%2Fpasswd", "/etc/passwd", "../../etc/passwd", "nope.pdf", ".hidden",
                "maps/plan.json"):  # fmt: skip
        assert client.get(f"/files/{bad}").status_code == 404, bad


def test_a_shared_server_asks_for_the_access_code(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    client = TestClient(
        create_app(Workspace(folder), access_code="123456", allowed_hosts=["*"]),
        base_url="http://192.168.1.5:8765",
    )
    assert client.get("/").status_code == 200  # the page itself, which asks for the code
    r = client.get("/api/session")
    assert r.status_code == 401 and r.json()["access_required"]
    assert client.get("/files/plan.json").status_code == 401
    assert client.post("/api/login", json={"code": "000000"}).status_code == 401
    assert client.post("/api/login", json={"code": "123456"}).status_code == 200
    assert client.get("/api/session").status_code == 200
    # Guessing: after 20 wrong codes even the right one is refused until a restart.
    other = TestClient(client.app, base_url="http://192.168.1.6:8765")
    for _ in range(19):
        assert other.post("/api/login", json={"code": "000000"}).status_code == 401
    assert other.post("/api/login", json={"code": "123456"}).status_code == 429


def test_keep_locks_a_dragged_order_and_replans_around_it(planned) -> None:
    folder, client, headers = planned
    plan = client.get("/api/plan").json()
    run = next(r for r in plan["runs"] if len(r["visits"]) >= 2)
    order = [v["stop_id"] for v in reversed(run["visits"])]
    version = client.get("/api/stops").json()["version"]
    r = client.post("/api/runs/keep", json={"runs": {run["id"]: order}}, headers=headers)
    assert r.status_code == 428
    # An order that breaks a rule is refused with its reasons; nothing is written.
    assert client.patch(f"/api/stops/{order[-1]}", json={"latest": "07:05"},
                        headers={**headers, "If-Match": version}).status_code == 200
    before = (folder / "stops.csv").read_bytes()
    r = client.post("/api/runs/keep", json={"runs": {run["id"]: order}},
                    headers={**headers, "If-Match": client.get("/api/stops").json()["version"]})
    assert r.status_code == 422
    assert [(p["field"], p["value"]) for p in r.json()["problems"]] == [("window", order[-1])]
    assert (folder / "stops.csv").read_bytes() == before
    r = client.post("/api/runs/keep", json={"runs": {"2026-12-07": order}},
                    headers={**headers, "If-Match": client.get("/api/stops").json()["version"]})
    assert r.status_code == 422  # a Monday: no such run
    assert client.patch(f"/api/stops/{order[-1]}", json={"latest": ""},
                        headers={**headers, "If-Match": client.get("/api/stops").json()["version"]}
                        ).status_code == 200  # fmt: skip
    r = client.post("/api/runs/keep", json={"runs": {run["id"]: order}},
                    headers={**headers, "If-Match": client.get("/api/stops").json()["version"]})
    assert r.status_code == 202, r.text
    state = _wait(client, r.json()["job"])
    assert state["state"] == "done", state
    kept = next(r2 for r2 in client.get("/api/plan").json()["runs"] if r2["id"] == run["id"])
    assert [v["stop_id"] for v in kept["visits"]] == order
    assert all(_rows(folder)[sid]["locked"] == run["date"] for sid in order)
    # Unlock through PATCH, as the panel does.
    for sid in order:
        version = client.get("/api/stops").json()["version"]
        r = client.patch(f"/api/stops/{sid}", json={"locked": ""},
                         headers={**headers, "If-Match": version})  # fmt: skip
        assert r.status_code == 200
    assert all(_rows(folder)[sid]["locked"] == "" for sid in order)


def test_a_weeks_driver_kit_is_one_zip_of_that_weeks_runs(planned) -> None:
    import zipfile

    folder, client, headers = planned
    plan = client.get("/api/plan").json()
    first = dt.date.fromisoformat(plan["runs"][0]["date"])
    monday = first - dt.timedelta(days=first.weekday())
    r = client.get(f"/kit/driver-kit-{monday.isoformat()}.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    week = [x for x in plan["runs"] if 0 <= (dt.date.fromisoformat(x["date"]) - monday).days < 7]
    assert {f"run-{x['id']}.{ext}" for x in week for ext in ("pdf", "html", "gpx")} <= names
    assert {"week-overview.pdf", "calendar.ics", "schedule.csv"} <= names
    assert not any(n.startswith("run-") and n[4:14] >= (monday + dt.timedelta(days=7)).isoformat()
                   for n in names)  # fmt: skip
    assert r.content == client.get(f"/kit/driver-kit-{monday.isoformat()}.zip").content
    assert client.get(f"/kit/driver-kit-{first.isoformat()}.zip").status_code == 404  # a Tuesday
    assert client.get("/kit/driver-kit-2030-01-07.zip").status_code == 404  # no run that week


def test_a_village_an_import_could_not_place_is_dragged_where_it_is(tmp_path: Path) -> None:
    import json

    folder = _folder(tmp_path)
    layer = json.loads((folder / "villages.geojson").read_text(encoding="utf-8"))
    for f in layer["features"]:
        if f["properties"]["id"] == "A-4":
            f["properties"]["placement"] = "commune"
    (folder / "villages.geojson").write_text(json.dumps(layer, ensure_ascii=False), "utf-8")
    client = _client(folder)
    headers = {"X-CSRF-Token": client.get("/api/session").json()["csrf"]}
    stops = client.get("/api/stops").json()
    unplaced = [v["id"] for s in stops["stops"] for v in s["villages"] if v["needs_placement"]]
    assert unplaced == ["A-4"]
    move = {"lon": 107.6215, "lat": 12.2765}
    assert client.patch("/api/villages/A-4", json=move, headers=headers).status_code == 428
    r = client.patch("/api/villages/A-4", json=move, headers={**headers, "If-Match": "stale"})
    assert r.status_code == 409
    ok = {**headers, "If-Match": stops["version"]}
    r = client.patch("/api/villages/A-4", json=move, headers=ok)
    assert r.status_code == 200, r.text
    assert r.json()["stop"] == "S-A-4" and r.json()["warnings"] == []
    layer = json.loads((folder / "villages.geojson").read_text("utf-8"))
    feature = next(f for f in layer["features"] if f["properties"]["id"] == "A-4")
    assert feature["geometry"]["coordinates"] == [107.6215, 12.2765]
    assert feature["properties"]["placement"] == "hand"
    # Its stop of one village follows it (stops.csv), through the stop-list code.
    assert (_rows(folder)["S-A-4"]["lon"], _rows(folder)["S-A-4"]["lat"]) == ("107.621500",
                                                                               "12.276500")
    assert not any(v["needs_placement"] for s in client.get("/api/stops").json()["stops"]
                   for v in s["villages"])  # fmt: skip
    history = client.get("/api/history").json()
    assert ("A-4", "village position") in {(c["stop"], c["field"]) for c in history["changes"]}
    assert history["undoable"] is None  # a village's move (and its stop's) is not undone
    # A village of a stop of several, moved away from it: named in a warning.
    version = client.get("/api/stops").json()["version"]
    r = client.patch("/api/villages/A-2", json={"lon": 107.6118, "lat": 12.2608},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 200 and [w["village"] for w in r.json()["warnings"]] == ["A-2"]
    version = client.get("/api/stops").json()["version"]
    r = client.patch("/api/villages/NOPE", json=move, headers={**headers, "If-Match": version})
    assert r.status_code == 422
    r = client.patch("/api/villages/A-2", json={"lon": "x"},
                     headers={**headers, "If-Match": version})  # fmt: skip
    assert r.status_code == 422


def test_a_bug_is_one_line_and_its_details_go_to_the_error_log(work, monkeypatch, tmp_path) -> None:
    folder, client, headers = work
    monkeypatch.setattr("outreach_planner.error_log.log_folder", lambda: tmp_path / "logs")

    def broken() -> dict:
        raise RuntimeError("a bug")

    monkeypatch.setattr(client.app.state.workspace, "stops_json", broken)
    r = client.get("/api/stops")
    assert r.status_code == 500
    assert r.json()["error"].startswith("internal error: RuntimeError: a bug (details in ")
    assert "Traceback" in (tmp_path / "logs" / "error.log").read_text(encoding="utf-8")


def test_timing_uses_the_programme_of_the_runs_date(tmp_path: Path) -> None:
    """An item played only until 11 December lengthens the broadcast of earlier runs only."""
    folder = _folder(tmp_path)
    with (folder / "programme.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[items]]\ntitle = "Campaign"\nminutes = 10\nuntil = 2026-12-11\n')
    client = _client(folder)
    headers = {"X-CSRF-Token": client.get("/api/session").json()["csrf"]}

    def broadcast_min(date: str) -> float:
        r = client.post(f"/api/runs/{date}/timing", json={"order": ["S-B-1"]}, headers=headers)
        v = r.json()["visits"][0]
        h1, m1 = map(int, v["start"].split(":"))
        h2, m2 = map(int, v["end"].split(":"))
        return (h2 * 60 + m2) - (h1 * 60 + m1)

    assert broadcast_min("2026-12-08") - broadcast_min("2026-12-15") == 10


def test_the_page_never_moves_a_village_of_a_file_outside_its_folder(tmp_path: Path) -> None:
    """An empty folder plans the built-in data: its villages file is not the folder's."""
    from outreach_planner.builtin import data_dir

    before = (data_dir() / "villages.geojson").read_bytes()
    client = _client(tmp_path)
    headers = {"X-CSRF-Token": client.get("/api/session").json()["csrf"]}
    stops = client.get("/api/stops").json()
    village = stops["stops"][0]["villages"][0]["id"]
    r = client.patch(f"/api/villages/{village}", json={"lon": 107.6, "lat": 12.25},
                     headers={**headers, "If-Match": stops["version"]})  # fmt: skip
    assert r.status_code == 422
    assert "inside the working folder" in r.json()["problems"][0]["expected"]
    assert (data_dir() / "villages.geojson").read_bytes() == before
    assert list(tmp_path.iterdir()) == []


def test_a_date_that_does_not_exist_is_no_such_run_or_week(work) -> None:
    # 2026-02-30 has the form of a date; the page's one date reader says it is none.
    folder, client, headers = work
    r = client.post("/api/runs/2026-02-30/timing", json={"order": []}, headers=headers)
    assert r.status_code == 404
    assert client.get("/kit/driver-kit-2026-02-30.zip").status_code == 404
