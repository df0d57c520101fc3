"""Mono recordings of both parties: who speaks when, which voice is the agent, and the
agent-only audio the pipeline then analyses.

    speech windows' voice embeddings (analyzer.speakers) -> two clusters (spectral split of
    the pruned cosine affinity, refined by spherical 2-means; numpy only) -> one or two
    speakers (the clusters' centroids must differ enough and the smaller must hold enough
    speech) -> a label per 32 ms speech frame (vote of the windows covering it) -> turns ->
    the agent: the cluster nearest an enrolled voiceprint (``--agent-voice``), else the one
    voice whose first turn is a call-centre greeting (analyzer.greeting), else whoever
    speaks first (an inbound call is answered by the agent) -> the other party's turns are
    muted (10 ms fades) so no customer word reaches the baseline, the apology finder or the
    measures; times stay those of the recording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import time

import numpy as np

from .audio import SAMPLE_RATE
from .speakers import SpeakerEncoder, SpeechWindows, WindowOptions, speech_windows
from .vad import FRAME, FRAME_S
from .voicecount import VoiceCountOptions, two_voices, voice_contrast, pitch_gap_st, window_pitch_st

FADE_S = 0.01
MUTE_REACH_S = 1.0  # how far into the silence around an other-party turn muting reaches


@dataclass(frozen=True)
class DiarizeOptions:
    """speakers: "auto" (decide 1 or 2: ``count``, analyzer.voicecount), "1" (no
    diarization) or "2" (always two).  prune: affinity rows keep this share of their
    strongest links (spectral split)."""

    speakers: str = "auto"
    count: VoiceCountOptions = field(default_factory=VoiceCountOptions)
    prune: float = 0.3
    windows: WindowOptions = field(default_factory=WindowOptions)


@dataclass(frozen=True)
class Diarization:
    """speakers: 1 or 2 voices found; turns: (start_s, end_s, "agent" | "other");
    agent_selection: {method, score, ...}; centroid_similarity: cosine of the two clusters'
    centroids and separation: their d' (None for fewer than 3 windows), both in the
    projection; evidence: the voice-count decision's {"rule", "contrast", "pitch_gap_st"};
    hint: a warning when one voice was kept though two were nearly found; timings: compute
    seconds per part {"diarize_vad", "diarize_embed", "diarize_cluster", "diarize_pitch",
    "diarize_agent"} (the report's stages_s)."""

    speakers: int
    turns: list[tuple[float, float, str]]
    agent_selection: dict
    centroid_similarity: Optional[float] = None
    separation: Optional[float] = None
    evidence: dict = field(default_factory=dict)
    hint: Optional[str] = None
    timings: dict = field(default_factory=dict)

    def report_fields(self) -> dict:
        """The report's ``speaker_turns`` and ``agent_selection``."""
        turns = [{"start": round(a, 3), "end": round(b, 3), "speaker": s} for a, b, s in self.turns]
        rounded = lambda x: None if x is None else round(x, 3)  # noqa: E731
        selection = dict(self.agent_selection, speakers=self.speakers, voice_similarity=rounded(self.centroid_similarity),
                         separation=rounded(self.separation), voice_count=self.evidence)
        return {"speaker_turns": turns, "agent_selection": selection}

    def other_spans(self, reach_s: float = MUTE_REACH_S) -> list[tuple[float, float]]:
        """What is muted (s): the other party's turns, each widened over the silence around
        it by up to ``reach_s``, but never past halfway to an agent turn: speech the diarize
        VAD pass left unlabelled (weak words, turn tails) goes with the nearer turn."""
        out = []
        for i, (a, b, s) in enumerate(self.turns):
            if s != "other":
                continue
            lo, hi = max(0.0, a - reach_s), b + reach_s
            if i:
                pb, ps = self.turns[i - 1][1], self.turns[i - 1][2]
                lo = max(lo, pb if ps == "other" else 0.5 * (pb + a))
            if i + 1 < len(self.turns):
                na, ns = self.turns[i + 1][0], self.turns[i + 1][2]
                hi = min(hi, na if ns == "other" else 0.5 * (b + na))
            out.append((lo, hi))
        return out


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def spectral_split(emb: np.ndarray, prune: float = 0.3) -> np.ndarray:
    """Two groups of unit embeddings (n, d) -> labels 0/1 (n,): the sign of the Fiedler
    vector of the row-pruned, symmetrised cosine affinity (as in d-vector diarization)."""
    n = len(emb)
    aff = np.clip(emb @ emb.T, 0.0, 1.0)
    keep = max(2, int(np.ceil(prune * n)))
    thresh = -np.sort(-aff, axis=1)[:, keep - 1 : keep]
    aff = np.where(aff >= thresh, aff, 0.0)
    aff = 0.5 * (aff + aff.T)
    deg = aff.sum(axis=1)
    d = 1.0 / np.sqrt(np.maximum(deg, 1e-9))
    lap = np.eye(n) - d[:, None] * aff * d[None, :]
    _, vecs = np.linalg.eigh(lap)
    fiedler = vecs[:, 1] * d
    labels = fiedler > 0
    if labels.all() or not labels.any():  # degenerate graph: split at the median
        labels = fiedler > np.median(fiedler)
    return labels.astype(int)


def refine_two_means(emb: np.ndarray, labels: np.ndarray, weights: np.ndarray, iterations: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Spherical 2-means from ``labels``; returns (labels (n,), unit centroids (2, d))."""
    labels = labels.copy()
    for _ in range(iterations):
        cents = []
        for k in (0, 1):
            members = labels == k
            if not members.any():  # a collapsed cluster restarts at the worst-fitting window
                members = np.arange(len(emb)) == int(np.argmin(emb @ _unit(emb.mean(0))))
            cents.append((emb[members] * weights[members, None]).sum(0))
        cents = _unit(np.stack(cents))
        new = np.argmax(emb @ cents.T, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, cents


def cluster_two(emb: np.ndarray, weights: np.ndarray, prune: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Labels (n,) and unit centroids (2, d) of two voices; fewer than 3 windows: one."""
    if len(emb) < 3:
        cents = np.repeat(_unit(emb.mean(0))[None], 2, axis=0) if len(emb) else np.zeros((2, emb.shape[1]), np.float32)
        return np.zeros(len(emb), int), cents
    return refine_two_means(emb, spectral_split(emb, prune), weights)


def separation_dprime(emb: np.ndarray, labels: np.ndarray) -> Optional[float]:
    """How much more alike windows are within a cluster than across: (mean within-cluster
    cosine - mean across) / pooled standard deviation; None without both kinds of pairs."""
    iu = np.triu_indices(len(emb), 1)
    sims, same = (emb @ emb.T)[iu], (labels[:, None] == labels[None, :])[iu]
    if same.all() or not same.any():
        return None
    spread = np.sqrt(0.5 * (sims[same].var() + sims[~same].var()))
    return float((sims[same].mean() - sims[~same].mean()) / max(spread, 1e-9))


def frame_labels(found: SpeechWindows, window_scores: np.ndarray, heard_scores: Optional[np.ndarray] = None) -> np.ndarray:
    """Per 32 ms frame: 1 (second cluster), 0 (first), -1 (no speech).  Each speech frame
    takes the mean score (> 0: cluster 1) of the windows covering it; other labelled frames
    (``found.labelled()``: what the pipeline's segmenter hears) take the mean score of the
    ``found.heard_windows`` covering them (``heard_scores``), else the nearest covered
    frame's label."""
    n = len(found.speech)
    total, count = np.zeros(n), np.zeros(n)
    for (a, b), s in zip(found.windows, window_scores):
        fa, fb = a // FRAME, min(n, -(-b // FRAME))
        total[fa:fb] += s
        count[fa:fb] += 1
    labels = np.full(n, -1)
    covered = (count > 0) & found.speech
    labels[covered] = (total[covered] / count[covered] > 0).astype(int)
    if heard_scores is not None and len(heard_scores):  # heard stretches with windows of their own
        total, count = np.zeros(n), np.zeros(n)
        for (a, b), s in zip(found.heard_windows, heard_scores):
            total[a // FRAME : min(n, -(-b // FRAME))] += s
            count[a // FRAME : min(n, -(-b // FRAME))] += 1
        own = (count > 0) & found.labelled() & ~covered
        labels[own] = (total[own] / count[own] > 0).astype(int)
        covered = covered | own
    loose = np.flatnonzero(found.labelled() & ~covered)
    have = np.flatnonzero(covered)
    if len(loose) and len(have):
        pos = np.clip(np.searchsorted(have, loose), 1, len(have) - 1) if len(have) > 1 else np.zeros(len(loose), int)
        left, right = have[np.maximum(pos - 1, 0)], have[pos]
        nearest = np.where(np.abs(loose - left) <= np.abs(right - loose), left, right)
        labels[loose] = labels[nearest]
    return labels


def turns_from_labels(labels: np.ndarray, names: dict, bridge_s: float) -> list[tuple]:
    """Runs of one label over speech frames (silences under ``bridge_s`` inside a run are
    bridged) -> (start_s, end_s, name)."""
    turns: list[list] = []
    bridge = bridge_s / FRAME_S
    for i in np.flatnonzero(labels >= 0):
        name = names[int(labels[i])]
        if turns and turns[-1][2] == name and i - turns[-1][1] <= bridge:
            turns[-1][1] = i + 1
        else:
            turns.append([int(i), int(i) + 1, name])
    return [(float(a * FRAME_S), float(b * FRAME_S), s) for a, b, s in turns]


def choose_agent(centroids: np.ndarray, turns: list[tuple[float, float, int]], voiceprint: Optional[np.ndarray], greeter: Optional[Callable] = None, min_turn_s: float = 1.0) -> tuple[int, dict]:
    """Which cluster (0/1) is the agent, and how that was decided.  turns: (start_s, end_s,
    cluster); voiceprint: unit, in the centroids' space; greeter: turns -> (cluster, phrase) of the one voice
    that greets (analyzer.greeting), or None.  Failing both, the agent is the cluster of the
    first turn lasting ``min_turn_s`` (a shorter first burst may be a mislabelled "hello")."""
    if voiceprint is not None:
        sims = centroids @ voiceprint
        agent = int(np.argmax(sims))
        return agent, {"method": "enrolment", "score": round(float(sims[agent] - sims[1 - agent]), 3),
                       "similarity": [round(float(s), 3) for s in sims]}
    greeting = greeter(turns) if greeter is not None else None
    if greeting is not None:
        return int(greeting[0]), {"method": "greeting", "score": None, "phrase": greeting[1]}
    long_turns = [t for t in turns if t[1] - t[0] >= min_turn_s] or turns
    agent = int(long_turns[0][2]) if long_turns else 0
    others = [t[0] for t in turns if t[2] != agent]
    lead_s = (min(others) if others else long_turns[0][1]) - long_turns[0][0] if long_turns else 0.0
    return agent, {"method": "first_speaker", "score": round(float(lead_s), 2),
                   "why": "an inbound call is answered by the agent: the voice of the first turn of 1 s or more is taken as the agent's"}


@dataclass(frozen=True)
class VoiceSplit:
    """Two clusters of a recording's speech windows.  labels: -1 (no speech) / 0 / 1 per
    32 ms frame (n_frames,); window_labels: 0 / 1 per window (n,); centroids: unit (2, k);
    similarity: cosine of the centroids, separation: d' of the windows, contrast:
    analyzer.voicecount.voice_contrast (each None under 3 windows); share_s: speech
    seconds per cluster."""

    labels: np.ndarray
    window_labels: np.ndarray
    centroids: np.ndarray
    similarity: Optional[float]
    separation: Optional[float]
    contrast: Optional[float]
    share_s: tuple[float, float]


def split_voices(found: SpeechWindows, projected: np.ndarray, prune: float = 0.3, heard_projected: Optional[np.ndarray] = None) -> VoiceSplit:
    """Cluster the windows of ``found`` by their projected embeddings (n_windows, k);
    ``heard_projected`` (m, k), of ``found.heard_windows``, only labels frames."""
    embeddings = _unit(np.asarray(projected, np.float32))
    weights = np.array([(b - a) / SAMPLE_RATE for a, b in found.windows])
    labels_w, cents = cluster_two(embeddings, weights, prune)
    enough = len(found.windows) >= 3
    similarity = float(cents[0] @ cents[1]) if enough else None
    separation = separation_dprime(embeddings, labels_w) if enough else None
    heard = None if heard_projected is None or not len(heard_projected) else _unit(np.asarray(heard_projected, np.float32))
    labels = frame_labels(found, embeddings @ cents[1] - embeddings @ cents[0],  # > 0: nearer the second voice
                          None if heard is None else heard @ cents[1] - heard @ cents[0])
    strict = found.speech  # the voice count was calibrated on the strict speech frames' shares
    share = (float(np.sum((labels == 0) & strict)) * FRAME_S, float(np.sum((labels == 1) & strict)) * FRAME_S)
    return VoiceSplit(labels, labels_w, cents, similarity, separation, voice_contrast(projected, labels_w), share)


def diarize(samples: np.ndarray, vad_session, encoder: SpeakerEncoder, options: DiarizeOptions = DiarizeOptions(),
            voiceprint: Optional[np.ndarray] = None, greeter: Optional[Callable] = None) -> Diarization:
    """Speaker turns of a mono recording (16 kHz float32 (n,)) with the agent named (by the
    voiceprint, else the greeter, else the first speaker: ``choose_agent``)."""
    found = speech_windows(samples, vad_session, encoder, options.windows)
    return diarize_windows(found, getattr(encoder, "project", None), options, voiceprint, greeter,
                           window_pitch=lambda: window_pitch_st(samples, found.windows))


def diarize_windows(found: SpeechWindows, project: Optional[Callable], options: DiarizeOptions = DiarizeOptions(),
                    voiceprint: Optional[np.ndarray] = None, greeter: Optional[Callable] = None,
                    window_pitch: Optional[Callable[[], np.ndarray]] = None) -> Diarization:
    """``diarize`` from a recording's speech windows.  project: GE2E embeddings (n, 256) ->
    the speaker-discriminant space (None: compared as they are); window_pitch: () -> median
    semitones per window (n,), asked for only when the voice count needs it."""
    project = project or (lambda e: e)
    tic = time.perf_counter()
    extra = getattr(found, "heard_embeddings", None)
    split = split_voices(found, project(found.embeddings), options.prune, None if extra is None or not len(extra) else project(extra))
    timings = {f"diarize_{k}": v for k, v in (getattr(found, "timings", None) or {}).items()}
    timings["diarize_cluster"] = time.perf_counter() - tic
    pitch_s = [0.0]

    def gap():
        tic = time.perf_counter()
        tones = window_pitch() if window_pitch else None
        pitch_s[0] = time.perf_counter() - tic
        return None if tones is None else pitch_gap_st(tones, split.window_labels)

    if options.speakers == "auto":
        two, evidence = two_voices(split.similarity, split.contrast, split.share_s, gap, options.count)
    else:
        two, evidence = options.speakers == "2", {"rule": f"--speakers {options.speakers}"}
    timings["diarize_pitch"] = pitch_s[0]
    if not two:
        labels = np.where(split.labels >= 0, 0, -1)
        turns = turns_from_labels(labels, {0: "agent"}, options.windows.split_gap_s)
        hint = None
        if evidence.get("rule") == "one_voice_two_moods" or (split.contrast or 0.0) >= options.count.min_contrast:
            gap = evidence.get("pitch_gap_st")
            why = f"voice contrast {split.contrast:.1f}" + (f", the two parts {gap:.1f} semitones apart in pitch" if gap is not None else "")
            hint = f"measured as one voice, but it varies as much as two voices might ({why}); if both parties are on this recording, --speakers 2 separates them"
        return Diarization(1, turns, {"method": "single_speaker", "score": None}, split.similarity, split.separation, evidence, hint, timings)
    bridge = options.windows.split_gap_s
    tic = time.perf_counter()
    voice = None if voiceprint is None else _unit(project(np.asarray(voiceprint, np.float32)[None])[0])
    strict = np.where(found.speech, split.labels, -1)  # the naming rules were set on the speech frames' turns
    agent, selection = choose_agent(split.centroids, turns_from_labels(strict, {0: 0, 1: 1}, bridge), voice, greeter)
    timings["diarize_agent"] = time.perf_counter() - tic
    names = {agent: "agent", 1 - agent: "other"}
    return Diarization(2, turns_from_labels(split.labels, names, bridge), selection, split.similarity, split.separation, evidence, None, timings)


def mute_spans(samples: np.ndarray, spans: list[tuple[float, float]], fade_s: float = FADE_S) -> np.ndarray:
    """A copy of ``samples`` (16 kHz) silent inside ``spans`` (s), with short linear fades
    at the edges so no click reaches the VAD."""
    out = np.array(samples, dtype=np.float32, copy=True)
    gain = np.ones(len(out), np.float32)
    fade = max(1, int(fade_s * SAMPLE_RATE))
    ramp = np.linspace(1.0, 0.0, fade, dtype=np.float32)
    for a, b in spans:
        i, j = max(0, int(a * SAMPLE_RATE)), min(len(out), int(np.ceil(b * SAMPLE_RATE)))
        if j <= i:
            continue
        gain[i:j] = 0.0
        lo = max(0, i - fade)
        gain[lo:i] = np.minimum(gain[lo:i], ramp[fade - (i - lo) :])
        hi = min(len(out), j + fade)
        gain[j:hi] = np.minimum(gain[j:hi], ramp[::-1][: hi - j])
    return out * gain
