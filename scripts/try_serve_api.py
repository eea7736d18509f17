"""Try `outreach-planner serve` through its HTTP API alone, as another tool would.

    python scripts/try_serve_api.py [--dir FOLDER]

Starts `serve --no-browser` on a free port in FOLDER (default: a new empty folder, so
the built-in Đắk Song data), makes a first plan if there is none, reads the stops,
disables one with the right version, re-plans and waits for the job, then checks:
the disabled stop is gone from the plan and at least 90 % of the other visits keep
their date; a stale version gives 409, a write without the token 403, and
GET /files/../../etc/passwd 404. Prints each step with its time; exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Api:
    def __init__(self, host: str, port: int):
        self.host, self.port, self.csrf = host, port, ""

    def call(self, method: str, path: str, body: object = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        data = None if body is None else json.dumps(body).encode()
        h = {"Content-Type": "application/json", **(headers or {})}
        # http.client sends the path as given: no client-side '..' clean-up.
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        conn.close()
        try:
            return r.status, json.loads(raw or b"null")
        except ValueError:
            return r.status, raw


def check(ok: bool, what: str, failures: list[str]) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        failures.append(what)


def visits(plan: dict) -> set[tuple[str, int, str]]:
    """(date, vehicle, stop id) of every visit of a plan.json."""
    return {(r["date"], r["vehicle"], v["stop_id"]) for r in plan["runs"] for v in r["visits"]}


def replan(api: Api, fresh: bool = False) -> tuple[dict, float]:
    t0 = time.perf_counter()
    status, data = api.call("POST", "/api/plan", {"fresh": fresh}, {"X-CSRF-Token": api.csrf})
    assert status == 202, (status, data)
    job = data["job"]
    while True:
        status, state = api.call("GET", f"/api/jobs/{job}")
        if state["state"] != "running":
            return state, time.perf_counter() - t0
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="working folder (default: a new empty one)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="serve-try-"))
    failures: list[str] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "outreach_planner", "serve", "--dir", str(folder),
         "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        started = time.perf_counter() - t0
        print(line.strip())
        address = line.split("http://", 1)[1].split("/", 1)[0]
        host, port = address.rsplit(":", 1)
        api = Api(host, int(port))
        print(f"serve answered in {started:.1f} s; folder {folder}")
        status, session = api.call("GET", "/api/session")
        api.csrf = session["csrf"]

        status, plan = api.call("GET", "/api/plan")
        if status == 404:
            state, took = replan(api)
            print(f"first plan: {state['state']} in {took:.1f} s")
            status, plan = api.call("GET", "/api/plan")
        before = visits(plan)

        t1 = time.perf_counter()
        status, stops = api.call("GET", "/api/stops")
        print(f"GET /api/stops: {status}, {len(stops['stops'])} stops, version "
              f"{stops['version']} ({(time.perf_counter() - t1) * 1000:.0f} ms)")  # fmt: skip
        target = plan["runs"][0]["visits"][0]["stop_id"]
        version = stops["version"]
        status, answer = api.call("PATCH", f"/api/stops/{target}", {"enabled": False},
                                  {"X-CSRF-Token": api.csrf, "If-Match": version})  # fmt: skip
        print(f"PATCH /api/stops/{target} enabled=false: {status}")
        check(status == 200, "disable with the right version: 200", failures)

        state, took = replan(api)
        print(f"re-plan: {state['state']} in {took:.1f} s; kept {state['diff'].get('kept')} of "
              f"{state['diff'].get('comparable')} ({state['diff'].get('kept_pct')} %)")  # fmt: skip
        check(state["state"] == "done", "the re-plan job ends done", failures)
        status, plan = api.call("GET", "/api/plan")
        after = visits(plan)
        check(all(s != target for *_, s in after), f"{target} is gone from the plan", failures)
        others = {k for k in before if k[2] != target}
        kept = len(others & after) / len(others) if others else 1.0
        check(kept >= 0.9, f"{kept:.1%} of the other visits keep their date and run (>= 90 %)",
              failures)  # fmt: skip

        status, _ = api.call("PATCH", f"/api/stops/{target}", {"enabled": True},
                             {"X-CSRF-Token": api.csrf, "If-Match": version})  # fmt: skip
        check(status == 409, f"stale version: {status} (409)", failures)
        status, _ = api.call("PATCH", f"/api/stops/{target}", {"enabled": True},
                             {"If-Match": answer["version"]})  # fmt: skip
        check(status == 403, f"write without the token: {status} (403)", failures)
        status, _ = api.call("GET", "/files/../../etc/passwd")
        check(status == 404, f"GET /files/../../etc/passwd: {status} (404)", failures)
        status, _ = api.call("GET", "/files/..%2F..%2Fetc%2Fpasswd")
        check(status == 404, f"GET /files/..%2F..%2Fetc%2Fpasswd: {status} (404)", failures)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    print("all checks passed" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
