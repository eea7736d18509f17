"""The broadcast programme: its items, their lengths, and a stop's dwell.

An item's length comes from one of three sources: minutes given by the
planner, a text file read at the VOV news speed (syllables ÷ syllables per
minute), or an audio file's real length.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mutagen

from outreach_planner.errors import InputError, ProblemCollector, expected_key
from outreach_planner.io.files import MB, NotAnInputFile, read_input_bytes
from outreach_planner.io.villages import LANGUAGE_CODES
from outreach_planner.parse import parse_date

# Vietnamese is written one syllable per space-separated word; a token counts
# as a syllable when it holds a letter or a digit (punctuation alone does not).
# Combining marks (U+0300-036F) belong to their letter: text typed in Unikey's
# decomposed mode, or M'Nông letters with no precomposed form, stay one token.
_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
_TOKEN = re.compile(rf"{_LETTER}+(?:[-'’]{_LETTER}+)*")

TEXT_LIMIT = 2 * MB

@dataclass(frozen=True)
class ProgrammeItem:
    """One bulletin item; `language` None means it is played at every stop."""

    title: str
    duration_s: float
    language: str | None = None
    source: str = "minutes"  # "minutes", "text:<file>" or "audio:<file>"
    # The dates it is played (both inclusive); None: no limit on that side.
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def plays_on(self, day: dt.date | None) -> bool:
        """Whether a run on `day` plays it (None: any day)."""
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class BroadcastProgramme:
    title: str
    items: tuple[ProgrammeItem, ...]

    def items_on(self, day: dt.date | None, languages: Iterable[str]) -> list[ProgrammeItem]:
        """The items a run on `day` plays at a stop speaking `languages`."""
        spoken = set(languages)
        return [
            item
            for item in self.items
            if (item.language is None or item.language in spoken) and item.plays_on(day)
        ]

    def programme_s(self, languages: Iterable[str], on: dt.date | None = None) -> int:
        """Seconds of broadcast at a stop whose villages speak `languages` (rounded up),
        on the run date `on`, or on the date its programme is longest."""
        if on is None:
            return max(self.programme_s(languages, day) for day in self.change_dates())
        return math.ceil(sum(i.duration_s for i in self.items_on(on, languages)) - 1e-9)

    def dwell_s(self, languages: Iterable[str], *, setup_s: int, on: dt.date | None = None) -> int:
        """Whole time at the stop in seconds: setup, then the programme."""
        return setup_s + self.programme_s(languages, on)

    @property
    def dated(self) -> bool:
        return any(i.valid_from or i.valid_until for i in self.items)

    def change_dates(self) -> list[dt.date]:
        """A date of every stretch over which the items played stay the same."""
        days = {dt.date.min}
        for item in self.items:
            if item.valid_from is not None:
                days.add(item.valid_from)
            if item.valid_until is not None and item.valid_until < dt.date.max:
                days.add(item.valid_until + dt.timedelta(days=1))
        return sorted(days)


def count_syllables(text: str) -> int:
    """Syllables in Vietnamese (or M'Nông Latin-script) text: its word tokens."""
    return len(_TOKEN.findall(unicodedata.normalize("NFC", text)))


def text_duration_s(text: str, *, reading_speed_spm: float) -> float:
    """Seconds to read `text` aloud at `reading_speed_spm` syllables per minute."""
    return count_syllables(text) * 60.0 / reading_speed_spm


def load_programme(path: Path, *, reading_speed_spm: float) -> BroadcastProgramme:
    """Read a programme TOML file; item files are relative to the programme's folder."""
    source = str(path)
    problems = ProblemCollector(source)
    try:
        raw = tomllib.loads(read_input_bytes(path, limit=MB).decode("utf-8"))
    except FileNotFoundError:
        problems.add("", "", str(path), "an existing programme file")
        raise InputError(problems.problems) from None
    except NotAnInputFile as exc:
        problems.add("", "", str(path), str(exc))
        raise InputError(problems.problems) from None
    except RecursionError:
        problems.add("", "", "nested too deeply", "valid TOML")
        raise InputError(problems.problems) from None
    except UnicodeDecodeError as exc:
        problems.add(f"byte {exc.start}", "", "not UTF-8", "UTF-8 text")
        raise InputError(problems.problems) from None
    except tomllib.TOMLDecodeError as exc:
        problems.add("", "", str(exc), "valid TOML")
        raise InputError(problems.problems) from None
    except OSError as exc:
        problems.add("", "", exc.strerror, "a readable programme file")
        raise InputError(problems.problems) from None

    for key in sorted(set(raw) - {"title", "items"}):
        problems.add("", key, raw[key], expected_key(key, ("title", "items")))
    title = raw.get("title", path.stem)
    if not isinstance(title, str):
        problems.add("", "title", title, "a text title")
        title = path.stem
    entries = raw.get("items")
    if not isinstance(entries, list) or not entries:
        problems.add("", "items", entries, "at least one [[items]] table")
        problems.raise_if_any()
    items = []
    for n, entry in enumerate(entries or [], start=1):
        item = _item(entry, n, path.parent, reading_speed_spm, problems)
        if item is not None:
            items.append(item)
    _overlaps(items, problems)
    problems.raise_if_any()
    return BroadcastProgramme(title=title, items=tuple(items))


_ITEM_KEYS = ("title", "language", "minutes", "text", "audio", "from", "until")


def _item(
    entry: object, n: int, folder: Path, reading_speed_spm: float, problems: ProblemCollector
) -> ProgrammeItem | None:
    if not isinstance(entry, dict):
        problems.add(f"item {n}", "", entry, "a table with title and minutes, text or audio")
        return None
    title = entry.get("title")
    where = f"item {n}" + (f" ({title})" if isinstance(title, str) else "")
    ok = True
    unknown = sorted(set(entry) - set(_ITEM_KEYS))
    for key in unknown:
        problems.add(where, key, entry[key], expected_key(key, _ITEM_KEYS))
        ok = False
    if not isinstance(title, str) or not title.strip():
        problems.add(where, "title", title, "a title")
        ok = False
    language = entry.get("language")
    if language is not None and language not in LANGUAGE_CODES:
        expected = f"one of {', '.join(LANGUAGE_CODES)} or none for all"
        problems.add(where, "language", language, expected)
        ok = False
    given = [k for k in ("minutes", "text", "audio") if k in entry]
    if len(given) != 1:
        if given or not unknown:  # a misspelt key was reported already: one problem, one line
            problems.add(where, "minutes/text/audio", given or None, "exactly one of the three")
        return None
    kind = given[0]
    value = entry[kind]
    duration: float | None = None
    if kind == "minutes":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (0 < value <= 600 and math.isfinite(value))
        ):
            problems.add(where, "minutes", value, "a number of minutes above 0 and at most 600")
        else:
            duration = float(value) * 60.0
    elif not isinstance(value, str) or not value.strip():
        problems.add(where, kind, value, "a file path")
    else:
        file = folder / value
        if kind == "text":
            duration = _text_file_s(file, where, reading_speed_spm, problems)
        else:
            duration = _audio_file_s(file, where, problems)
        kind = f"{kind}:{value}"
    period = _period(entry, where, problems)
    if duration is None or not ok or not isinstance(title, str) or period is None:
        return None
    return ProgrammeItem(
        title=title.strip(), duration_s=duration, language=language, source=kind,
        valid_from=period[0], valid_until=period[1],
    )  # fmt: skip


