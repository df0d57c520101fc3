"""Laughter detection: the project's own small model (``models/laughter.onnx``).

Audio (16 kHz mono float32; 8 kHz telephone audio upsampled to 16 kHz works too, every
feature stays below 4 kHz) -> frames of 25 ms every 10 ms -> per frame: 40 log-mel bands
(100-3800 Hz), in-band level (dBFS) and a cepstral voicing peak/pitch -> 1.0 s windows
every 0.1 s summarised (level-normalised band means, band spread, band change, level
modulation 1-10 Hz and rhythm, voicing/pitch statistics) -> small MLP ensemble (ONNX) -> laughter
probability per window -> 5-window mean -> runs above 0.5 lasting >= 0.7 s whose peak
reaches 0.7 -> segments ``{start, end, probability}``.  With ``context_features`` (default)
20 rhythm/repetition values are added per window (spectral-shape repetition, 2-8 Hz
syllable-rate modulation of sub-band envelopes and spectral flux, voicing periodicity,
pitch range/slope); the classifier is a soft-voting ensemble of 3 small MLPs.

Everything runs on a fixed grid counted from the start of the stream (frame k starts at
sample 160 k, window j covers frames 10 j .. 10 j + 99), so ``LaughterTracker`` (streaming)
and ``LaughterDetector.segments`` (whole file) give the same segments whatever the block
size.  Feature parameters and the decision threshold live in ``models/laughter.json``.
"""

from __future__ import annotations

import json
import warnings
from collections import deque
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from analyzer.events import LaughterSegment

SR = 16000

# Defaults; the model's sidecar json overrides them (``features`` / ``postprocess``).
DEFAULT_FEATURES = {
    "sample_rate": SR,
    "n_fft": 512,
    "win_length": 400,
    "hop_length": 160,
    "n_mels": 40,
    "fmin": 100.0,
    "fmax": 3800.0,
    "window_frames": 100,
    "window_hop_frames": 10,
    "floor_db": 60.0,
    "active_db": 10.0,
    "mod_bins": 10,
    "pitch_min_hz": 70.0,
    "pitch_max_hz": 450.0,
    "voicing_cpp": 0.25,
    "context_features": 1,
}
DEFAULT_POST = {
    "threshold": 0.5,  # smoothed probability that opens/extends a segment
    "min_peak": 0.7,  # a segment is kept only if its smoothed peak reaches this
    "smooth_windows": 5,
    "min_duration_s": 0.7,
    "merge_gap_s": 0.3,
    "gate_dbfs": -55.0,
}


def _model_dir() -> Path:
    import sincerity_models

    return Path(sincerity_models.MODELS_DIR)


