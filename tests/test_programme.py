"""The broadcast programme: syllables, item lengths, a stop's programme and dwell, bad files."""

from __future__ import annotations

import errno
import math
import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_planner.errors import InputError, Problem
from outreach_planner.programme import (
    BroadcastProgramme,
    ProgrammeItem,
    count_syllables,
    load_programme,
    text_duration_s,
)

SPM = 233.0  # VOV reading speed, the default
SENTENCE = "Kính thưa bà con, đây là bản tin."


@pytest.fixture(scope="module")
def tiny_programme(tiny_dir: Path) -> BroadcastProgramme:
    """The tiny programme: 3 s jingle (all), 27-syllable news (vi), 5 min (vi), 3 min (mnong)."""
    return load_programme(tiny_dir / "programme.toml", reading_speed_spm=SPM)


@pytest.fixture
def write_programme(tmp_path: Path, tiny_dir: Path) -> Callable[[str], Path]:
    """A function writing TOML text as tmp_path/programme.toml, next to good item files.

    tmp_path holds news.txt (the tiny 27-syllable text), jingle.wav (the tiny 3 s WAV),
    fake.wav (text posing as audio) and blank.txt (punctuation only).
    """
    shutil.copy(tiny_dir / "items" / "news.txt", tmp_path / "news.txt")
    shutil.copy(tiny_dir / "items" / "jingle.wav", tmp_path / "jingle.wav")
    (tmp_path / "fake.wav").write_text("this is not a sound\n", encoding="utf-8")
    (tmp_path / "blank.txt").write_text(" … -- !!\n", encoding="utf-8")

    def write(text: str) -> Path:
        path = tmp_path / "programme.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        (SENTENCE, 8),  # punctuation is not a syllable, diacritics stay in their word
        ("", 0),  # nothing to read
        (" … -- !! ?\n", 0),  # punctuation only
        ("ngày 7 tháng 12", 4),  # numbers are read aloud
        ("Đắk N'Drung", 2),  # an apostrophe joins a M'Nông name
        ("bà\tcon\n\nxã", 3),  # any whitespace separates
        ("ĐỨC AN", 2),  # capitals
    ],
)
def test_count_syllables(text: str, syllables: int) -> None:
    assert count_syllables(text) == syllables


def test_count_syllables_in_decomposed_unicode() -> None:
    assert count_syllables(unicodedata.normalize("NFD", SENTENCE)) == 8


def test_tiny_news_has_27_syllables(tiny_dir: Path) -> None:
    assert count_syllables((tiny_dir / "items" / "news.txt").read_text(encoding="utf-8")) == 27


def test_text_duration_is_syllables_at_the_reading_speed() -> None:
    assert text_duration_s(SENTENCE, reading_speed_spm=120) == pytest.approx(8 * 60 / 120)


def test_tiny_programme_items(tiny_programme: BroadcastProgramme) -> None:
    assert tiny_programme.title == "Tiny test programme"
    assert [(i.language, i.source) for i in tiny_programme.items] == [
        (None, "audio:items/jingle.wav"),
        ("vi", "text:items/news.txt"),
        ("vi", "minutes"),
        ("mnong", "minutes"),
    ]


def test_text_item_lasts_syllables_times_60_over_233(tiny_programme: BroadcastProgramme) -> None:
    assert tiny_programme.items[1].duration_s == pytest.approx(27 * 60 / 233)


def test_text_item_follows_the_reading_speed(tiny_dir: Path) -> None:
    slow = load_programme(tiny_dir / "programme.toml", reading_speed_spm=120)
    assert slow.items[1].duration_s == pytest.approx(27 * 60 / 120)


def test_audio_item_lasts_the_files_real_length(tiny_programme: BroadcastProgramme) -> None:
    assert tiny_programme.items[0].duration_s == pytest.approx(3.0, abs=0.01)


def test_minutes_item(tiny_programme: BroadcastProgramme) -> None:
    assert tiny_programme.items[2].duration_s == 300.0
    assert tiny_programme.items[3].duration_s == 180.0


def test_text_file_with_byte_order_mark(write_programme: Callable[[str], Path]) -> None:
    path = write_programme('[[items]]\ntitle = "T"\ntext = "bom.txt"\n')
    (path.parent / "bom.txt").write_text("\ufeff" + SENTENCE, encoding="utf-8")
    [item] = load_programme(path, reading_speed_spm=SPM).items
    assert item.duration_s == pytest.approx(8 * 60 / SPM)


