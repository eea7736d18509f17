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


# The settings file of a district folder, read when a command runs inside it.
LOCAL_SETTINGS = Path("settings.toml")


def local_settings(explicit: Path | None) -> Path | None:
    """The settings file a command reads: the one named, else ./settings.toml when there."""
    if explicit is not None:
        return explicit
    return LOCAL_SETTINGS if LOCAL_SETTINGS.is_file() else None