def _period(
    entry: dict, where: str, problems: ProblemCollector
) -> tuple[dt.date | None, dt.date | None] | None:
    """The item's `from` and `until` dates (inclusive), None when malformed."""
    days: list[dt.date | None] = []
    for key in ("from", "until"):
        if key not in entry:
            days.append(None)
            continue
        day = parse_date(entry[key])
        if day is None:
            problems.add(where, key, entry[key], "a date YYYY-MM-DD (inclusive)")
            return None
        days.append(day)
    if days[0] and days[1] and days[1] < days[0]:
        problems.add(where, "until", days[1].isoformat(),
                     f"a date on or after from ({days[0].isoformat()})")  # fmt: skip
        return None
    return days[0], days[1]


def _overlaps(items: list[ProgrammeItem], problems: ProblemCollector) -> None:
    """Two items of one title and language played on one date: a period typed twice."""
    for n, a in enumerate(items):
        for b in items[n + 1 :]:
            if (a.title, a.language) != (b.title, b.language):
                continue
            lo = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
            hi = min(a.valid_until or dt.date.max, b.valid_until or dt.date.max)
            if lo <= hi:
                problems.add(f"item {a.title}", "from/until",
                             f"{lo.isoformat()}..{hi.isoformat()}",
                             "periods of the same item that do not overlap")  # fmt: skip


def _text_file_s(
    file: Path, where: str, reading_speed_spm: float, problems: ProblemCollector
) -> float | None:
    try:
        # A bulletin read aloud is a few pages; a larger file is not one.
        text = read_input_bytes(file, limit=TEXT_LIMIT).decode("utf-8-sig")
    except FileNotFoundError:
        problems.add(where, "text", str(file), "an existing text file")
        return None
    except NotAnInputFile as exc:
        problems.add(where, "text", str(file), f"{exc} of text")
        return None
    except UnicodeDecodeError:
        problems.add(where, "text", str(file), "a UTF-8 text file")
        return None
    except OSError as exc:
        problems.add(where, "text", str(file), f"a readable text file ({exc.strerror})")
        return None
    if count_syllables(text) == 0:
        problems.add(where, "text", str(file), "a text with words to read")
        return None
    return text_duration_s(text, reading_speed_spm=reading_speed_spm)


def _audio_file_s(file: Path, where: str, problems: ProblemCollector) -> float | None:
    if not file.is_file():
        problems.add(where, "audio", str(file), "an existing audio file")
        return None
    try:
        audio = mutagen.File(file)
    except (mutagen.MutagenError, OSError, ValueError):
        audio = None
    length = getattr(getattr(audio, "info", None), "length", None)
    if not isinstance(length, int | float) or not (length > 0 and math.isfinite(length)):
        problems.add(
            where, "audio", str(file), "an audio file with a length (WAV, MP3, OGG, M4A, FLAC)"
        )
        return None
    return float(length)
