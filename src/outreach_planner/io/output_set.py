"""Replace a folder's outputs together: the whole new set, or nothing at all.

Every new file is staged in full beside its target first. Then each target is
swapped in by one rename, a hard link (or copy) keeping the file it replaces;
files the new set drops are renamed aside the same way. If any step fails,
every swap already made is undone in reverse, so a reader finds the previous
set whole, never a mix of two plans; only once all are in place are the kept
files deleted. A kill in the middle of the swaps (microseconds) is the one gap.

The manifest lists the files this planner wrote into the folder; only those may
ever be deleted, so another tool's files that happen to look like ours survive.
Staged and kept files are hidden `.op-*.tmp` files, ours alone, which the next
run clears if a killed run left any.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from outreach_planner.errors import InputError, Problem

MANIFEST = ".outreach-planner-manifest.json"
MANIFEST_FORMAT = "outreach-planner/manifest"
_PREFIX, _SUFFIX = ".op-", ".tmp"
log = logging.getLogger("outreach_planner")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a fsynced hidden temporary file beside `path`; return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f"{_PREFIX}{path.name}.", suffix=_SUFFIX, dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _aside(path: Path) -> Path:
    """A fresh hidden name beside `path` for the file it holds now."""
    fd, tmp = tempfile.mkstemp(prefix=f"{_PREFIX}{path.name}.", suffix=".old" + _SUFFIX,
                               dir=path.parent)  # fmt: skip
    os.close(fd)
    return Path(tmp)


def _keep(target: Path) -> Path | None:
    """A second name for the file at `target` (None if there is none); `target` stays."""
    if not os.path.lexists(target):
        return None
    kept = _aside(target)
    try:
        os.unlink(kept)
        try:
            os.link(target, kept, follow_symlinks=False)
        except (OSError, NotImplementedError):  # no hard links here (FAT, some shares)
            shutil.copy2(target, kept, follow_symlinks=False)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(kept)
        raise
    return kept


def _sync_dir(folder: Path) -> None:
    # Makes the renames themselves survive a power cut (POSIX; a no-op where unsupported).
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _undo(swaps: list[tuple[Path, Path | None]], staged: Iterable[Path]) -> None:
    """Put back every file a swap replaced or moved aside; delete what was new."""
    for target, kept in reversed(swaps):
        with contextlib.suppress(OSError):
            if kept is not None:
                os.replace(kept, target)
            else:
                os.unlink(target)
    for tmp in staged:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def replace_together(folder: Path, files: Mapping[str, bytes], remove: Iterable[str] = ()) -> None:
    """Write `files` (name -> bytes) into `folder` and delete `remove`, all or nothing.

    Files are swapped in the order given (put the index files last). On any
    failure the folder is as it was before the call and the error is raised.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}
    swaps: list[tuple[Path, Path | None]] = []  # (target, its previous file kept aside)
    try:
        for name, data in files.items():
            staged[name] = stage(folder / name, data)
        for name in remove:
            target = folder / name
            if not os.path.lexists(target):
                continue
            aside = _aside(target)
            try:
                os.replace(target, aside)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(aside)
                raise
            swaps.append((target, aside))
        for name, tmp in staged.items():
            target = folder / name
            kept = _keep(target)
            try:
                os.replace(tmp, target)
            except BaseException:
                if kept is not None:  # the target is as it was: its twin is not needed
                    with contextlib.suppress(OSError):
                        os.unlink(kept)
                raise
            swaps.append((target, kept))
    except BaseException:
        _undo(swaps, staged.values())
        raise
    _sync_dir(folder)
    for _, kept in swaps:
        if kept is not None:
            with contextlib.suppress(OSError):
                os.unlink(kept)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete the hidden files a killed run left behind (they are never read)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(_PREFIX) and name.endswith(_SUFFIX) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and Path(name).name == name


def read_manifest(folder: Path) -> set[str]:
    """Names of the files this planner wrote into `folder` (empty if it keeps no manifest).

    A damaged manifest claims nothing: deleting too little is safe, too much is not.
    """
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        return set()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        log.warning("%s is unreadable; no earlier output will be removed", path)
        return set()
    names = data.get("files") if isinstance(data, dict) else None
    if data.get("format") != MANIFEST_FORMAT or not isinstance(names, list):  # type: ignore[union-attr]
        return set()
    return {n for n in names if _plain_name(n) and n != MANIFEST}


def render_manifest(names: Iterable[str]) -> bytes:
    listing = {"format": MANIFEST_FORMAT, "version": 1, "files": sorted(set(names))}
    return (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_error(folder: Path, exc: OSError) -> InputError:
    """The one line a failed write gives: which file, what the system said."""
    where = Path(exc.filename) if exc.filename else folder
    if where.name.startswith(_PREFIX):  # a staged file: name the folder, not our temp name
        where = folder
    return InputError(
        Problem(
            str(where),
            "",
            "",
            exc.strerror or type(exc).__name__,
            "a folder and files the planner may write (the previous outputs are unchanged)",
        )
    )
