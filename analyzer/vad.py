"""Voice activity: Silero VAD (the ONNX model shipped inside faster-whisper) cutting the
16 kHz stream into utterances.

The model is run on fixed 512-sample frames (32 ms) with 64 samples of left context, as
faster-whisper does, so the result does not depend on how the stream was blocked.
Utterances close after ``min_silence_s`` of silence or at ``max_utterance_s`` (cut at the
least speech-like frame of the last seconds), because each Whisper call costs a fixed
~0.5 s here: one call per utterance, not per block.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .audio import SAMPLE_RATE

FRAME = 512
CONTEXT = 64
FRAME_S = FRAME / SAMPLE_RATE


@dataclass(frozen=True)
class VadOptions:
    """Utterance segmentation options (seconds unless stated).

    threshold: speech probability that opens an utterance (0-1).
    neg_threshold: probability below which a frame counts as silence.
    min_silence_s: silence that closes an utterance.
    min_speech_s: shorter bursts are dropped (clicks, breaths).
    max_utterance_s: longer utterances are cut (latency and Whisper's 30 s window).
    pad_s: audio kept either side of the speech frames.
    onset_threshold, onset_lookback_s: where an utterance opens, look back this far for
    the first frame at or above onset_threshold and start there (then pad).  On 8 kHz
    telephone audio Silero stays at 0.1-0.45 through the first 0.1-0.45 s of a word, so
    opening at ``threshold`` alone cut "Sorry"/"Pardon" off fast apologies (silence
    measures 0.00-0.01).
    """

    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_silence_s: float = 0.35
    min_speech_s: float = 0.15
    max_utterance_s: float = 12.0
    pad_s: float = 0.15
    onset_threshold: float = 0.1
    onset_lookback_s: float = 0.6


@dataclass(frozen=True)
class Utterance:
    """Speech cut by the VAD: ``samples`` (float32, 16 kHz) starting at ``start`` s;
    ``onset_s``: where the voice starts (after the leading pad), s."""

    start: float
    end: float
    samples: np.ndarray
    closed_at_s: float
    onset_s: float


def load_silero_session():
    """The Silero VAD ONNX session shipped in faster-whisper (one thread: it is tiny)."""
    import onnxruntime
    from faster_whisper.utils import get_assets_path

    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 4
    path = os.path.join(get_assets_path(), "silero_vad_v6.onnx")
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"], sess_options=opts)


def initial_state() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((1, 1, 128), np.float32), np.zeros((1, 1, 128), np.float32)


def speech_probabilities(session, frames: np.ndarray, context: np.ndarray, state) -> tuple[np.ndarray, tuple]:
    """Speech probability per frame.

    frames: float32 (n, 512); context: float32 (64,), the samples before frames[0];
    state: the recurrent (h, c) carried over from the previous call (``initial_state()``).
    The model runs the frames as a sequence, so carrying the state is what makes the
    result independent of how the stream was blocked.
    Returns (float32 (n,), new state).
    """
    contexts = np.concatenate([context[None, :], frames[:-1, -CONTEXT:]], axis=0)
    batch = np.concatenate([contexts, frames], axis=1).astype(np.float32)
    out, h, c = session.run(None, {"input": batch, "h": state[0], "c": state[1]})
    return np.asarray(out, dtype=np.float32).reshape(-1), (h, c)


class UtteranceSegmenter:
    """Streaming VAD: ``feed`` 16 kHz blocks, get closed ``Utterance`` objects back.

    Memory is bounded by ``max_utterance_s`` plus a few seconds of look-back.
    """

    def __init__(self, options: VadOptions = VadOptions(), session=None):
        self.options = options
        self.session = session if session is not None else load_silero_session()
        self._pending = np.zeros(0, np.float32)  # samples not yet framed
        self._context = np.zeros(CONTEXT, np.float32)
        self._state = initial_state()
        self._frames_done = 0  # frames processed since stream start
        self._pad_frames = int(round(options.pad_s / FRAME_S))
        self._lookback_frames = int(round(options.onset_lookback_s / FRAME_S))
        # (frame, probability) of the audio before an utterance opens
        self._history: deque[tuple[np.ndarray, float]] = deque(maxlen=max(self._pad_frames + self._lookback_frames, 1))
        self._utt_frames: list[np.ndarray] = []
        self._utt_probs: list[float] = []
        self._utt_start_frame: Optional[int] = None
        self._utt_onset_frame: Optional[int] = None
        self._silence_run = 0
        self._speech_frames = 0

    @property
    def consumed_s(self) -> float:
        return self._frames_done * FRAME_S

    @property
    def open_since_s(self) -> Optional[float]:
        """Start (s) of the utterance still being heard, None between utterances."""
        return None if self._utt_start_frame is None else max(0, self._utt_start_frame) * FRAME_S

    def feed(self, block: np.ndarray) -> list[Utterance]:
        """Consume a block of 16 kHz float32 audio; return utterances that closed."""
        self._pending = np.concatenate([self._pending, np.asarray(block, np.float32)])
        n = len(self._pending) // FRAME
        if n == 0:
            return []
        frames = self._pending[: n * FRAME].reshape(n, FRAME)
        self._pending = self._pending[n * FRAME :]
        probs, self._state = speech_probabilities(self.session, frames, self._context, self._state)
        self._context = frames[-1, -CONTEXT:].copy()
        closed: list[Utterance] = []
        for frame, prob in zip(frames, probs):
            utt = self._step(frame, float(prob))
            if utt is not None:
                closed.append(utt)
        return closed

    def flush(self) -> list[Utterance]:
        """End of stream: pad the last partial frame and close any open utterance."""
        closed: list[Utterance] = []
        if len(self._pending):
            closed += self.feed(np.zeros(FRAME - len(self._pending), np.float32))
        if self._utt_start_frame is not None:
            utt = self._close(len(self._utt_frames))
            if utt is not None:
                closed.append(utt)
        return closed

    def _step(self, frame: np.ndarray, prob: float) -> Optional[Utterance]:
        opts = self.options
        index = self._frames_done
        self._frames_done += 1
        if self._utt_start_frame is None:
            if prob >= opts.threshold:
                onset_back = self._onset_frames_back()
                before = list(self._history)[len(self._history) - min(len(self._history), onset_back + self._pad_frames) :]
                self._utt_start_frame = index - len(before)
                self._utt_onset_frame = index - onset_back
                self._utt_frames = [f for f, _ in before] + [frame]
                self._utt_probs = [p for _, p in before] + [prob]
                self._silence_run = 0
                self._speech_frames = 1
                self._history.clear()
            else:
                self._history.append((frame, prob))
            return None
        self._utt_frames.append(frame)
        self._utt_probs.append(prob)
        if prob < opts.neg_threshold:
            self._silence_run += 1
        elif prob >= opts.threshold or self._silence_run == 0:
            self._silence_run = 0
            self._speech_frames += 1
        if self._silence_run * FRAME_S >= opts.min_silence_s:
            pad = int(round(opts.pad_s / FRAME_S))
            keep = len(self._utt_frames) - self._silence_run + pad
            return self._close(keep)
        if len(self._utt_frames) * FRAME_S >= opts.max_utterance_s:
            return self._close(self._cut_point())
        return None

    def _onset_frames_back(self) -> int:
        """How many frames before the opening frame the voice starts: the earliest of the
        last ``onset_lookback_s`` history frames at or above ``onset_threshold`` (0: none)."""
        probs = [p for _, p in self._history][-self._lookback_frames :] if self._lookback_frames else []
        for k, p in enumerate(probs):
            if p >= self.options.onset_threshold:
                return len(probs) - k
        return 0

    def _cut_point(self) -> int:
        """Frame index to cut a too-long utterance: the least speech-like frame in its
        last third (a pause between words), so words are not split."""
        probs = np.asarray(self._utt_probs)
        lo = len(probs) * 2 // 3
        return lo + int(np.argmin(probs[lo:])) + 1

    def _close(self, keep: int) -> Optional[Utterance]:
        keep = max(1, min(keep, len(self._utt_frames)))
        frames = self._utt_frames[:keep]
        rest_frames = self._utt_frames[keep:]
        rest_probs = self._utt_probs[keep:]
        start_frame = self._utt_start_frame
        onset_frame = self._utt_onset_frame
        speech_s = sum(1 for p in self._utt_probs[:keep] if p >= self.options.neg_threshold) * FRAME_S
        closed_at = self.consumed_s
        # A cut inside continuing speech starts the next utterance right away.
        if rest_frames and max(rest_probs) >= self.options.threshold:
            self._utt_start_frame = start_frame + keep
            self._utt_onset_frame = start_frame + keep
            self._utt_frames = rest_frames
            self._utt_probs = rest_probs
            self._silence_run = 0
        else:
            self._utt_start_frame = self._utt_onset_frame = None
            self._utt_frames, self._utt_probs = [], []
            self._history.clear()
            for pair in list(zip(rest_frames, rest_probs))[-self._history.maxlen :]:
                self._history.append(pair)
        if speech_s < self.options.min_speech_s:
            return None
        samples = np.concatenate(frames)
        start = max(0, start_frame) * FRAME_S
        onset = min(max(start, max(0, onset_frame) * FRAME_S), start + len(samples) / SAMPLE_RATE)
        return Utterance(start, start + len(samples) / SAMPLE_RATE, samples, closed_at, onset)