@pytest.mark.parametrize(
    ("languages", "seconds"),
    [
        (["vi"], math.ceil(3 + 27 * 60 / 233 + 300)),  # jingle, news, vi announcements
        (["vi", "mnong"], math.ceil(3 + 27 * 60 / 233 + 300 + 180)),  # and M'Nông ones
        (["mnong"], 3 + 180),  # jingle and M'Nông only
        ([], 3),  # only the item with no language is played everywhere
    ],
)
def test_programme_s(
    tiny_programme: BroadcastProgramme, languages: list[str], seconds: int
) -> None:
    assert tiny_programme.programme_s(languages) == seconds


def test_dwell_adds_the_setup(tiny_programme: BroadcastProgramme) -> None:
    assert tiny_programme.dwell_s(["vi"], setup_s=240) == 240 + tiny_programme.programme_s(["vi"])
    assert tiny_programme.dwell_s(["vi"], setup_s=0) == 310


@pytest.mark.parametrize(
    ("durations", "seconds"),
    [
        ([1.2], 2),  # a part second is rounded up
        ([1.5, 1.5], 3),  # a whole total is not
        ([0.1] * 30, 3),  # nor a float sum a hair above a whole (3.0000000000000013)
    ],
)
def test_programme_s_rounds_up(durations: list[float], seconds: int) -> None:
    items = tuple(ProgrammeItem(title=f"i{n}", duration_s=d) for n, d in enumerate(durations))
    assert BroadcastProgramme(title="t", items=items).programme_s(["vi"]) == seconds


ITEM = '[[items]]\ntitle = "News"\n'


@pytest.mark.parametrize(
    ("toml", "where", "field"),
    [
        (ITEM + 'text = "missing.txt"\n', "item 1 (News)", "text"),  # no such text file
        (ITEM + 'audio = "missing.wav"\n', "item 1 (News)", "audio"),  # no such audio file
        (ITEM + 'audio = "fake.wav"\n', "item 1 (News)", "audio"),  # text named .wav
        (ITEM + 'audio = "news.txt"\n', "item 1 (News)", "audio"),  # a text file as audio
        (ITEM + 'audio = "."\n', "item 1 (News)", "audio"),  # a folder
        (ITEM + 'text = "blank.txt"\n', "item 1 (News)", "text"),  # no words to read
        (ITEM + 'text = ""\n', "item 1 (News)", "text"),  # empty path
        (ITEM + 'minutes = 2\ntext = "news.txt"\n', "item 1 (News)",
         "minutes/text/audio"),  # two lengths
        (ITEM, "item 1 (News)", "minutes/text/audio"),  # no length at all
        (ITEM + "minutes = 0\n", "item 1 (News)", "minutes"),  # lasts no time
        (ITEM + "minutes = -2\n", "item 1 (News)", "minutes"),  # negative length
        (ITEM + "minutes = 601\n", "item 1 (News)", "minutes"),  # over ten hours
        (ITEM + 'minutes = "5"\n', "item 1 (News)", "minutes"),  # a number in quotes
        (ITEM + "minutes = nan\n", "item 1 (News)", "minutes"),  # TOML's nan
        (ITEM + 'minutes = 2\nlanguage = "fr"\n', "item 1 (News)", "language"),  # not broadcast
        (ITEM + "minutes = 2\nvolume = 3\n", "item 1 (News)", "volume"),  # unknown key
        ('[[items]]\nminutes = 2\n', "item 1", "title"),  # no title
        ('[[items]]\ntitle = " "\nminutes = 2\n', "item 1 ( )", "title"),  # blank title
        ('title = "T"\nitems = []\n', "", "items"),  # empty list of items
        ('title = "T"\n', "", "items"),  # no items at all
        ('items = [1]\n', "item 1", ""),  # an item that is not a table
        ('author = "me"\n' + ITEM + "minutes = 2\n", "", "author"),  # unknown top-level key
        ("title = 5\n" + ITEM + "minutes = 2\n", "", "title"),  # a number as title
    ],
)  # fmt: skip
def test_bad_programme_names_the_item(
    write_programme: Callable[[str], Path], toml: str, where: str, field: str
) -> None:
    path = write_programme(toml)
    with pytest.raises(InputError) as exc:
        load_programme(path, reading_speed_spm=SPM)
    [problem] = exc.value.problems
    assert (problem.source, problem.where, problem.field) == (str(path), where, field)


