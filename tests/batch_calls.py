"""Short synthesised calls for the batch and HTML report tests (built once per session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import soundfile as sf

from analyzer.audio import resample

# (agent folder, turns): one apology each, delivered rushed, plain or flat; ~10-14 s a call.
CALLS = [
    ("agent_ann", [("Thank you for calling, my name is Ann. How can I help you today?", {}),
                   ("Let me look at your account for a moment.", {}),
                   ("I am so sorry about the double charge on your card.", {"is_apology": True, "speed": 1.5}),
                   ("I will refund it right now.", {})]),
    ("agent_bob", [("Good morning, this is Bob speaking, how can I help?", {}),
                   ("I can see the order was sent to the wrong address.", {}),
                   ("I apologize for the trouble this has caused you.", {"is_apology": True}),
                   ("I will send a new one today by express post.", {})]),
    ("agent_ann", [("Hello again, Ann here. What can I do for you?", {}),
                   ("I see that the delivery was late by two days.", {}),
                   ("I am sorry the parcel arrived so late.", {"is_apology": True, "excursion_scale": 0.25}),
                   ("I will credit your shipping fee today.", {})]),
]


def build_calls(folder: Path) -> list[Path]:
    """Write the CALLS as FLAC under ``folder/<agent>/call_<i>.flac``; returns the paths."""
    from benchmarks.synthesis import Turn, build_call

    paths = []
    for i, (agent, turns) in enumerate(CALLS):
        audio, sr, _ = build_call([Turn(text, **kw) for text, kw in turns], seed=i, vocode_all=False)
        path = folder / agent / f"call_{i}.flac"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, audio, sr)
        paths.append(path)
    return paths


def add_bad_files(folder: Path, sample_flac: Path) -> dict[str, str]:
    """Corrupt, truncated, empty, too-low-rate, silent and non-audio files, a folder named
    like a WAV; returns {file name: what its line must say} for the failing ones."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x07" * 200)
    (folder / "truncated.flac").write_bytes(sample_flac.read_bytes()[:20_000])
    (folder / "empty.wav").write_bytes(b"")
    y, sr = sf.read(sample_flac, dtype="float32")
    sf.write(folder / "low_rate.wav", resample(y[: sr * 3], sr, 6000), 6000)
    sf.write(folder / "silent.wav", np.zeros(16000 * 3, np.float32), 16000)
    (folder / "notes.txt").write_text("not audio")
    (folder / "folder.wav").mkdir()
    return {
        "corrupt.wav": "not a readable audio file",
        "truncated.flac": "truncated or corrupt audio",
        "empty.wav": "file is empty",
        "low_rate.wav": "too low for speech analysis",
    }


def copy_calls(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst
