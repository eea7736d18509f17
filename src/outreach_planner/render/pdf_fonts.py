"""The PDFs' typeface, DejaVu Sans from matplotlib's own data folder, read once per process;
and lines of text counted without laying them out. Both keep the PDFs' bytes as fpdf2's own
`add_font` and `multi_cell` would make them (tests/test_render_shortcuts.py).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path
from typing import cast

import matplotlib
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT = "DejaVu"
_SURE_MM = 0.5  # a line this close to its cell's width is measured the long way


def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, from matplotlib's own data folder."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


# Each face as fpdf2 reads it from its file, before any document uses it: see `add_font`.
_READ: dict[tuple[Path, str], TTFFont] = {}


def add_font(pdf: FPDF, style: str, path: Path) -> None:
    """`pdf.add_font(FONT, style, path)`, reading the file once per process.

    Reading a face takes about as long as laying out a short document. A document changes
    its font as it goes (the glyphs it used, the font program cut to them when written), so
    each gets its own copy of the first reading: the same measures and tables, a fresh
    record of glyphs, and its own unread font program, which fpdf2 reads when it cuts it.
    """
    read = _READ.get((path, style))
    if read is None:
        pdf.add_font(FONT, style, str(path))
        font = pdf.fonts[f"{FONT.lower()}{style}"]
        if isinstance(font, TTFFont) and font.color_font is None:  # a colour font holds `pdf`
            read = _READ[(path, style)] = _fresh_copy(font, font.i)
            read.ttfont.close()  # never read: each copy opens its own
        return
    pdf.fonts[read.fontkey] = _fresh_copy(read, len(pdf.fonts) + 1)


def read_fonts() -> None:
    """Read the faces now: processes forked afterwards inherit the reading."""
    pdf = FPDF()
    for style, path in zip(("", "B"), font_files(), strict=True):
        add_font(pdf, style, path)
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()


def _fresh_copy(read: TTFFont, number: int) -> TTFFont:
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(read, slot):  # fpdf2 leaves some unset
            setattr(font, slot, getattr(read, slot))
    font.i = number
    font.ttfont = ttLib.TTFont(read.ttffile, recalcTimestamp=False, lazy=True,
                               fontNumber=read.collection_font_number)  # fmt: skip
    font.desc = copy.copy(read.desc)  # named and numbered when the document is written
    widths = cast(defaultdict[int, float], read.cw)  # the width of a missing glyph by default
    font.cw = defaultdict(widths.default_factory, widths)
    font.glyph_ids = dict(read.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    font._hbfont = None
    return font


def unbroken_lines(pdf: FPDF, width: float, text: str) -> int | None:
    """The lines `text` takes in a `width` mm cell when each of its lines fits unbroken, at a
    twentieth of the cost of `multi_cell` counting them; None when one may not. Exactly its
    count for a text without newlines; never fewer (empty lines) with them.

    Counting lays the text out, which numbers each new glyph of the embedded font in order
    of first use: call `use_glyphs` when relying on this count, so the PDF's bytes stay the
    same as when `multi_cell` counts.
    """
    paragraphs = text.split("\n")
    room = width - 2 * pdf.c_margin - _SURE_MM  # multi_cell keeps c_margin clear on each side
    if any(pdf.get_string_width(p) > room for p in paragraphs):
        return None
    return len(paragraphs)


def use_glyphs(pdf: FPDF, text: str) -> None:
    """Number the glyphs of `text` in the embedded font as laying it out would."""
    font = pdf.current_font
    if isinstance(font, TTFFont):
        for char in text.replace("\n", ""):
            font.subset.pick(ord(char))
