"""`outreach-planner serve` as a real process: uvicorn on a free port, spoken to over TCP."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

TINY = Path(__file__).parent / "data" / "tiny"


def _request(url: str, method: str = "GET", body: object = None, headers: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def test_serve_answers_on_a_free_port_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    shutil.copytree(TINY, folder)
    proc = subprocess.Popen(
        [sys.executable, "-m", "outreach_planner", "serve", "--dir", str(folder),
         "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, (line, proc.stderr.read() if proc.poll() else "")
        url = line.split("http://", 1)[1].split()[0]
        base = f"http://{url}".rstrip("/")
        with urllib.request.urlopen(base + "/", timeout=30) as r:
            assert b"<html" in r.read().lower()
        status, session = _request(base + "/api/session")
        assert status == 200
        status, stops = _request(base + "/api/stops")
        assert status == 200 and stops["stops"]
        assert not (folder / "maps").exists()  # serve does not plan on start
        headers = {"X-CSRF-Token": session["csrf"], "If-Match": stops["version"]}
        status, _ = _request(base + "/api/stops/S-B-1", "PATCH", {"enabled": False}, headers)
        assert status == 200
        row = next(line for line in (folder / "stops.csv").read_text(encoding="utf-8-sig")
                   .splitlines() if line.startswith("S-B-1,"))  # fmt: skip
        assert ",no," in row
        status, _ = _request(base + "/api/stops/S-B-1", "PATCH", {"enabled": True}, headers)
        assert status == 409  # the version moved on
        with urllib.request.urlopen(base + "/static/leaflet/leaflet.js", timeout=30) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_serve_refuses_a_missing_folder_in_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "outreach_planner", "serve", "--dir", str(tmp_path / "nope"),
         "--no-browser"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "--dir" in r.stderr
