"""Resegmentation of two voices inside speech regions: short windows and a two-state path.

The clustering's 1.5 s windows every 0.75 s blur a change of speaker that has no pause, and
a short interjection of the other party inside one region is outvoted.  After the two voices
are known (their centroids), the uncertain stretches of each run of labelled speech -- within
``reach_s`` of a change of label, or of a 1.5 s window not clearly nearer one voice -- are
scored again with short windows (``window_s`` every ``hop_s``), and the labels of their
frames are the best two-state path (Viterbi) through those scores with a cost per change of
speaker (the resegmentation step of diarization systems, e.g. VB-HMM resegmentation, reduced
to two known voices, optionally re-estimated on the short windows, and a fixed switch
penalty).  Stretches the 1.5 s windows call clearly for one voice are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .audio import SAMPLE_RATE
from .vad import FRAME, FRAME_S


@dataclass(frozen=True)
class ResegOptions:
    """window_s / hop_s: the short windows (s); switch_s: the cost of one change of speaker,
    in score-seconds (score = cosine to the second centroid minus to the first); a change is
    kept when the other voice's stretch gains more than that; margin: frames whose 1.5 s
    windows score within +-margin are uncertain too (0: only changes of label); long_weight: share of
    the 1.5 s windows' score kept in each frame's score (0: the short windows alone); refit:
    score the short windows against centroids of short windows (each voice's short windows
    by the current labels, as VB resegmentation re-estimates its speaker models), not the
    1.5 s windows' centroids (a short window's embedding lies nearer the middle); tile_s:
    each short window is tiled to this length before the encoder (the network's final state
    needs ~1 s of input; its cost is linear in this length); reach_s: how far either side
    of a change of label or an uncertain 1.5 s window the short windows reach (s)."""

    window_s: float = 0.5
    hop_s: float = 0.25
    switch_s: float = 0.2
    margin: float = 0.0
    long_weight: float = 0.0
    bridge_s: float = 0.25
    refit: bool = True
    tile_s: float = 1.5
    reach_s: float = 0.5


def labelled_runs(labelled: np.ndarray, bridge_s: float) -> list[tuple[int, int]]:
    """Runs of labelled frames, gaps shorter than ``bridge_s`` bridged: (start, end) frames."""
    idx = np.flatnonzero(labelled)
    if not len(idx):
        return []
    gap = max(1, int(round(bridge_s / FRAME_S)))
    breaks = np.flatnonzero(np.diff(idx) > gap)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, ends)]


def frame_scores(n: int, spans: list[tuple[int, int]], scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean score per frame of the windows (sample spans) covering it, and the cover count."""
    total, count = np.zeros(n), np.zeros(n)
    for (a, b), s in zip(spans, scores):
        fa, fb = a // FRAME, min(n, -(-b // FRAME))
        total[fa:fb] += s
        count[fa:fb] += 1
    return np.where(count > 0, total / np.maximum(count, 1), 0.0), count


def uncertain_zones(run: tuple[int, int], labels: np.ndarray, long_score: np.ndarray, long_count: np.ndarray, margin: float,
                    reach_s: float) -> list[tuple[int, int]]:
    """The stretches of a run worth rescoring (frames): around each change of label, and
    around each frame whose 1.5 s windows' score lies within +-margin, by ``reach_s`` either
    side, inside the run.  A run clearly of one voice gives none."""
    a, b = run
    mark = np.zeros(b - a, bool)
    own = labels[a:b]
    idx = np.flatnonzero(own >= 0)
    changes = idx[1:][own[idx[1:]] != own[idx[:-1]]]
    mark[changes] = True
    covered = long_count[a:b] > 0
    mark |= covered & (np.abs(long_score[a:b]) < margin)
    if not mark.any():
        return []
    reach = int(round(min(reach_s, (b - a) * FRAME_S) / FRAME_S))
    total, at = np.concatenate([[0], np.cumsum(mark)]), np.arange(b - a)
    grown = total[np.minimum(b - a, at + reach + 1)] > total[np.maximum(0, at - reach)]
    edges = np.flatnonzero(np.diff(np.concatenate([[0], grown.astype(int), [0]])))
    return [(a + int(s), a + int(e)) for s, e in zip(edges[::2], edges[1::2])]


