"""Audio sources: decode a recording, pick the agent's channel, resample once to 16 kHz.

Everything downstream sees mono float32 at ``SAMPLE_RATE`` (16 kHz), delivered in blocks,
so a file and a microphone feed the same pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

import numpy as np

SAMPLE_RATE = 16_000
SUPPORTED_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aiff", ".aif")
MIN_SOURCE_RATE = 8000  # Hz: telephony; below it the speech band (300-3400 Hz) is cut


class AudioError(Exception):
    """A user-facing problem with an input recording (message is one line)."""


@dataclass(frozen=True)
class DecodedAudio:
    """A recording reduced to the analysed channel.

    samples: float32, shape (n,), 16 kHz, range about [-1, 1].
    source_rate: the file's own sample rate, Hz.
    source_channels: channel count of the file.
    channel: which channel was analysed ("mono", "left", "right", "mix", or an index).
    """

    samples: np.ndarray
    source_rate: int
    source_channels: int
    channel: str

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _read_soundfile(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data, int(rate)


def _read_pyav(path: Path) -> tuple[np.ndarray, int]:
    """Decode compressed formats (mp3, m4a, ogg...) with PyAV, keeping all channels."""
    import av

    try:
        container = av.open(str(path))
    except Exception as exc:  # av raises many error types for unreadable input
        raise AudioError(f"{path}: not a readable audio file ({exc.__class__.__name__})") from None
    with container:
        streams = container.streams.audio
        if not streams:
            raise AudioError(f"{path}: no audio stream in file")
        stream = streams[0]
        rate = stream.rate or stream.codec_context.sample_rate
        chunks = []
        try:
            for frame in container.decode(stream):
                chunks.append(_frame_array(frame))
        except Exception as exc:  # a cut-off or damaged stream: say so, analyse nothing half-read
            raise AudioError(f"{path}: truncated or corrupt audio, decoding failed ({exc.__class__.__name__})") from None
    if not chunks:
        return np.zeros((0, 1), np.float32), int(rate)
    return np.concatenate(chunks, axis=0), int(rate)


def _frame_array(frame) -> np.ndarray:
    """A PyAV audio frame as float32 (samples, channels)."""
    array = frame.to_ndarray()
    if array.dtype.kind == "i":
        array = array.astype(np.float32) / float(np.iinfo(array.dtype).max)
    array = array.astype(np.float32)
    return array.T if frame.format.is_planar else array.reshape(-1, len(frame.layout.channels))


def select_channel(data: np.ndarray, channel: Union[str, int]) -> tuple[np.ndarray, str]:
    """Reduce (n, channels) to (n,) by ``channel``: "left", "right", "mix", "auto" or an index.

    "auto" keeps mono as is and mixes stereo down.
    """
    n_channels = data.shape[1]
    name = str(channel).lower()
    if name in ("auto", "mix"):
        if n_channels == 1:
            return data[:, 0], "mono"
        return data.mean(axis=1), "mix"
    index = {"left": 0, "right": 1}.get(name)
    if index is None:
        try:
            index = int(name)
        except ValueError:
            raise AudioError(f"unknown channel {channel!r}: use left, right, mix or an index") from None
    if not 0 <= index < n_channels:
        raise AudioError(
            f"channel {channel!r} does not exist: the file has {n_channels} channel(s)"
        )
    return data[:, index], name if name in ("left", "right") else str(index)


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Resample mono float32 audio from ``rate`` to ``target`` Hz (soxr, high quality)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    import soxr

    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32)


def load_audio(path: Union[str, Path], channel: Union[str, int] = "auto") -> DecodedAudio:
    """Decode ``path`` (wav incl. mu-law/A-law, flac, mp3, ogg, m4a...) to 16 kHz mono.

    Raises AudioError with a one-line message for missing, unreadable or unsupported files
    and for a channel that does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a directory, not an audio file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:  # permissions, a path through a file, I/O errors
        raise AudioError(f"{path}: cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    if size == 0:
        raise AudioError(f"{path}: file is empty")
    try:
        data, rate = _read_soundfile(path)
    except AudioError:
        raise
    except Exception:
        data, rate = _read_pyav(path)
    if data.ndim != 2 or data.shape[1] == 0:
        raise AudioError(f"{path}: no audio channels")
    if rate < MIN_SOURCE_RATE:
        raise AudioError(f"{path}: sample rate {rate} Hz is too low for speech analysis (need >= {MIN_SOURCE_RATE} Hz)")
    try:
        mono, channel_name = select_channel(data, channel)
    except AudioError as exc:
        raise AudioError(f"{path}: {exc}") from None
    return DecodedAudio(resample(np.ascontiguousarray(mono), rate), rate, data.shape[1], channel_name)


def iter_blocks(samples: np.ndarray, block_s: float = 0.5) -> Iterator[np.ndarray]:
    """Yield consecutive blocks of ``block_s`` seconds (last one shorter) of 16 kHz audio."""
    step = max(1, int(round(block_s * SAMPLE_RATE)))
    for start in range(0, len(samples), step):
        yield samples[start : start + step]


def is_audio_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES


def frame_levels_db(audio: np.ndarray, frame: int) -> np.ndarray:
    """RMS level (dBFS) of consecutive ``frame``-sample frames; the last frame may be short
    and is averaged over its own samples.  audio: float (n,).  Returns float64
    (ceil(n / frame),); digital silence reads -120 dB."""
    n = len(audio)
    if n == 0:
        return np.zeros(0)
    m = -(-n // frame)
    x = np.zeros(m * frame, dtype=np.float64)
    x[:n] = audio
    counts = np.full(m, float(frame))
    counts[-1] = n - (m - 1) * frame
    return 10.0 * np.log10((x.reshape(m, frame) ** 2).sum(axis=1) / counts + 1e-12)


def encode_ogg_opus(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """``samples`` (float32 mono (n,), ``rate`` Hz) as an Ogg/Opus file in memory
    (libsndfile via soundfile; about 24-32 kbit/s for speech at compression level 0.9)."""
    import io

    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="OGG", subtype="OPUS", compression_level=0.9)
    return buffer.getvalue()
