"""Where the built-in Đắk Song data is, in a wheel or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """The folder of the built-in data (villages, communes, programme, settings)."""
    packaged = Path(str(resources.files("outreach_planner"))) / "_builtin_data"
    if packaged.is_dir():
        return packaged
    # An editable install or a bare checkout: the repository's own data/ folder.
    return Path(__file__).resolve().parents[2] / "data"


def default_settings_path() -> Path:
    return data_dir() / "settings.toml"