def short_windows(run: tuple[int, int], window_s: float, hop_s: float) -> list[tuple[int, int]]:
    """Sample spans of windows of ``window_s`` every ``hop_s`` over a run (the last ending at
    its end); a run shorter than one window is one window."""
    a, b = run[0] * FRAME, run[1] * FRAME
    win, hop = int(window_s * SAMPLE_RATE), max(1, int(hop_s * SAMPLE_RATE))
    if b - a <= win:
        return [(a, b)]
    starts = list(range(a, b - win + 1, hop))
    if starts[-1] + win < b:
        starts.append(b - win)
    return [(s, s + win) for s in starts]


def two_state_path(scores: np.ndarray, switch_cost: float, before: int = -1, after: int = -1) -> np.ndarray:
    """The 0/1 sequence maximising sum(score where 1, -score where 0) minus ``switch_cost``
    per change (Viterbi over two states; scores in the same units as the cost), a change
    from ``before`` (the label just ahead, -1: none) and to ``after`` counted too: int (n,)."""
    n = len(scores)
    if n == 0:
        return np.zeros(0, int)
    entry = np.array([0.0, 0.0]) if before < 0 else np.where(np.arange(2) == before, 0.0, -switch_cost)
    gain = entry + np.array([-scores[0], scores[0]])
    back = np.zeros((n, 2), int)
    for t in range(1, n):
        stay, switch = gain, gain[::-1] - switch_cost
        back[t] = np.where(stay >= switch, [0, 1], [1, 0])
        gain = np.maximum(stay, switch) + np.array([-scores[t], scores[t]])
    if after >= 0:
        gain = gain - np.where(np.arange(2) == after, 0.0, switch_cost)
    path = np.zeros(n, int)
    path[-1] = int(np.argmax(gain))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def refit_centroids(labels: np.ndarray, spans: list, emb: np.ndarray, centroids: np.ndarray, min_windows: int = 3) -> np.ndarray:
    """Unit centroids (2, k) of the short windows ``emb`` (unit, (m, k)) of each voice, a
    window going to the label most of its frames carry; a voice with fewer than
    ``min_windows`` keeps its centroid."""
    n = len(labels)
    share = np.array([np.mean(labels[a // FRAME : min(n, -(-b // FRAME))] == 1) if np.any(labels[a // FRAME : min(n, -(-b // FRAME))] >= 0) else 0.5
                      for a, b in spans])
    out = np.array(centroids, np.float64)
    for k, mine in ((0, share < 0.5), (1, share > 0.5)):
        if mine.sum() >= min_windows:
            mean = emb[mine].mean(0)
            out[k] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return out


def resegment(labels: np.ndarray, labelled: np.ndarray, long_spans: list, long_emb: np.ndarray, centroids: np.ndarray,
              embed_spans: Callable[[list], np.ndarray], options: ResegOptions = ResegOptions()) -> tuple[np.ndarray, int]:
    """Frame labels (-1 / 0 / 1 per 32 ms) with the uncertain runs relabelled (module
    docstring).  long_spans / long_emb: the 1.5 s windows (samples) and their unit
    embeddings in the voices' space (n, k); centroids: unit (2, k); embed_spans: sample
    spans -> unit embeddings the same way.  A score is the cosine to voice 1 minus that to
    voice 0.  Returns (labels, number of short windows scored)."""
    n = len(labels)
    long_score, long_count = frame_scores(n, long_spans, long_emb @ (centroids[1] - centroids[0]))
    zones = [z for r in labelled_runs(labelled, options.bridge_s)
             for z in uncertain_zones(r, labels, long_score, long_count, options.margin, options.reach_s)]
    spans = [short_windows(z, options.window_s, options.hop_s) for z in zones]
    flat = [s for group in spans for s in group]
    if not flat:
        return labels, 0
    emb = np.asarray(embed_spans(flat), float)
    cents = refit_centroids(labels, flat, emb, centroids) if options.refit else centroids
    scores = emb @ (cents[1] - cents[0])
    short_score, _ = frame_scores(n, flat, scores)
    mixed = (1.0 - options.long_weight) * short_score + options.long_weight * long_score
    out = labels.copy()
    for a, b in zones:
        before = int(labels[a - 1]) if a > 0 and labelled[a - 1] else -1
        after = int(labels[b]) if b < n and labelled[b] else -1
        path = two_state_path(mixed[a:b] * FRAME_S, options.switch_s, before, after)
        mine = labelled[a:b]
        out[a:b][mine] = path[mine]
    return out, len(flat)
