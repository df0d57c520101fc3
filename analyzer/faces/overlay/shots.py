"""Headless capture: a PNG of the overlay at each state change and at each cue, and an
index (``shots.jsonl``: file, reason, state, cue kind and text, audio time) for demos and
checks.  ``QWidget.grab`` renders the window itself, so it works offscreen too."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject


class ScreenshotWriter(QObject):
    def __init__(self, window, directory: Path):
        super().__init__(window)
        self.window = window
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.index = self.directory / "shots.jsonl"
        self.index.write_text("")
        self.count = 0
        window.state_changed.connect(lambda state: self.shoot(state))
        window.cue_changed.connect(lambda kind, text: self.shoot(f"cue-{kind}", kind, text) if text else None)

    def shoot(self, reason: str, kind: str = "", text: str = "") -> Path:
        window = self.window
        window.layout().activate()
        window.adjustSize()
        path = self.directory / f"{self.count:02d}-{reason}.png"
        self.count += 1
        window.grab().save(str(path))
        record = {"file": path.name, "reason": reason, "state": window.state, "cue_kind": kind, "cue": text, "audio_s": round(window.audio_s, 2)}
        with open(self.index, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return path
