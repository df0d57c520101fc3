"""``--jsonl OUT``: every event as one JSON line, flushed per line."""

from __future__ import annotations

import json
from pathlib import Path

from ..events import event_to_dict


class JsonlWriter:
    """One JSON line per event, flushed per line (``--jsonl OUT``)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "w", encoding="utf-8")

    def __call__(self, event) -> None:
        self.write(event_to_dict(event))

    def write(self, record: dict) -> None:
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()
