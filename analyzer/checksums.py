"""sha256 of files: a call's content key (batches) and the shipped models' check on load.

Every model file the analyzer ships is verified before use, so a corrupt or swapped file
fails with a message instead of giving other flags; a user's own model (a path they pass)
is theirs and is not checked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file's bytes (read in 1 MiB blocks).  Raises OSError."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str, what: str, error: type[Exception] = RuntimeError) -> None:
    """Raise ``error`` unless ``path`` hashes to ``expected`` (``what``: the model's name)."""
    digest = file_sha256(path)
    if digest != expected:
        raise error(f"{path}: sha256 {digest[:12]}... is not the shipped {what}'s (expected {expected[:12]}...)")