class FeatureExtractor:
    """Frame and window features on the fixed 10 ms / 100 ms grid (numpy only)."""

    def __init__(self, params: Optional[dict] = None):
        p = dict(DEFAULT_FEATURES)
        p.update(params or {})
        self.p = p
        self.n_fft = int(p["n_fft"])
        self.win_length = int(p["win_length"])
        self.hop = int(p["hop_length"])
        self.wf = int(p["window_frames"])
        self.wh = int(p["window_hop_frames"])
        self.n_mels = int(p["n_mels"])
        win = np.hanning(self.win_length + 1)[:-1]  # periodic Hann
        self.window = np.zeros(self.n_fft, dtype=np.float64)
        self.window[: self.win_length] = win
        self.n_band_bins = self.n_fft * 4000 // SR + 1  # FFT bins 0..4 kHz
        import librosa  # mel matrix only (deterministic, computed once)

        mel = librosa.filters.mel(
            sr=SR, n_fft=self.n_fft, n_mels=self.n_mels, fmin=float(p["fmin"]), fmax=float(p["fmax"])
        )
        self.mel = np.ascontiguousarray(mel[:, : self.n_band_bins].T)  # (bins, mels)
        self.power_norm = 2.0 / (self.n_fft * float(np.sum(win**2)))
        # cepstral quefrency range for the pitch peak (cepstrum of the 0-4 kHz band,
        # quefrency unit = 1/8000 s)
        q_rate = 2.0 * (self.n_band_bins - 1) * SR / self.n_fft
        self.q_rate = q_rate
        self.q_lo = int(np.floor(q_rate / float(p["pitch_max_hz"])))
        self.q_hi = int(np.ceil(q_rate / float(p["pitch_min_hz"])))
        self.n_frame_cols = self.n_mels + 3

    # -- frames ---------------------------------------------------------------------
    def n_frames(self, n_samples: int) -> int:
        if n_samples < self.win_length:
            return 0
        return 1 + (n_samples - self.win_length) // self.hop

    def frames(self, audio: np.ndarray) -> np.ndarray:
        """Per-frame features (n_frames, n_mels + 3) of ``audio`` starting at frame 0:
        log-mel dB (n_mels), in-band level dBFS, cepstral peak, pitch (log2 Hz)."""
        x = np.asarray(audio, dtype=np.float64)
        n = self.n_frames(len(x))
        if n == 0:
            return np.zeros((0, self.n_frame_cols), dtype=np.float32)
        idx = np.arange(self.win_length)[None, :] + self.hop * np.arange(n)[:, None]
        fr = x[idx] * self.window[None, : self.win_length]
        spec = np.fft.rfft(fr, n=self.n_fft, axis=1)[:, : self.n_band_bins]
        pw = spec.real**2 + spec.imag**2
        melp = pw @ self.mel
        logmel = 10.0 * np.log10(melp + 1e-10)
        level = 10.0 * np.log10(pw[:, 1:].sum(axis=1) * self.power_norm + 1e-10)
        # cepstrum of the 0-4 kHz log spectrum (log power, natural log)
        ceps = np.fft.irfft(np.log(pw + 1e-10), axis=1)
        seg = ceps[:, self.q_lo : self.q_hi + 1]
        k = np.argmax(seg, axis=1)
        peak = seg[np.arange(n), k]
        cpp = peak - np.median(seg, axis=1)
        pitch = np.log2(self.q_rate / (k + self.q_lo))
        out = np.empty((n, self.n_frame_cols), dtype=np.float32)
        out[:, : self.n_mels] = logmel
        out[:, self.n_mels] = level
        out[:, self.n_mels + 1] = cpp
        out[:, self.n_mels + 2] = pitch
        return out

    # -- windows --------------------------------------------------------------------
    def n_windows(self, n_frames: int) -> int:
        if n_frames < self.wf:
            return 0
        return 1 + (n_frames - self.wf) // self.wh

    def window_levels(self, frames: np.ndarray) -> np.ndarray:
        """95th-percentile in-band level (dBFS) of each window (for the silence gate)."""
        nw = self.n_windows(len(frames))
        if nw == 0:
            return np.zeros(0, dtype=np.float32)
        idx = np.arange(self.wf)[None, :] + self.wh * np.arange(nw)[:, None]
        return np.percentile(frames[idx, self.n_mels], 95, axis=1).astype(np.float32)

    def windows(self, frames: np.ndarray) -> np.ndarray:
        """Window features (n_windows, n_features) from frames (n_frames, cols)."""
        nw = self.n_windows(len(frames))
        nm = self.n_mels
        if nw == 0:
            return np.zeros((0, self.n_features), dtype=np.float32)
        p = self.p
        idx = np.arange(self.wf)[None, :] + self.wh * np.arange(nw)[:, None]
        W = frames[idx].astype(np.float64)  # (nw, T, C)
        E = W[:, :, nm]
        ref = np.percentile(E, 95, axis=1)  # (nw,)
        floor = ref - float(p["floor_db"])
        M = W[:, :, :nm]
        Mref = np.percentile(M.reshape(nw, -1), 95, axis=1)
        M = np.maximum(M - Mref[:, None, None], -float(p["floor_db"]))
        band_mean = M.mean(axis=1)
        band_std = M.std(axis=1)
        band_delta = np.abs(np.diff(M, axis=1)).mean(axis=1)
        Ec = np.maximum(E, floor[:, None]) - ref[:, None]
        e_std = Ec.std(axis=1)
        active = Ec > -float(p["active_db"])
        act_frac = active.mean(axis=1)
        # number of bursts (rising edges of the activity mask) per window
        bursts = (np.diff(active.astype(np.int8), axis=1) == 1).sum(axis=1).astype(np.float64)
        x = Ec - Ec.mean(axis=1, keepdims=True)
        xs = x * np.hanning(self.wf)[None, :]
        X = np.abs(np.fft.rfft(xs, axis=1))
        mb = int(p["mod_bins"])
        mod = X[:, 1 : mb + 1] / (X[:, 1:].sum(axis=1, keepdims=True) + 1e-6)
        # autocorrelation of the level envelope at 100-400 ms lags (laugh rhythm)
        ac0 = (x * x).sum(axis=1) + 1e-6
        lags = np.arange(10, 41)
        ac = np.stack([(x[:, l:] * x[:, :-l]).sum(axis=1) for l in lags], axis=1) / ac0[:, None]
        ac_max = ac.max(axis=1)
        ac_arg = lags[np.argmax(ac, axis=1)] / 40.0
        cpp = W[:, :, nm + 1]
        pitch = W[:, :, nm + 2]
        voiced = (cpp > float(p["voicing_cpp"])) & active
        nv = voiced.sum(axis=1)
        vfrac = nv / self.wf
        cpp_act = np.where(active, cpp, np.nan)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cpp_mean = np.nan_to_num(np.nanmean(cpp_act, axis=1))
            cpp_std = np.nan_to_num(np.nanstd(cpp_act, axis=1))
            pv = np.where(voiced, pitch, np.nan)
            p_med = np.nanmedian(pv, axis=1)
            p_std = np.nanstd(pv, axis=1)
        has = nv >= 3
        p_med = np.where(has, p_med, 7.0)  # log2(128 Hz) when unvoiced
        p_std = np.where(has, p_std, 0.0)
        vtrans = (np.diff(voiced.astype(np.int8), axis=1) != 0).sum(axis=1).astype(np.float64)
        parts = [
            band_mean,
            band_std,
            band_delta,
            np.stack([e_std, act_frac, bursts / 10.0], axis=1),
            mod,
            np.stack([ac_max, ac_arg], axis=1),
            np.stack([cpp_mean, cpp_std, vfrac, p_med, p_std, vtrans / 10.0], axis=1),
        ]
        if int(p.get("context_features", 0)):
            parts.append(self._context_features(M, Ec, active, voiced, pitch, lags))
        return np.concatenate(parts, axis=1).astype(np.float32)

    def _context_features(self, M, Ec, active, voiced, pitch, lags) -> np.ndarray:
        """Rhythm/repetition features of one window (20 values): a laugh repeats the same
        vowel-like spectrum in 'ha-ha' bursts at ~3-7 per second; read speech changes its
        spectrum from syllable to syllable.
        - spectral-shape repetition: cosine similarity of active frames' spectral shape to
          their mean (mean, spread); autocorrelation of the shape at 100-400 ms (max, lag);
        - syllable-rate (2-8 Hz) share of the modulation spectrum of the low (100-1200 Hz)
          and high (1.5-3.8 kHz) band envelopes and of the spectral flux; their 3-6 Hz share;
          low/high envelope correlation;
        - spectral flux spread and 90th percentile; voiced-mask periodicity at 100-400 ms;
          voiced pitch range (10-90 %) and slope."""
        nw, T, nm = M.shape
        act = active.astype(np.float64)
        nact = act.sum(axis=1) + 1e-6
        S = M - M.mean(axis=2, keepdims=True)  # spectral shape, level removed
        Sn = S / (np.linalg.norm(S, axis=2, keepdims=True) + 1e-6)
        mu = (Sn * act[:, :, None]).sum(axis=1) / nact[:, None]
        mu = mu / (np.linalg.norm(mu, axis=1, keepdims=True) + 1e-6)
        cos = np.einsum("ntb,nb->nt", Sn, mu)
        cos_mean = (cos * act).sum(axis=1) / nact
        cos_std = np.sqrt(np.maximum((((cos - cos_mean[:, None]) ** 2) * act).sum(axis=1) / nact, 0.0))
        Sc = (S - S.mean(axis=1, keepdims=True)) * act[:, :, None]
        s0 = (Sc * Sc).sum(axis=(1, 2)) + 1e-6
        F = np.fft.rfft(Sc, n=2 * T, axis=1)
        acs = np.fft.irfft((F.real**2 + F.imag**2).sum(axis=2), n=2 * T, axis=1)  # (nw, 2T)
        sac = acs[:, lags] / s0[:, None]
        sac_max = sac.max(axis=1)
        sac_arg = lags[np.argmax(sac, axis=1)] / 40.0
        # sub-band envelopes (dB means of normalised mel bands)
        f_mel = np.linspace(0, 1, nm)
        lo_b = max(2, nm * 11 // 40)
        hi_b = nm * 22 // 40
        low = M[:, :, :lo_b].mean(axis=2)
        high = M[:, :, hi_b:].mean(axis=2)
        flux = np.maximum(np.diff(M, axis=1), 0.0).mean(axis=2)  # (nw, T-1)
        han = np.hanning(T)

        def modshare(e, n):
            e = e - e.mean(axis=1, keepdims=True)
            X = np.abs(np.fft.rfft(e * np.hanning(n)[None, :], axis=1)) ** 2
            tot = X[:, 1:21].sum(axis=1) + 1e-6
            return X[:, 2:9].sum(axis=1) / tot, X[:, 3:7].sum(axis=1) / tot

        lo28, lo36 = modshare(low, T)
        hi28, hi36 = modshare(high, T)
        fl28, fl36 = modshare(flux, T - 1)
        lc = low - low.mean(axis=1, keepdims=True)
        hc = high - high.mean(axis=1, keepdims=True)
        lh_corr = (lc * hc).sum(axis=1) / (np.sqrt((lc * lc).sum(axis=1) * (hc * hc).sum(axis=1)) + 1e-6)
        flux_std = flux.std(axis=1)
        flux_p90 = np.percentile(flux, 90, axis=1)
        v = voiced.astype(np.float64)
        vc = v - v.mean(axis=1, keepdims=True)
        v0 = (vc * vc).sum(axis=1) + 1e-6
        Fv = np.fft.rfft(vc, n=2 * T, axis=1)
        vac = np.fft.irfft(Fv.real**2 + Fv.imag**2, n=2 * T, axis=1)[:, lags] / v0[:, None]
        vac_max = vac.max(axis=1)
        nv = v.sum(axis=1)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pv = np.where(voiced, pitch, np.nan)
            ps = np.sort(np.where(voiced, pitch, np.inf), axis=1)
            nvi = np.maximum(nv.astype(np.int64), 1)
            rows = np.arange(nw)
            p_rng = ps[rows, (0.9 * (nvi - 1)).astype(np.int64)] - ps[rows, (0.1 * (nvi - 1)).astype(np.int64)]
            tt = np.arange(T)[None, :] / 100.0
            tm = np.nansum(np.where(voiced, tt, 0.0), axis=1) / np.maximum(nv, 1)
            pm = np.nanmean(pv, axis=1)
            cov = np.nansum(np.where(voiced, (tt - tm[:, None]) * (pitch - pm[:, None]), 0.0), axis=1)
            var = np.nansum(np.where(voiced, (tt - tm[:, None]) ** 2, 0.0), axis=1)
            slope = cov / (var + 1e-3)
        has = nv >= 5
        p_rng = np.where(has, np.nan_to_num(p_rng), 0.0)
        slope = np.where(has, np.clip(np.nan_to_num(slope), -5.0, 5.0), 0.0)
        del f_mel, han
        return np.stack(
            [cos_mean, cos_std, sac_max, sac_arg, lo28, lo36, hi28, hi36, fl28, fl36, lh_corr,
             flux_std / 5.0, flux_p90 / 5.0, vac_max, p_rng, slope,
             low.std(axis=1) / 10.0, high.std(axis=1) / 10.0,
             (low - high).mean(axis=1) / 10.0, (low - high).std(axis=1) / 10.0],
            axis=1,
        )

    @property
    def n_features(self) -> int:
        return 3 * self.n_mels + 3 + int(self.p["mod_bins"]) + 2 + 6 + (20 if int(self.p.get("context_features", 0)) else 0)

    def window_center_s(self, j: np.ndarray) -> np.ndarray:
        """Centre time (s from stream start) of window j."""
        start = np.asarray(j) * self.wh * self.hop
        return (start + ((self.wf - 1) * self.hop + self.win_length) / 2.0) / SR

    @property
    def window_hop_s(self) -> float:
        return self.wh * self.hop / SR


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
    """Loads ``laughter.onnx`` (+ ``laughter.json``) once; 1 intra-op thread."""

    def __init__(self, model_path: Optional[str | Path] = None, threshold: Optional[float] = None):
        import onnxruntime as ort

        path = Path(model_path) if model_path is not None else _model_dir() / "laughter.onnx"
        meta_path = path.with_suffix(".json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        self.meta = meta
        self.fx = FeatureExtractor(meta.get("features"))
        post = dict(DEFAULT_POST)
        post.update(meta.get("postprocess", {}))
        if threshold is not None:
            post["threshold"] = float(threshold)
        self.post = post
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3  # skl2onnx's voting ensemble leaves an unused initializer (harmless warning)
        self.session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        outs = self.session.get_outputs()
        self.prob_output = outs[-1].name if len(outs) > 1 else outs[0].name

    @property
    def threshold(self) -> float:
        return float(self.post["threshold"])

    def score_windows(self, frames: np.ndarray) -> np.ndarray:
        """Laughter probability of every complete window of ``frames`` (grid from 0)."""
        feats = self.fx.windows(frames)
        if len(feats) == 0:
            return np.zeros(0, dtype=np.float32)
        out = self.session.run([self.prob_output], {self.input_name: feats})[0]
        out = np.asarray(out)
        if out.dtype == object:  # zipmap-style list of dicts
            prob = np.array([d[1] for d in out], dtype=np.float32)
        elif out.ndim == 2:
            prob = out[:, -1].astype(np.float32)
        else:
            prob = out.astype(np.float32)
        lev = self.fx.window_levels(frames)
        prob[lev < float(self.post["gate_dbfs"])] = 0.0
        return prob

    def frame_probabilities(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(window centre times s, laughter probability) every 0.1 s for 16 kHz audio.
        Audio shorter than one window (1.0 s) is zero-padded to one window."""
        audio = _pad_short(np.asarray(audio, dtype=np.float32), self.fx)
        frames = self.fx.frames(audio)
        prob = self.score_windows(frames)
        times = self.fx.window_center_s(np.arange(len(prob)))
        return times, prob

    def segments(self, audio: np.ndarray, t0: float = 0.0) -> list[LaughterSegment]:
        """Laughter segments of a whole clip (times offset by ``t0``)."""
        tracker = LaughterTracker(self)
        segs = tracker.feed(np.asarray(audio, dtype=np.float32), t0)
        return segs + tracker.flush()


def _pad_short(audio: np.ndarray, fx: FeatureExtractor) -> np.ndarray:
    need = (fx.wf - 1) * fx.hop + fx.win_length
    if 0 < len(audio) < need:
        audio = np.concatenate([audio, np.zeros(need - len(audio), dtype=np.float32)])
    return audio


class LaughterTracker:
    """Streaming laughter detection with bounded state.

    ``feed(block, t0_s)`` takes consecutive 16 kHz blocks of any size (``t0_s`` of the
    first block sets the stream origin); it computes frames on the fixed 10 ms grid and
    scores every window as soon as it is complete, so results do not depend on block
    size.  Returns segments that have closed (``emitted_at_s`` = audio time consumed).
    Holds under 1 s of audio, 1 s of frames and a bounded probability history.
    """

    def __init__(self, detector: LaughterDetector, history_s: float = 600.0):
        self.det = detector
        self.fx = detector.fx
        self.origin: Optional[float] = None
        self.n_in = 0  # samples consumed
        self.buf = np.zeros(0, dtype=np.float32)  # samples from frame self.next_frame on
        self.next_frame = 0  # absolute index of next frame to compute
        self.frames = np.zeros((0, self.fx.n_frame_cols), dtype=np.float32)
        self.frame0 = 0  # absolute index of self.frames[0]
        self.next_window = 0
        self.state = _SegmentState(detector.post, self.fx.window_hop_s)
        self.track: deque = deque(maxlen=max(1, int(history_s / self.fx.window_hop_s)))
        self._short: list[np.ndarray] = []  # audio kept while stream < 1 window

    def _now(self) -> float:
        return (self.origin or 0.0) + self.n_in / SR

    def feed(self, block: np.ndarray, t0_s: float = 0.0) -> list[LaughterSegment]:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if self.origin is None:
            self.origin = float(t0_s)
        if len(block) == 0:
            return []
        need = (self.fx.wf - 1) * self.fx.hop + self.fx.win_length
        if self.n_in < need:
            keep = min(len(block), need - self.n_in)
            self._short.append(block[:keep])
        else:
            self._short = []
        self.n_in += len(block)
        self.buf = np.concatenate([self.buf, block])
        return self._process()

    def _process(self) -> list[LaughterSegment]:
        fx = self.fx
        n_new = fx.n_frames(len(self.buf))
        if n_new > 0:
            fr = fx.frames(self.buf[: (n_new - 1) * fx.hop + fx.win_length])
            self.buf = self.buf[n_new * fx.hop :]
            self.next_frame += n_new
            self.frames = np.concatenate([self.frames, fr]) if len(self.frames) else fr
        return self._score()

    def _score(self) -> list[LaughterSegment]:
        fx = self.fx
        out: list[LaughterSegment] = []
        # windows whose frames are all available
        first = self.next_window * fx.wh - self.frame0
        avail = len(self.frames) - first
        nw = fx.n_windows(avail)
        if nw > 0:
            sub = self.frames[first : first + (nw - 1) * fx.wh + fx.wf]
            prob = self.det.score_windows(sub)
            times = fx.window_center_s(np.arange(self.next_window, self.next_window + nw)) + (self.origin or 0.0)
            now = self._now()
            for t, p in zip(times, prob):
                self.track.append((float(t), float(p)))
                out += self.state.push(float(t), float(p), now)
            self.next_window += nw
            # drop frames no longer needed
            drop = self.next_window * fx.wh - self.frame0
            if drop > 0:
                self.frames = self.frames[drop:]
                self.frame0 += drop
        return out

    def flush(self) -> list[LaughterSegment]:
        """Score a stream shorter than one window (zero-padded) and close open segments."""
        out: list[LaughterSegment] = []
        if self.next_window == 0 and self._short:
            audio = _pad_short(np.concatenate(self._short), self.fx)
            frames = self.fx.frames(audio)
            prob = self.det.score_windows(frames)
            times = self.fx.window_center_s(np.arange(len(prob))) + (self.origin or 0.0)
            for t, p in zip(times, prob):
                self.track.append((float(t), float(p)))
                out += self.state.push(float(t), float(p), self._now())
            self.next_window = len(prob)
        out += self.state.flush(self._now())
        self._short = []
        return out

    def probability_track(self) -> tuple[np.ndarray, np.ndarray]:
        """(times s, raw window probability) of the recent history (bounded)."""
        if not self.track:
            return np.zeros(0), np.zeros(0, dtype=np.float32)
        t, p = zip(*self.track)
        return np.asarray(t), np.asarray(p, dtype=np.float32)


__all__ = ["LaughterDetector", "LaughterTracker", "FeatureExtractor"]
