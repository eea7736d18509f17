"""What an id of a village or stop may hold.

Ids travel into calendar UIDs, file contents, URLs of the planning page and the
stop list a planner edits: a control character (a tab, a line break, a bell)
there is a typing or export accident that would corrupt them, so it is refused
where the id enters, with the other problems of its file.
"""

from __future__ import annotations

import unicodedata

MAX_ID_LENGTH = 100


def id_problem(text: str) -> str | None:
    """What `text` would need to be a usable id, or None when it is one."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return "an id without control characters (tabs, line breaks)"
    if len(text) > MAX_ID_LENGTH:
        return f"an id of at most {MAX_ID_LENGTH} characters"
    return None
