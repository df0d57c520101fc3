"""Laughter detection: the project's own small model (``models/laughter.onnx``).

Audio (16 kHz mono float32; 8 kHz telephone audio upsampled to 16 kHz works too) is cut
into fixed chunks of 4 s on a grid counted from the start of the stream; each chunk goes
through the encoder of Whisper ``tiny.en`` (the embedded model the transcriber uses, int8
on the CPU, one thread): 80 log-mel bands every 10 ms -> one 384-value state every 20 ms.
A 1.0 s window every 0.1 s (50 states, hop 5) is summarised by the mean and the standard
deviation of its states (768 values) -> logistic regression (ONNX) -> laughter probability
per window -> 5-window mean -> runs above the threshold lasting >= 0.7 s whose peak
reaches ``min_peak`` -> segments ``{start, end, probability}``.

Why the Whisper encoder: it was trained on 680 k hours of varied audio (laughter
included) and generalises across voices where features learnt from our 16 laughs did not
(cross-validated recall 12/16 -> see models/README.md).  Chunks are encoded alone, so the
file path (``LaughterDetector.segments``) and the stream path (``LaughterTracker``) give
the same segments whatever the block size.  Parameters live in ``models/laughter.json``;
the encoder features in ``analyzer.encoder_features``.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Optional

import numpy as np

from analyzer.checksums import verify_sha256
from analyzer.encoder_features import SR, EncoderFeatures, _pad_short
from analyzer.events import LaughterSegment

DEFAULT_POST = {
    "threshold": 0.5,  # smoothed probability that opens/extends a segment
    "min_peak": 0.7,  # a segment is kept only if its smoothed peak reaches this
    "smooth_windows": 5,
    "min_duration_s": 0.7,
    "merge_gap_s": 0.3,
    "gate_dbfs": -55.0,  # windows whose 95th-percentile 10 ms level is below this score 0
}


# models/laughter.onnx as trained (models/train_laughter.py; models/README.md).
LAUGHTER_SHA256 = "fb989fc53666651aecd9f0bd5b34df9687bdfa8f9cd2fa1097a9e5a75ad3fc9f"


def _model_dir() -> Path:
    import sincerity_models

    return Path(sincerity_models.MODELS_DIR)


class _SegmentState:
    """Smoothed-probability -> segments state machine, shared by file and stream paths."""

    def __init__(self, post: dict, hop_s: float):
        self.thr = float(post["threshold"])
        self.k = max(1, int(post["smooth_windows"]))
        self.min_dur = float(post["min_duration_s"])
        self.min_peak = float(post.get("min_peak", 0.0))
        self.gap = float(post["merge_gap_s"])
        self.hop_s = hop_s
        self.hist: deque = deque(maxlen=self.k)
        self.n_seen = 0
        self.open: Optional[list] = None  # [start, end, peak]
        self.pending: Optional[list] = None  # closed run waiting for a possible merge

    def push(self, t: float, p: float, now_s: float) -> list[LaughterSegment]:
        """Raw probability ``p`` of the window centred at ``t`` -> closed segments.
        The smoothed value of window c is the mean of raw windows c-h..c+h (h = k // 2)
        that exist, so it is known h windows later."""
        self.hist.append((t, p))
        self.n_seen += 1
        h = self.k // 2
        c = self.n_seen - 1 - h  # window index now computable
        if c < 0:
            return []
        items = list(self.hist)
        # hist holds windows n_seen-len .. n_seen-1
        base = self.n_seen - len(items)
        lo = max(c - h, base)
        vals = [items[i - base][1] for i in range(lo, c + h + 1)]
        return self._step(items[c - base][0], float(np.mean(vals)), now_s)

    def _step(self, t: float, ps: float, now_s: float) -> list[LaughterSegment]:
        out: list[LaughterSegment] = []
        half = self.hop_s / 2.0
        if ps >= self.thr:
            if self.open is None:
                if self.pending is not None and (t - half) - self.pending[1] <= self.gap:
                    self.open = self.pending
                    self.pending = None
                else:
                    self.open = [t - half, t + half, ps]
            self.open[1] = t + half
            self.open[2] = max(self.open[2], ps)
        else:
            if self.open is not None:
                if self.pending is not None:
                    out += self._emit(self.pending, now_s)
                self.pending = self.open
                self.open = None
        if self.pending is not None and self.open is None and (t + half) - self.pending[1] > self.gap:
            out += self._emit(self.pending, now_s)
            self.pending = None
        return out

    def _emit(self, seg: list, now_s: float) -> list[LaughterSegment]:
        if seg[1] - seg[0] < self.min_dur - 1e-9 or seg[2] < self.min_peak:
            return []
        return [LaughterSegment(start=round(seg[0], 4), end=round(seg[1], 4), probability=round(seg[2], 4), emitted_at_s=now_s)]

    def flush(self, now_s: float) -> list[LaughterSegment]:
        out: list[LaughterSegment] = []
        h = self.k // 2
        items = list(self.hist)
        base = self.n_seen - len(items)
        for c in range(max(0, self.n_seen - h), self.n_seen):
            lo = max(c - h, base)
            vals = [items[i - base][1] for i in range(lo, self.n_seen)]
            out += self._step(items[c - base][0], float(np.mean(vals)), now_s)
        if self.open is not None:
            if self.pending is not None:
                out += self._emit(self.pending, now_s)
                self.pending = None
            out += self._emit(self.open, now_s)
            self.open = None
        if self.pending is not None:
            out += self._emit(self.pending, now_s)
            self.pending = None
        self.hist.clear()
        self.n_seen = 0
        return out


class LaughterDetector:
    """Loads ``laughter.onnx`` (+ ``laughter.json``) and the Whisper encoder once;
    1 intra-op thread each."""

    def __init__(self, model_path: Optional[str | Path] = None, threshold: Optional[float] = None):
        import onnxruntime as ort

        path = Path(model_path) if model_path is not None else _model_dir() / "laughter.onnx"
        if model_path is None:  # the shipped model; a user's own is theirs
            verify_sha256(path, LAUGHTER_SHA256, "laughter model")
        meta_path = path.with_suffix(".json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        self.meta = meta
        self.fx = EncoderFeatures(meta.get("features"))
        post = dict(DEFAULT_POST)
        post.update(meta.get("postprocess", {}))
        if threshold is not None:
            post["threshold"] = float(threshold)
        self.post = post
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])
        model_input = self.session.get_inputs()[0]
        self.input_name = model_input.name
        if isinstance(model_input.shape[-1], int) and model_input.shape[-1] != self.fx.n_dims:
            raise ValueError(f"{path.name} expects {model_input.shape[-1]} features per window, the encoder gives {self.fx.n_dims} (train it on this encoder)")
        outs = self.session.get_outputs()
        self.prob_output = outs[-1].name if len(outs) > 1 else outs[0].name

    @property
    def threshold(self) -> float:
        return float(self.post["threshold"])

    @property
    def latency_s(self) -> float:
        """Longest time from the end of a laugh to its segment being emitted by the
        tracker: one chunk, half a window, the smoothing, the merge gap and a hop."""
        hop = self.fx.window_hop_s
        return self.fx.chunk / SR + self.fx.window_samples / SR / 2 + (int(self.post["smooth_windows"]) // 2 + 1) * hop + float(self.post["merge_gap_s"])

    def score(self, features: np.ndarray, levels_db: np.ndarray) -> np.ndarray:
        """Laughter probability per window.  features (n, 768) float32, levels_db (n,)."""
        if len(features) == 0:
            return np.zeros(0, dtype=np.float32)
        out = np.asarray(self.session.run([self.prob_output], {self.input_name: features})[0])
        prob = (out[:, -1] if out.ndim == 2 else out).astype(np.float32)
        prob[levels_db < float(self.post["gate_dbfs"])] = 0.0
        return prob

    def frame_probabilities(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(window centre times s, laughter probability) every 0.1 s for 16 kHz audio.
        Audio shorter than one window (1.0 s) is zero-padded to one window."""
        feats, levels = self.fx.stream_windows(audio)
        prob = self.score(feats, levels)
        return self.fx.window_center_s(np.arange(len(prob))), prob

    def segments(self, audio: np.ndarray, t0: float = 0.0) -> list[LaughterSegment]:
        """Laughter segments of a whole clip (times offset by ``t0``)."""
        tracker = LaughterTracker(self)
        segs = tracker.feed(np.asarray(audio, dtype=np.float32), t0)
        return segs + tracker.flush()


class LaughterTracker:
    """Streaming laughter detection with bounded state.

    ``feed(block, t0_s)`` takes consecutive 16 kHz blocks of any size (``t0_s`` of the
    first block sets the stream origin); every complete chunk (4 s on the grid from the
    stream start) is encoded and every window whose states are all known is scored, so
    results do not depend on block size.  Returns segments that have closed
    (``emitted_at_s`` = audio time consumed).  Holds under one chunk of audio, one chunk
    plus one window of states and a bounded probability history.
    """

    def __init__(self, detector: LaughterDetector, history_s: float = 600.0):
        self.det = detector
        self.fx = detector.fx
        self.origin: Optional[float] = None
        self.n_in = 0  # samples consumed
        self.buf = np.zeros(0, dtype=np.float32)  # audio of the chunk being filled
        self.states = np.zeros((0, self.fx.state_dims), dtype=np.float32)
        self.levels = np.zeros(0, dtype=np.float32)  # 10 ms levels, same origin as states
        self.state0 = 0  # absolute index of self.states[0]
        self.next_window = 0
        self.state = _SegmentState(detector.post, self.fx.window_hop_s)
        self.track: deque = deque(maxlen=max(1, int(history_s / self.fx.window_hop_s)))

    @property
    def latency_s(self) -> float:
        """Longest delay from the end of a laugh to its segment (see LaughterDetector)."""
        return self.det.latency_s

    def _now(self) -> float:
        return (self.origin or 0.0) + self.n_in / SR

    def feed(self, block: np.ndarray, t0_s: float = 0.0) -> list[LaughterSegment]:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if self.origin is None:
            self.origin = float(t0_s)
        self.n_in += len(block)
        self.buf = np.concatenate([self.buf, block])
        out: list[LaughterSegment] = []
        while len(self.buf) >= self.fx.chunk:
            self._encode(self.buf[: self.fx.chunk])
            self.buf = self.buf[self.fx.chunk :]
            out += self._score()
        return out

    def _encode(self, chunk: np.ndarray) -> None:
        states, levels = self.fx.encode_chunk(chunk)
        self.states = np.concatenate([self.states, states])
        self.levels = np.concatenate([self.levels, levels])

    def _score(self) -> list[LaughterSegment]:
        fx = self.fx
        per_state = fx.state_hop // fx.level_frame
        first = self.next_window * fx.wh - self.state0
        feats = fx.windows(self.states[first:])
        out: list[LaughterSegment] = []
        if len(feats):
            levels = fx.window_levels(self.levels[first * per_state :])
            prob = self.det.score(feats, levels)
            times = fx.window_center_s(np.arange(self.next_window, self.next_window + len(prob))) + (self.origin or 0.0)
            now = self._now()
            for t, p in zip(times, prob):
                self.track.append((float(t), float(p)))
                out += self.state.push(float(t), float(p), now)
            self.next_window += len(prob)
            drop = self.next_window * fx.wh - self.state0  # states no later window needs
            self.states = self.states[drop:]
            self.levels = self.levels[drop * per_state :]
            self.state0 += drop
        return out

    def flush(self) -> list[LaughterSegment]:
        """Encode the last partial chunk (a stream under 1 s is zero-padded to one
        window), score what remains and close open segments."""
        out: list[LaughterSegment] = []
        if len(self.buf):
            tail = self.buf
            if self.n_in < self.fx.window_samples:
                tail = _pad_short(tail, self.fx.window_samples)
            self._encode(tail)
            self.buf = np.zeros(0, dtype=np.float32)
            out += self._score()
        out += self.state.flush(self._now())
        return out

    def probability_track(self) -> tuple[np.ndarray, np.ndarray]:
        """(times s, raw window probability) of the recent history (bounded)."""
        if not self.track:
            return np.zeros(0), np.zeros(0, dtype=np.float32)
        t, p = zip(*self.track)
        return np.asarray(t), np.asarray(p, dtype=np.float32)


__all__ = ["LaughterDetector", "LaughterTracker", "EncoderFeatures"]
