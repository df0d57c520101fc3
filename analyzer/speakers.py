"""Voice embeddings of speech windows: where the speech is, and who it sounds like.

    16 kHz audio -> Silero speech probability per 32 ms frame -> speech regions (split at
    pauses >= ``split_gap_s``) -> windows of <= 1.5 s every 0.75 s inside each region ->
    per window: level normalised to -30 dBFS, 40 power-mel bands (25 ms / 10 ms) ->
    GE2E speaker encoder (``models/speaker_encoder.onnx``) -> unit 256-value embedding
    -> (``SpeakerEncoder.project``) a 32-value speaker-discriminant projection
    (``models/voice_projection.npz``, LDA trained by ``models/train_voice_projection.py``).

The encoder is Resemblyzer's pretrained GE2E network (Apache-2.0, shipped inside the PyPI
wheel ``Resemblyzer`` 0.1.4, converted to ONNX by ``models/convert_speaker_encoder.py``);
it runs with onnxruntime, one thread, no torch.  Windows never cross a pause, so a turn
change at a pause does not blur two voices into one embedding; regions shorter than a
window are tiled to the window length (the network's final state needs ~1 s of input).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from .audio import SAMPLE_RATE
from .checksums import verify_sha256
from .vad import FRAME, FRAME_S, VadOptions, initial_state, speech_probabilities

ENCODER_FILE = "speaker_encoder.onnx"
ENCODER_SHA256 = "56c7599a9570e27ce5887240adf62371ff00a861f0437c4f78df846649a13e38"
PROJECTION_FILE = "voice_projection.npz"
PROJECTION_SHA256 = "e29596442de334ea2fa84de8443cc67d6576aa070ec833969cab11efb2a9bdfb"
MEL_HOP = 160  # 10 ms
MEL_FFT = 400  # 25 ms
MEL_BANDS = 40
TARGET_DBFS = -30.0


@dataclass(frozen=True)
class WindowOptions:
    """Where embeddings are taken (seconds).  speech_threshold: Silero probability of a
    speech frame (where embeddings are taken); label_heard: speaker labels also cover
    every frame the pipeline's utterance segmenter will hear (``heard_frames`` with
    analyzer.vad's default VadOptions), not only these speech frames; split_gap_s: a pause this long ends a region; min_region_s: shorter bursts get no
    embedding of their own (they take their neighbours' label)."""

    speech_threshold: float = 0.5
    label_heard: bool = True
    split_gap_s: float = 0.25
    min_region_s: float = 0.3
    window_s: float = 1.5
    hop_s: float = 0.75


@dataclass(frozen=True)
class SpeechWindows:
    """speech: bool per 32 ms frame (n_frames,); regions: (start_frame, end_frame) pairs;
    windows: (start_sample, end_sample) per embedding (n,); region_of: region index of each
    window (n,); embeddings: float32 (n, 256), unit length; timings: compute seconds
    {"vad", "embed"}."""

    speech: np.ndarray
    regions: list[tuple[int, int]]
    windows: list[tuple[int, int]]
    region_of: np.ndarray
    embeddings: np.ndarray
    timings: Optional[dict] = None
    heard: Optional[np.ndarray] = None
    heard_windows: list = field(default_factory=list)  # (start_sample, end_sample): heard_only_windows
    heard_embeddings: Optional[np.ndarray] = None  # float32 (m, 256), unit length

    def labelled(self) -> np.ndarray:
        """The frames that get a speaker label: bool (n_frames,)."""
        return self.speech if self.heard is None else self.heard | self.speech


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    log_part = 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log_part, f / (200.0 / 3))


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * (200.0 / 3))


@lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney-normalised triangles),
    in numpy: float32 (40, 201)."""
    fft_hz = np.linspace(0, SAMPLE_RATE / 2, 1 + MEL_FFT // 2)
    mel_hz = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), MEL_BANDS + 2))
    gaps = np.diff(mel_hz)
    ramps = mel_hz[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / gaps[:-1, None]
    upper = ramps[2:] / gaps[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper)) * (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power (not log) mel spectrogram the encoder was trained on, as librosa's
    ``melspectrogram`` computes it (centred frames, zero padding, periodic Hann) but in
    plain numpy (importing librosa alone costs ~2.4 s here): float32 (frames, 40)."""
    x = np.pad(np.asarray(samples, dtype=np.float32), MEL_FFT // 2)
    n = 1 + (len(x) - MEL_FFT) // MEL_HOP
    frames = np.lib.stride_tricks.sliding_window_view(x, MEL_FFT)[::MEL_HOP][:n]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_FFT) / MEL_FFT)).astype(np.float32)
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    return (power.astype(np.float32) @ _mel_basis().T).astype(np.float32)


