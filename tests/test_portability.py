"""Nothing in the code rules out a Windows office PC: no POSIX-only call without a fallback."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "outreach_planner"
# Calls and modules Windows does not have.
POSIX_ONLY = {"os.getuid", "os.geteuid", "os.getgid", "os.fork", "os.symlink", "os.chown",
              "os.setsid", "os.getpgid", "os.killpg", "signal.SIGKILL",
              "signal.SIGHUP"}  # fmt: skip
POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "resource"}


def _guarded(tree: ast.AST) -> set[int]:
    """Lines inside a `try` that catches ImportError (or AttributeError/OSError)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            caught = " ".join(ast.unparse(h.type) for h in node.handlers if h.type is not None)
            if any(e in caught for e in ("ImportError", "AttributeError", "OSError")):
                for stmt in node.body:
                    lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def test_no_posix_only_call_without_a_fallback():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        safe = _guarded(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) in POSIX_ONLY:
                if node.lineno not in safe:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                    node.module or ""]  # fmt: skip
                if any(n.split(".")[0] in POSIX_MODULES for n in names) and node.lineno not in safe:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} import {names}")
    assert found == []
