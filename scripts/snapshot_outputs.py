"""Snapshot every output file of a few plans, to show a refactoring changed no byte.

    python scripts/snapshot_outputs.py make SNAPSHOT_DIR     # before the change
    python scripts/snapshot_outputs.py compare SNAPSHOT_DIR  # after it

Each plan runs this checkout's code (its src/ first on the path). To snapshot an older commit,
run this script from an export of it: `git archive COMMIT | tar -x -C DIR`, copy the script in.

The plans (each run as a user would, `python -m outreach_planner` in a fresh folder):
  builtin   the built-in Đắk Song data, `plan --start 2026-12-07 --weeks 2`
  roads     the Kouvola villages on the roads of tests/data/osm/kouvola.osm.pbf (--lang en)
  stops     the tiny data from an edited stops.csv: pins on a weekday and on a date, a
            broadcast window, a priority
  replan    the same folder re-planned after `stops disable` (keeps the previous plan.json)
Each scenario also keeps what the commands printed (stdout, stderr, exit code).

"Today" is the machine's date: every horizon starts on 2026-12-07, so until then no run is
frozen; `compare` on a later date would freeze runs and differ for that reason alone.
`compare` prints the files that differ and exits 1 when any does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
KOUVOLA = ROOT / "tests" / "data" / "kouvola"
PBF = ROOT / "tests" / "data" / "osm" / "kouvola.osm.pbf"


def _run(folder: Path, log: list[str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "outreach_planner", *args],
        cwd=folder,
        # This checkout's code, whatever copy of the package is installed.
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    # Paths of the temporary folder would differ between runs: keep them out.
    clean = [s.replace(str(folder), "<dir>") for s in (result.stdout, result.stderr)]
    command = " ".join(args).replace(str(ROOT), "<root>")
    log.append(f"$ {command}\nexit {result.returncode}\n")
    log.append(f"--stdout\n{clean[0]}--stderr\n{clean[1]}")


def _scenarios(work: Path) -> dict[str, Path]:
    """Run every scenario under `work`; returns scenario -> its folder."""
    folders = {}

    builtin = work / "builtin"
    builtin.mkdir()
    log: list[str] = []
    _run(builtin, log, "plan", "--start", "2026-12-07", "--weeks", "2", "--quiet", "--out", "out")
    (builtin / "commands.log").write_text("\n".join(log), encoding="utf-8")
    folders["builtin"] = builtin

    roads = work / "roads"
    roads.mkdir()
    shutil.copy(PBF, roads)
    log = []
    _run(roads, log, "plan", "--settings", str(KOUVOLA / "settings.toml"), "--roads",
         "kouvola.osm.pbf", "--out", "out", "--quiet", "--lang", "en")  # fmt: skip
    (roads / "kouvola.osm.pbf").unlink()
    (roads / "commands.log").write_text("\n".join(log), encoding="utf-8")
    folders["roads"] = roads

    stops = work / "stops"
    stops.mkdir()
    settings = str(TINY / "settings.toml")
    log = []
    _run(stops, log, "stops", "init", "--settings", settings)
    rows = (stops / "stops.csv").read_text("utf-8-sig").splitlines()[1:]
    ids = [row.split(",")[0] for row in rows]
    _run(stops, log, "stops", "pin", ids[0], "--weekday", "friday", "--settings", settings)
    _run(stops, log, "stops", "pin", ids[1], "--date", "2026-12-15", "--settings", settings)
    _run(stops, log, "stops", "set", ids[2], "earliest", "08:30", "--settings", settings)
    _run(stops, log, "stops", "set", ids[3], "priority", "2", "--settings", settings)
    _run(stops, log, "plan", "--settings", settings, "--quiet", "--out", "out")
    (stops / "commands.log").write_text("\n".join(log), encoding="utf-8")
    folders["stops"] = stops

    replan = work / "replan"
    shutil.copytree(stops, replan)
    log = []
    _run(replan, log, "stops", "disable", ids[4], "--settings", settings)
    _run(replan, log, "plan", "--settings", settings, "--quiet", "--out", "out")
    _run(replan, log, "diff", "../stops/out/plan.json", "out/plan.json")
    (replan / "commands.log").write_text("\n".join(log), encoding="utf-8")
    folders["replan"] = replan
    return folders


# Files that say when or by which process, not what was planned: the output folder's lock
# (a process id) and a road cache are left out; the edit history's clock times are masked.
_SKIP = (".outreach-planner.lock", ".roads.npz")
_CLOCK = re.compile(rb"^\d{4}-\d{2}-\d{2}T[0-9:.+-]+,", re.MULTILINE)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): _masked(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(_SKIP)
    }


def _masked(path: Path) -> bytes:
    data = path.read_bytes()
    return _CLOCK.sub(b"<time>,", data) if path.name == "edit-history.csv" else data


def make(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in _scenarios(Path(tmp)).items():
            for rel, data in _files(folder).items():
                out = target / name / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
    print(f"snapshot of {sum(1 for p in target.rglob('*') if p.is_file())} files in {target}")


def compare(snapshot: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh"
        make(fresh)
        old, new = _files(snapshot), _files(fresh)
        differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
        only_old, only_new = sorted(old.keys() - new.keys()), sorted(new.keys() - old.keys())
        for k in differ:
            print(f"differs: {k}")
        for k in only_old:
            print(f"missing now: {k}")
        for k in only_new:
            print(f"new file: {k}")
        if differ or only_old or only_new:
            return 1
        print(f"identical: {len(old)} files, every byte")
        return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "compare"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    else:
        raise SystemExit(compare(Path(sys.argv[2])))
