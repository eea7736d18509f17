"""The project's error types; the CLI maps each leaf to one exit code.

Like geopy's, every leaf also inherits a builtin so callers that catch
``ValueError`` keep working.
"""

from __future__ import annotations

import difflib
import reprlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


class OutreachError(Exception):
    """Root of every error this package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is, what it holds, what was expected."""

    source: str  # file name, or "settings" / "command line"
    where: str  # "feature 12 (id 24717-01)", "row 4", "item 2", "" for the whole file
    field: str
    value: object
    expected: str

    def __str__(self) -> str:
        place = f"{self.source}: {self.where}" if self.where else self.source
        field = f" field '{self.field}'" if self.field else ""
        if self.value is None or self.value == "":
            # Nothing was given: say so rather than print a raw None.
            return _one_line(f"{place}:{field} missing, expected {self.expected}")
        return _one_line(f"{place}:{field} got {_shown(self.value)}, expected {self.expected}")


# A value is quoted so its owner can find it, not in full: one line, however big or deep.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 120, 120
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 8


def _shown(value: object) -> str:
    return _REPR.repr(value)


def _one_line(text: str) -> str:
    """`text` with control characters (from names and ids in the input) escaped: one line."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )


class InputError(OutreachError, ValueError):
    """Bad input: one or more problems, all found in one pass."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        # Crosses process boundaries (worker pools, Dask) with its problems intact.
        return (type(self), (self.problems,))


class InfeasibleError(OutreachError, RuntimeError):
    """The inputs are valid but no plan can satisfy them; the message says why."""


def expected_key(key: str, known: Iterable[str]) -> str:
    """'one of a, b, c', or 'did you mean ...' when `key` looks like a typo of one."""
    known = sorted(known)
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"a known key: did you mean '{close[0]}'?"
    return f"one of the known keys ({', '.join(known)})"


class ProblemCollector:
    """Gathers problems while a loader walks a file, then raises them together."""

    def __init__(self, source: str, *, hint: str = ""):
        self.source = source
        self.hint = hint  # appended to what each problem expected (e.g. a way out)
        self.problems: list[Problem] = []

    def add(self, where: str, field: str, value: object, expected: str) -> None:
        self.problems.append(Problem(self.source, where, field, value, expected + self.hint))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