def level_normalised(samples: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """``samples`` scaled to an RMS of ``target_dbfs``, so a quiet and a loud party give alike
    embeddings (the encoder was trained on audio normalised this way)."""
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
    if rms < 1e-6:
        return samples
    return (samples * (10 ** (target_dbfs / 20) / rms)).astype(np.float32)


@lru_cache(maxsize=1)
def _encoder_session(path: str):
    import onnxruntime

    verify_sha256(Path(path), ENCODER_SHA256, "speaker encoder")
    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 4
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"], sess_options=opts)


def model_path(name: str = ENCODER_FILE) -> Path:
    """A model file beside this source tree (a checkout), else in the installed models."""
    local = Path(__file__).resolve().parents[1] / "models" / name
    if local.is_file():
        return local
    import sincerity_models

    return Path(sincerity_models.MODELS_DIR) / name


def encoder_path() -> Path:
    return model_path(ENCODER_FILE)


@lru_cache(maxsize=1)
def _projection(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(mean float32 (256,), projection float32 (256, 32)) of the shipped LDA, sha256-checked."""
    verify_sha256(Path(path), PROJECTION_SHA256, "voice projection")
    with np.load(path, allow_pickle=False) as npz:
        return npz["mean"].astype(np.float32), npz["projection"].astype(np.float32)


def project(embeddings: np.ndarray, projection: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """GE2E unit embeddings (n, 256) -> (n, k) in a speaker-discriminant space where one
    speaker's windows vary with about unit variance in every direction (not unit length)."""
    mean, matrix = projection
    return (np.asarray(embeddings, np.float32) - mean) @ matrix


class SpeakerEncoder:
    """GE2E voice embeddings (ONNX, sha256-checked).  ``embed`` takes clips of 16 kHz
    audio, returns float32 (n, 256) unit vectors; ``project`` maps them to the 32-value
    space where diarize compares voices (GE2E's own cosine hears any two telephone voices
    as close)."""

    def __init__(self, path: Optional[Path] = None, window_s: float = 1.5, projection_path: Optional[Path] = None):
        self.session = _encoder_session(str(path or encoder_path()))
        self.projection = _projection(str(projection_path or model_path(PROJECTION_FILE)))
        self.window = int(round(window_s * SAMPLE_RATE))

    def project(self, embeddings: np.ndarray) -> np.ndarray:
        return project(embeddings, self.projection)

    def _fit(self, clip: np.ndarray) -> np.ndarray:
        """Tile or cut a clip to exactly one window, level-normalised."""
        clip = np.asarray(clip, dtype=np.float32)
        if len(clip) == 0:
            clip = np.zeros(self.window, np.float32)
        if len(clip) < self.window:
            clip = np.tile(clip, -(-self.window // len(clip)))
        return level_normalised(clip[: self.window])

    def embed(self, clips: list[np.ndarray], batch: int = 32) -> np.ndarray:
        if not clips:
            return np.zeros((0, 256), np.float32)
        out = []
        for i in range(0, len(clips), batch):
            mels = np.stack([mel_frames(self._fit(c)) for c in clips[i : i + batch]])
            out.append(self.session.run(None, {"mels": mels})[0])
        emb = np.concatenate(out).astype(np.float32)
        return emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)

    def voiceprint(self, samples: np.ndarray, vad_session, options: WindowOptions = WindowOptions()) -> np.ndarray:
        """One unit embedding of a speaker from a few seconds of them alone (enrolment):
        the mean of the embeddings of its speech windows.  float32 (256,)."""
        found = speech_windows(samples, vad_session, self, options)
        emb = found.embeddings if len(found.embeddings) else self.embed([samples])
        mean = emb.mean(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)


def speech_probability(samples: np.ndarray, vad_session) -> np.ndarray:
    """Silero speech probability per 32 ms frame of the whole clip: float32 (ceil(n / 512),)."""
    n = -(-len(samples) // FRAME)
    if n == 0:
        return np.zeros(0, np.float32)
    x = np.zeros(n * FRAME, np.float32)
    x[: len(samples)] = samples
    frames = x.reshape(n, FRAME)
    probs, state, context = [], initial_state(), np.zeros(64, np.float32)
    for i in range(0, n, 2000):
        chunk = frames[i : i + 2000]
        p, state = speech_probabilities(vad_session, chunk, context, state)
        context = chunk[-1, -64:]
        probs.append(p)
    return np.concatenate(probs)


def speech_frames(samples: np.ndarray, vad_session, threshold: float = 0.5) -> np.ndarray:
    """Silero speech decision per 32 ms frame of the whole clip: bool (ceil(n / 512),)."""
    return speech_probability(samples, vad_session) >= threshold


def heard_frames(prob: np.ndarray, vad: VadOptions) -> np.ndarray:
    """The frames the pipeline's utterance segmenter (analyzer.vad, options ``vad``) keeps,
    from the same Silero probabilities, offline: an utterance opens at ``threshold``,
    reaches back to the earliest frame >= ``onset_threshold`` within ``onset_lookback_s``
    and by ``pad_s``, runs on until ``min_silence_s`` of frames below ``neg_threshold``, and
    keeps ``pad_s`` after its last non-silent frame.  bool (n,)."""
    n = len(prob)
    out = np.zeros(n, bool)
    pad = int(round(vad.pad_s / FRAME_S))
    lookback = int(round(vad.onset_lookback_s / FRAME_S))
    close_after = max(1, int(np.ceil(vad.min_silence_s / FRAME_S - 1e-9)))
    opening = np.flatnonzero(prob >= vad.threshold)
    silent = prob < vad.neg_threshold
    i, done = 0, 0
    while i < len(opening):
        start = int(opening[i])
        if start < done:
            i += 1
            continue
        early = np.flatnonzero(prob[max(done, start - lookback) : start] >= vad.onset_threshold)
        first = (max(done, start - lookback) + int(early[0])) if len(early) else start
        # the utterance ends before the first run of close_after silent frames after start
        run, end = 0, n
        for j in range(start + 1, n):
            run = run + 1 if silent[j] else 0
            if run >= close_after:
                end = j - run + 1
                break
        out[max(done, first - pad) : min(n, end + pad)] = True
        done = min(n, end + pad)
        i += 1
    return out


def speech_regions(speech: np.ndarray, split_gap_s: float, min_region_s: float) -> list[tuple[int, int]]:
    """Runs of speech frames, gaps shorter than ``split_gap_s`` bridged: (start, end) frame
    indices, end exclusive; runs shorter than ``min_region_s`` are dropped."""
    idx = np.flatnonzero(speech)
    if len(idx) == 0:
        return []
    gap = max(1, int(round(split_gap_s / FRAME_S)))
    breaks = np.flatnonzero(np.diff(idx) > gap)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    min_frames = min_region_s / FRAME_S
    return [(int(a), int(b)) for a, b in zip(starts, ends) if b - a >= min_frames]


def region_windows(region: tuple[int, int], options: WindowOptions) -> list[tuple[int, int]]:
    """Sample spans of the windows of one region: <= window_s long, every hop_s, the last one
    ending at the region's end; a short region is one window."""
    a, b = region[0] * FRAME, region[1] * FRAME
    win, hop = int(options.window_s * SAMPLE_RATE), int(options.hop_s * SAMPLE_RATE)
    if b - a <= win:
        return [(a, b)]
    starts = list(range(a, b - win + 1, hop))
    if starts[-1] + win < b:
        starts.append(b - win)
    return [(s, s + win) for s in starts]


def speech_windows(samples: np.ndarray, vad_session, encoder: SpeakerEncoder, options: WindowOptions = WindowOptions()) -> SpeechWindows:
    """Speech frames, regions, windows and their embeddings of a whole recording."""
    tic = time.perf_counter()
    prob = speech_probability(samples, vad_session)
    speech = prob >= options.speech_threshold
    heard = heard_frames(prob, VadOptions()) if options.label_heard else None
    vad_s = time.perf_counter() - tic
    regions = speech_regions(speech, options.split_gap_s, options.min_region_s)
    windows, region_of = [], []
    for r, region in enumerate(regions):
        spans = region_windows(region, options)
        windows += spans
        region_of += [r] * len(spans)
    extra = heard_only_windows(heard, windows, options) if heard is not None else []
    tic = time.perf_counter()
    embeddings = encoder.embed([samples[a:b] for a, b in windows + extra])
    timings = {"vad": vad_s, "embed": time.perf_counter() - tic}
    return SpeechWindows(speech, regions, windows, np.asarray(region_of, dtype=int), embeddings[: len(windows)], timings, heard,
                         extra, embeddings[len(windows) :])


def heard_only_windows(heard: np.ndarray, windows: list[tuple[int, int]], options: WindowOptions) -> list[tuple[int, int]]:
    """Windows over stretches the segmenter will hear that no speech window covers (weak
    speech: Silero between 0.35 and 0.5, or bursts under ``min_region_s`` at >= 0.5), at
    least ``min_region_s`` long, so they get a voice of their own instead of a neighbour's."""
    covered = np.zeros(len(heard), bool)
    for a, b in windows:
        covered[a // FRAME : -(-b // FRAME)] = True
    out: list[tuple[int, int]] = []
    for region in speech_regions(heard & ~covered, 0.0, options.min_region_s):
        out += region_windows(region, options)
    return out
