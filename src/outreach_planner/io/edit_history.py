"""The edit history of a stop list: `edit-history.csv` beside `stops.csv`, appended to by
every accepted edit (the `stops` commands and the planning page alike), never rewritten.

One row per changed cell: time, edit number, action, stop, field, old and new value.
A stop added or removed is one row per non-empty cell (field `id` among them), so an
undo can rebuild it. An undo is itself an edit, whose action names the edit it undid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HISTORY_FILE = "edit-history.csv"
FIELDS = ("time", "edit", "action", "stop", "field", "old", "new")


@dataclass(frozen=True)
class Change:
    time: str
    edit: int
    action: str  # "edit", or "undo N"
    stop: str
    field: str
    old: str
    new: str


def history_path(stops_path: Path) -> Path:
    return stops_path.parent / HISTORY_FILE


def read_history(path: Path) -> list[Change]:
    """Every change in file order; a missing file is an empty history. Rows that do not
    parse (a hand edit gone wrong) are skipped: the history only informs and undoes."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return []
    out = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        try:
            out.append(
                Change(row["time"], int(row["edit"]), row["action"], row["stop"], row["field"],
                       row["old"], row["new"])
            )  # fmt: skip
        except (KeyError, TypeError, ValueError):
            continue
    return out


def cell_changes(
    before: Sequence[Mapping[str, str]], after: Sequence[Mapping[str, str]]
) -> list[tuple[str, str, str, str]]:
    """(stop, field, old, new) for every cell that differs, in stop then column order;
    `population` is left out (it follows the villages)."""
    old = {r.get("id", ""): r for r in before}
    new = {r.get("id", ""): r for r in after}
    out = []
    for sid in sorted(set(old) | set(new)):
        a, b = old.get(sid, {}), new.get(sid, {})
        for field in dict.fromkeys([*a, *b]):
            if field == "population":
                continue
            x, y = a.get(field, ""), b.get(field, "")
            if x != y:
                out.append((sid, field, x, y))
    return out


def append_history(
    path: Path, changes: Sequence[tuple[str, str, str, str]], *, action: str = "edit"
) -> int:
    """Append one edit's changes; returns its number (0 when there was nothing to add)."""
    if not changes:
        return 0
    history = read_history(path)
    number = max((c.edit for c in history), default=0) + 1
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if not path.is_file():
        out.write("\ufeff")
        writer.writerow(FIELDS)
    for stop, field, old, new in changes:
        writer.writerow([when, number, action, stop, field, old, new])
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    return number


def last_undoable(history: Sequence[Change]) -> int | None:
    """The latest edit that is neither an undo nor already undone."""
    undone = {int(c.action.split()[1]) for c in history if c.action.startswith("undo ")}
    edits = [c.edit for c in history if c.action == "edit" and c.edit not in undone]
    return max(edits) if edits else None


def undo_rows(
    rows: Sequence[Mapping[str, str]], history: Sequence[Change], edit: int
) -> list[dict[str, str]]:
    """The stop list's rows with edit `edit` reversed: cells back to their old values,
    added stops gone, removed stops back."""
    changes = [c for c in history if c.edit == edit]
    out = [dict(r) for r in rows]
    added = {c.stop for c in changes if c.field == "id" and not c.old}
    removed = {c.stop for c in changes if c.field == "id" and not c.new}
    out = [r for r in out if r.get("id") not in added]
    for sid in sorted(removed):
        out.append({c.field: c.old for c in changes if c.stop == sid})
    for c in changes:
        if c.stop in added or c.stop in removed:
            continue
        for r in out:
            if r.get("id") == c.stop:
                r[c.field] = c.old
    return out
