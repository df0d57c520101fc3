"""Headless capture: a PNG of the overlay at each state change and at each cue, and an
index (``shots.jsonl``: file, reason, state, cue kind and text, audio time) for demos and
checks.  ``QWidget.grab`` renders the window itself, so it works offscreen too.  The grab is
taken on the GUI thread (a few ms); PNG encoding and the index run on a writer thread so
the event loop does not wait for the disk."""

from __future__ import annotations

import json
import queue
import threading
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
        self._todo: queue.Queue = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="sincerity-overlay-shots", daemon=True)
        self._writer.start()
        window.state_changed.connect(lambda state: self.shoot(state))
        window.cue_changed.connect(lambda kind, text: self.shoot(f"cue-{kind}", kind, text) if text else None)

    def shoot(self, reason: str, kind: str = "", text: str = "") -> Path:
        window = self.window
        window.refresh()  # the history is refreshed once per event burst: bring it up to date
        window.layout().activate()
        window.adjustSize()
        path = self.directory / f"{self.count:02d}-{reason}.png"
        self.count += 1
        image = window.grab().toImage()  # QImage: safe to encode on another thread
        record = {"file": path.name, "reason": reason, "state": window.state, "cue_kind": kind, "cue": text, "audio_s": round(window.audio_s, 2)}
        self._todo.put((image, path, record))
        return path

    def _write(self) -> None:
        while True:
            item = self._todo.get()
            if item is None:
                return
            image, path, record = item
            image.save(str(path))
            with open(self.index, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            self._todo.task_done()

    def close(self) -> None:
        """Wait until every shot is on disk."""
        self._todo.put(None)
        self._writer.join(30)