def test_every_bad_item_is_reported(write_programme: Callable[[str], Path]) -> None:
    path = write_programme(
        '[[items]]\ntitle = "A"\ntext = "missing.txt"\n'
        '[[items]]\ntitle = "B"\nminutes = 2\n'
        '[[items]]\ntitle = "C"\nminutes = 0\n'
        '[[items]]\ntitle = "D"\naudio = "fake.wav"\nlanguage = "fr"\n'
    )
    with pytest.raises(InputError) as exc:
        load_programme(path, reading_speed_spm=SPM)
    assert [(p.where, p.field) for p in exc.value.problems] == [
        ("item 1 (A)", "text"),
        ("item 3 (C)", "minutes"),
        ("item 4 (D)", "language"),
        ("item 4 (D)", "audio"),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[[items]\ntitle = 'x'\n", "valid TOML"),  # unclosed array-of-tables header
        (b"title = \n", "valid TOML"),  # a key with no value
        (b"title = 'caf\xe9'\n", "UTF-8 text"),  # Latin-1, not UTF-8
    ],
)
def test_unreadable_programme_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "programme.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_programme(path, reading_speed_spm=SPM)
    [problem] = exc.value.problems
    assert problem.expected == expected


def test_missing_programme_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_programme(tmp_path / "nope.toml", reading_speed_spm=SPM)
    [problem] = exc.value.problems
    assert "existing programme file" in problem.expected


@pytest.mark.parametrize(
    ("toml", "value", "expected"),
    [
        (ITEM + 'text = "missing.txt"\n', "{dir}/missing.txt", "an existing text file"),
        (ITEM + 'audio = "missing.wav"\n', "{dir}/missing.wav", "an existing audio file"),
        (ITEM + 'audio = "fake.wav"\n', "{dir}/fake.wav", "an audio file with a length"),
        (ITEM + 'text = "blank.txt"\n', "{dir}/blank.txt", "a text with words to read"),
        (ITEM + 'text = ""\n', "", "a file path"),
        (ITEM + "minutes = 0\n", 0, "a number of minutes above 0"),
        (ITEM + "minutes = 601\n", 601, "a number of minutes above 0 and at most 600"),
        (ITEM + 'minutes = "5"\n', "5", "a number of minutes"),
        (ITEM + 'minutes = 2\nlanguage = "fr"\n', "fr", "one of"),
        (ITEM + 'minutes = 2\ntext = "news.txt"\n', ["minutes", "text"], "exactly one"),
        ("[[items]]\nminutes = 2\n", None, "a title"),
        ('title = "T"\nitems = []\n', [], "at least one [[items]]"),
        ("title = 5\n" + ITEM + "minutes = 2\n", 5, "a text title"),
    ],
)  # fmt: skip
def test_bad_programme_shows_the_files_value_and_what_was_expected(
    write_programme: Callable[[str], Path], toml: str, value: object, expected: str
) -> None:
    """The one line a user reads: the value the file holds, then what would be right."""
    path = write_programme(toml)
    with pytest.raises(InputError) as exc:
        load_programme(path, reading_speed_spm=SPM)
    [problem] = exc.value.problems
    if isinstance(value, str):
        value = value.format(dir=path.parent)
    assert problem.value == value
    assert problem.expected.startswith(expected)
    line = str(problem)
    assert "\n" not in line and line.startswith(str(path))
    assert f"field '{problem.field}'" in line and expected in line
    if value not in (None, ""):
        assert str(value) in line


def _whole_file_problem(path: Path) -> Problem:
    with pytest.raises(InputError) as exc:
        load_programme(path, reading_speed_spm=SPM)
    [problem] = exc.value.problems
    assert problem.source == str(path) and problem.field == ""
    return problem


def test_a_programme_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    """The whole-file problems: where in the file, what it holds, what was expected."""
    missing = _whole_file_problem(tmp_path / "nope.toml")
    assert (missing.where, missing.value) == ("", str(tmp_path / "nope.toml"))
    assert missing.expected == "an existing programme file"

    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"title = 'caf\xe9'\n")
    bad = _whole_file_problem(latin)
    assert (bad.where, bad.value, bad.expected) == ("byte 12", "not UTF-8", "UTF-8 text")

    broken = tmp_path / "broken.toml"
    broken.write_bytes(b"title = \n")
    bad = _whole_file_problem(broken)
    assert bad.where == "" and "line 1" in str(bad.value) and bad.expected == "valid TOML"

    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    bad = _whole_file_problem(deep)
    assert (bad.where, bad.value, bad.expected) == ("", "nested too deeply", "valid TOML")

    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    bad = _whole_file_problem(folder)
    assert (bad.where, bad.value, bad.expected) == ("", os.strerror(errno.EISDIR),
                                                    "a readable programme file")  # fmt: skip
