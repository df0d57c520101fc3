"""The overlay's remembered choices (position, size, font, opacity, click-through, cues,
microphone): a small JSON file in the user's config folder (no Qt needed).

    Linux:   $XDG_CONFIG_HOME/sincerity/overlay.json (default ~/.config/...)
    macOS:   ~/Library/Application Support/sincerity/overlay.json
    Windows: %APPDATA%\\sincerity\\overlay.json
``SINCERITY_OVERLAY_SETTINGS=FILE`` overrides the path (tests, several profiles).
A missing or broken file gives the defaults; it is never an error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

from .cues import CUE_GROUPS

DEFAULTS = {
    "x": None,  # window position, px (None: the right edge of the primary screen)
    "y": None,
    "width": 380,  # px
    "font_pt": 11,
    "opacity": 0.92,  # 0.3-1.0
    "click_through": False,
    "groups": list(CUE_GROUPS),
    "device": None,  # microphone name or index (None: the system default)
    "history_open": False,
}


def settings_path() -> Path:
    override = os.environ.get("SINCERITY_OVERLAY_SETTINGS")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "sincerity" / "overlay.json"


def load_settings(path: Optional[Path] = None) -> dict:
    """The saved choices merged over DEFAULTS (unknown keys and wrong types ignored)."""
    values = dict(DEFAULTS)
    try:
        saved = json.loads((path or settings_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return values
    if isinstance(saved, dict):
        for key, default in DEFAULTS.items():
            value = saved.get(key, default)
            if default is None or value is None or isinstance(value, type(default)) or (isinstance(default, float) and isinstance(value, int)):
                values[key] = value
    values["opacity"] = min(1.0, max(0.3, float(values["opacity"])))
    values["font_pt"] = min(24, max(8, int(values["font_pt"])))
    return values


def save_settings(values: dict, path: Optional[Path] = None) -> None:
    """Write the choices (best effort: a read-only home must not break the overlay)."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: values.get(k, v) for k, v in DEFAULTS.items()}, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
