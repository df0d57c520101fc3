"""Resegmentation of two voices inside one speech region (analyzer.reseg)."""

import numpy as np

from analyzer.reseg import ResegOptions, labelled_runs, refit_centroids, resegment, short_windows, two_state_path
from analyzer.vad import FRAME, FRAME_S


def test_a_short_stretch_of_the_other_voice_survives_a_small_switch_cost_only():
    # 2 s of voice 1, 0.5 s of voice 0, 2 s of voice 1 (32 ms frames), score-seconds per frame
    scores = np.r_[np.full(62, 0.2), np.full(16, -0.2), np.full(62, 0.2)] * FRAME_S
    evidence = 16 * 0.2 * FRAME_S  # what the 0.5 s stretch gains by switching: ~0.1 score-seconds
    carved = two_state_path(scores, switch_cost=0.2 * evidence)
    assert carved.tolist() == [1] * 62 + [0] * 16 + [1] * 62
    assert two_state_path(scores, switch_cost=2 * evidence).tolist() == [1] * 140


def test_runs_and_short_windows_cover_a_region():
    labelled = np.zeros(100, bool)
    labelled[10:40] = labelled[44:60] = labelled[80:85] = True  # a 4-frame gap bridged, a 20-frame one not
    assert labelled_runs(labelled, 0.25) == [(10, 60), (80, 85)]
    spans = short_windows((10, 60), 0.75, 0.25)
    assert spans[0][0] == 10 * FRAME and spans[-1][1] == 60 * FRAME
    assert all(b - a == 12000 for a, b in spans)
    assert short_windows((80, 85), 0.75, 0.25) == [(80 * FRAME, 85 * FRAME)]


def test_refit_moves_each_centroid_to_its_short_windows():
    labels = np.r_[np.zeros(50, int), np.ones(50, int)]
    spans = [(i * FRAME, (i + 10) * FRAME) for i in range(0, 90, 10)]
    near0, near1 = np.array([1.0, 0.2]), np.array([0.2, 1.0])
    emb = np.stack([near0 if a // FRAME < 45 else near1 for a, _ in spans])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    cents = refit_centroids(labels, spans, emb, np.eye(2))
    assert np.allclose(cents[0], emb[0]) and np.allclose(cents[1], emb[-1])


def test_only_uncertain_runs_are_rescored():
    # two runs: the first clearly voice 1 by its long windows, the second mixed
    labels = np.full(200, -1)
    labels[0:60], labels[100:130], labels[130:190] = 1, 1, 0
    labelled = labels >= 0
    long_spans = [(0, 60 * FRAME), (100 * FRAME, 190 * FRAME)]
    long_emb = np.array([[0.0, 1.0], [0.6, 0.8]])
    asked = []

    def embed(spans):
        asked.extend(spans)
        return np.array([[0.0, 1.0] if a < 130 * FRAME else [1.0, 0.0] for a, _ in spans])

    out, n = resegment(labels, labelled, long_spans, long_emb, np.eye(2), embed, ResegOptions(margin=0.5))
    assert n == len(asked) > 0 and all(a >= 100 * FRAME for a, _ in asked)
    assert np.array_equal(out[:60], labels[:60])
    assert set(out[100:120]) == {1} and set(out[170:190]) == {0}


def test_zones_reach_around_a_change_and_keep_the_labels_at_their_edges():
    from analyzer.reseg import uncertain_zones

    labels = np.r_[np.ones(100, int), np.zeros(100, int)]
    score = np.r_[np.full(100, 0.5), np.full(100, -0.5)]
    count = np.ones(200)
    assert uncertain_zones((0, 200), labels, score, count, margin=0.2, reach_s=1.0) == [(69, 132)]
    assert uncertain_zones((0, 100), labels, score, count, margin=0.2, reach_s=1.0) == []
    # a path that must leave a zone in the label after it pays for that change
    assert two_state_path(np.full(5, -0.01), 0.1, before=1, after=1).tolist() == [1] * 5
    assert two_state_path(np.full(5, -0.01), 0.1, before=1).tolist() == [1] * 5
    assert two_state_path(np.full(5, -0.1), 0.1, before=1).tolist() == [0] * 5
