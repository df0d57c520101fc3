"""Peers run side by side with the analyzer on the same audio, in the same run.

- ``PlainWhisper``: faster-whisper alone, whole file, word timestamps, same model, compute
  type and beam size: the floor any pipeline built on it pays.  analyzer total RTF / this
  RTF, paired repeat by repeat, is the analyzer's overhead over ASR alone.
- ``GillickAnchor``: the published laughter detector of Gillick et al. 2021 (ONNX export in
  ../shared/anchors, not shipped), run by the recipe in ../shared/anchors/README.md, scored
  against our detector on the same clips with compute seconds per audio second.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import numpy as np

from ..audio import load_audio
from .speed import spread

SHARED = Path(__file__).resolve().parents[3] / "shared"  # beside the checkout, when present
ANCHOR_NAME = "laughter_gillick2021_switchboard.onnx"


def plain_whisper_seconds(transcriber, samples: np.ndarray) -> tuple[float, int]:
    """(seconds, words) for one plain faster-whisper pass over ``samples`` (16 kHz)."""
    tic = time.perf_counter()
    segments, _info = transcriber.model.transcribe(samples, language=transcriber.options.language,
                                                   beam_size=transcriber.options.beam_size, word_timestamps=True)
    words = sum(len(s.words or ()) for s in segments)  # the generator does the work
    return time.perf_counter() - tic, words


class PlainWhisper:
    """The ASR-alone peer over ``calls``, decoded once; each ``run()`` is one timed pass
    (decode time counted once per pass, as the analyzer's decode stage is)."""

    setup = "faster-whisper transcribe(word_timestamps=True), whole file, same model, compute type and beam"

    def __init__(self, transcriber, calls):
        self.transcriber = transcriber
        self.names = [c.path.name for c in calls]
        self.decode_s = 0.0
        self.decoded = []
        for call in calls:
            tic = time.perf_counter()
            self.decoded.append(load_audio(call.path, call.channel).samples)
            self.decode_s += time.perf_counter() - tic
        self.audio_s = sum(len(x) for x in self.decoded) / 16000
        self.words = 0
        self.runs: list[float] = []

    def run(self) -> float:
        """One pass over every call; returns and keeps its RTF."""
        total, self.words = self.decode_s, 0
        for samples in self.decoded:
            seconds, n = plain_whisper_seconds(self.transcriber, samples)
            total += seconds
            self.words += n
        self.runs.append(total / self.audio_s)
        return self.runs[-1]

    def block(self) -> dict:
        return {"files": len(self.decoded), "audio_s": round(self.audio_s, 1), "repeats": len(self.runs),
                "words": self.words, "rtf": spread(self.runs), "setup": self.setup}


class GillickAnchor:
    """The laughter peer, run from its ONNX export by its published recipe.  ``stride``
    scores every n-th 1.27 s window (8: every 0.19 s); the Butterworth cut-off is scaled so
    the smoothing keeps the recipe's cut-off in Hz; stride 1 is the exact recipe."""

    sr = 8000
    hop = 186
    n_fft = 2048
    frames = 44

    def __init__(self, path: Path, stride: int = 8):
        import librosa
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])
        self.mel = librosa.filters.mel(sr=self.sr, n_fft=self.n_fft, n_mels=128, fmin=0.0, fmax=4000.0)
        self.stride = max(1, int(stride))

    def probabilities(self, audio16: np.ndarray):
        """(window centre times s, laughter probability) for 16 kHz audio."""
        import librosa
        import soxr

        y = soxr.resample(audio16.astype(np.float64), 16000, self.sr).astype(np.float32)
        if len(y) < self.n_fft // 2 + 1:
            y = np.pad(y, (0, self.n_fft // 2 + 1 - len(y)))
        S = np.abs(librosa.stft(y, n_fft=self.n_fft, hop_length=self.hop, win_length=self.n_fft,
                                window="hann", center=True, pad_mode="reflect")) ** 2
        db = 20.0 * np.log10(np.maximum(self.mel @ S, 1e-5))
        db = np.maximum(db - db.max(), -80.0).T.astype(np.float32)  # (frames, 128)
        n = len(db)
        if n < self.frames:
            db = np.pad(db, ((0, self.frames - n), (0, 0)), constant_values=-80.0)
            n = self.frames
        starts = np.arange(0, n - self.frames + 1, self.stride)
        batch = np.stack([db[i : i + self.frames] for i in starts])[:, None]
        probs = [self.sess.run(None, {"melspec_db": batch[k : k + 32]})[0][:, 0] for k in range(0, len(batch), 32)]
        return (starts + 22) * self.hop / self.sr, np.concatenate(probs)

    def segments(self, audio16: np.ndarray) -> list[tuple[float, float, float]]:
        """(start s, end s, peak probability) of laughter: smoothed, > 0.5, longer than 0.2 s."""
        from scipy.signal import butter, filtfilt

        t, p = self.probabilities(audio16)
        b, a = butter(2, min(0.99, 0.01 * self.stride), btype="low")
        if len(p) > 3 * max(len(a), len(b)):
            p = filtfilt(b, a, p)
        above = p > 0.5
        segs, i = [], 0
        step = self.stride * self.hop / self.sr
        while i < len(p):
            if not above[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(p) and above[j + 1]:
                j += 1
            start, end = t[i] - step / 2, t[j] + step / 2
            if end - start > 0.2:
                segs.append((float(start), float(end), float(p[i : j + 1].max())))
            i = j + 1
        return segs


def find_anchor(shared: Optional[Path] = None) -> Optional[Path]:
    path = (shared or SHARED) / "anchors" / ANCHOR_NAME
    return path if path.exists() else None


def shared_clips(shared: Optional[Path] = None, distractors_per_kind: int = 0) -> list[tuple[str, np.ndarray]]:
    """(kind, 16 kHz samples) of the real laughs in ../shared/data/nonverbal/laughing and the
    first ``distractors_per_kind`` clips of every other nonverbal kind (coughs, sighs...)."""
    root = (shared or SHARED) / "data" / "nonverbal"
    if not (root / "laughing").is_dir():
        return []
    clips = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        take = None if folder.name == "laughing" else distractors_per_kind
        files = sorted(f for f in folder.iterdir() if f.suffix in (".wav", ".flac"))[:take]
        clips += [(folder.name, load_audio(f).samples) for f in files]
    return clips


def _run_detector(segments_of, clips: list[tuple[str, np.ndarray]], speech: list[np.ndarray]) -> dict:
    """Clip-level firing and false segments on speech for one detector; CPU s per audio s."""
    cpu, audio_s = 0.0, 0.0
    fired: dict[str, list[int]] = {}
    for kind, samples in clips:
        tic = time.process_time()
        n = len(segments_of(samples))
        cpu += time.process_time() - tic
        audio_s += len(samples) / 16000
        fired.setdefault(kind, []).append(int(n > 0))
    speech_segments, speech_s = 0, 0.0
    for samples in speech:
        tic = time.process_time()
        speech_segments += len(segments_of(samples))
        cpu += time.process_time() - tic
        speech_s += len(samples) / 16000
        audio_s += len(samples) / 16000
    laughs = fired.get("laughing", [])
    others = [v for k, vs in fired.items() if k != "laughing" for v in vs]
    return {
        "laugh_recall": round(float(np.mean(laughs)), 3) if laughs else None,
        "laugh_clips": len(laughs),
        "distractor_fire_rate": round(float(np.mean(others)), 3) if others else None,
        "distractor_clips": len(others),
        "false_segments_per_speech_min": round(speech_segments / (speech_s / 60), 3) if speech_s else None,
        "speech_minutes": round(speech_s / 60, 2),
        "compute_s_per_audio_s": round(cpu / audio_s, 4) if audio_s else None,
    }


def measure_laughter_peer(detector, anchor: GillickAnchor, clips, speech: list[np.ndarray]) -> dict:
    """Ours (the shipped model) and the peer on the same clips, one after the other."""
    ours = _run_detector(detector.segments, clips, speech)
    peer = _run_detector(anchor.segments, clips, speech)
    return {
        "ours": ours,
        "peer": peer,
        "peer_name": "Gillick et al. 2021 (Switchboard resnet, ONNX)",
        "peer_stride": anchor.stride,
        "ratio_compute_peer_over_ours": round(peer["compute_s_per_audio_s"] / ours["compute_s_per_audio_s"], 1)
        if ours["compute_s_per_audio_s"] else None,
        "note": "the shipped laughter model was trained on these ../shared clips (in-sample for ours; held-out "
                "figures: benchmarks/bench_laughter.py); the speech minutes are the bench set's synthetic calls, "
                "which neither model saw",
    }
