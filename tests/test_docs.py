"""The settings cite the repository's own documents, and those documents exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITING = (ROOT / "data" / "settings.toml",
          *sorted((ROOT / "src" / "outreach_planner" / "settings").glob("*.py")))  # fmt: skip


def test_settings_cite_documents_that_are_in_the_repository():
    cited = set()
    for path in CITING:
        text = path.read_text(encoding="utf-8")
        assert "DOMAIN.md" not in text, f"{path.name} cites a file outside the repository"
        cited |= set(re.findall(r"docs/[\w.-]+\.md", text))
    assert "docs/domain.md" in cited
    for doc in cited:
        assert (ROOT / doc).is_file(), doc


def test_domain_doc_gives_a_source_or_an_estimate_for_each_default():
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    for key in ("working_hours", "reading_speed_spm", "setup_min", "audible_radius_m",
                "speed_kmh", "detour_factor", "min_days_between_visits"):  # fmt: skip
        (row,) = [line for line in text.splitlines() if line.startswith(f"| `{key}`")]
        source = row.rstrip(" |").rsplit("|", 1)[1].strip()
        assert source != "—" or "(E)" in row or "choice" in row, key
