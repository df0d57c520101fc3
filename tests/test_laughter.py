"""Real-audio tests of the laughter detector (skip when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"

pytestmark = pytest.mark.skipif(
    not (DATA / "nonverbal" / "laughing").is_dir(),
    reason=f"real recordings not found at {DATA} (../shared/data is needed for laughter tests)",
)


def _load(path: Path) -> np.ndarray:
    import soundfile as sf
    import soxr

    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != 16000:
        x = soxr.resample(x, sr, 16000).astype(np.float32)
    return x


def _telephone(x: np.ndarray) -> np.ndarray:
    """16 kHz -> 8 kHz -> 8-bit mu-law round trip -> 16 kHz."""
    import soxr

    mu = 255.0
    y = np.clip(soxr.resample(x.astype(np.float64), 16000, 8000), -1, 1)
    c = np.round((np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu) + 1) / 2 * mu) / mu * 2 - 1
    y = np.sign(c) * ((1 + mu) ** np.abs(c) - 1) / mu
    return soxr.resample(y, 8000, 16000)[: len(x)].astype(np.float32)


@pytest.fixture(scope="module")
def detector():
    from analyzer.laughter import LaughterDetector

    return LaughterDetector()


@pytest.fixture(scope="module")
def laughs():
    return [_load(p) for p in sorted((DATA / "nonverbal" / "laughing").glob("*.flac"))]


@pytest.fixture(scope="module")
def speech():
    files = sorted((DATA / "speech" / "librispeech").glob("*/*.flac"))[::8]  # ~29 utterances
    return [_load(p) for p in files]


def test_fires_on_real_laughs(detector, laughs):
    fired = [len(detector.segments(x)) > 0 for x in laughs]
    assert sum(fired) >= len(laughs) - 1, f"fired on {sum(fired)}/{len(laughs)} laugh clips"
    t, p = detector.frame_probabilities(laughs[0])
    assert len(t) == len(p) and np.all(np.diff(t) > 0) and p.max() > detector.threshold


def test_silent_on_librispeech(detector, speech):
    segs = [s for x in speech for s in detector.segments(x)]
    minutes = sum(len(x) for x in speech) / 16000 / 60
    assert minutes > 3
    assert len(segs) <= 1, f"{len(segs)} false laughter segments in {minutes:.1f} min of read speech: {segs}"


def test_works_on_8k_mulaw(detector, laughs, speech):
    fired = [len(detector.segments(_telephone(x))) > 0 for x in laughs]
    assert sum(fired) >= len(laughs) - 1, f"8 kHz mu-law: fired on {sum(fired)}/{len(laughs)} laughs"
    segs = [s for x in speech[:12] for s in detector.segments(_telephone(x))]
    assert len(segs) <= 1, f"8 kHz mu-law: false segments on read speech: {segs}"


def test_tracker_block_size_independent(detector, laughs, speech):
    from analyzer.laughter import LaughterTracker

    gap = np.zeros(8000, dtype=np.float32)
    audio = np.concatenate([speech[0], gap, laughs[1] * 0.5, speech[1], laughs[2], gap])
    ref = detector.segments(audio, t0=12.0)
    assert ref, "expected laughter segments in the mixed stream"
    assert all(12.0 <= s.start < s.end <= 12.0 + len(audio) / 16000 + 0.1 for s in ref)
    key = lambda segs: [(s.start, s.end, round(s.probability, 3)) for s in segs]  # noqa: E731
    for block in (160, 1000, 4801, 16000):
        tr = LaughterTracker(detector)
        got = []
        for i in range(0, len(audio), block):
            segs = tr.feed(audio[i : i + block], 12.0 + i / 16000)
            for s in segs:
                assert s.emitted_at_s >= s.end  # emitted after it closed
                assert s.emitted_at_s - s.end <= tr.latency_s + block / 16000  # the pipeline waits this long
            got += segs
        got += tr.flush()
        assert key(got) == key(ref), f"block {block}"
        t, p = tr.probability_track()  # the stream scores exactly the windows the file path scores
        t_file, p_file = detector.frame_probabilities(audio)
        np.testing.assert_allclose(t, t_file + 12.0, atol=1e-6)
        np.testing.assert_allclose(p, p_file, atol=1e-6)
        # bounded state: under one chunk of audio, one chunk plus one window of states
        assert len(tr.buf) < tr.fx.chunk and len(tr.states) <= tr.fx.chunk // tr.fx.state_hop + tr.fx.ws


def test_tracker_memory_flat_and_short_input(detector, speech):
    from analyzer.laughter import LaughterTracker

    tr = LaughterTracker(detector, history_s=30.0)
    x = np.concatenate(speech[:6])
    for _ in range(3):
        for i in range(0, len(x), 3200):
            tr.feed(x[i : i + 3200])
    assert len(tr.buf) < tr.fx.chunk and len(tr.states) <= tr.fx.chunk // tr.fx.state_hop + tr.fx.ws and len(tr.track) <= 300
    tr.flush()
    # under one window: zero-padded, no crash
    assert detector.segments(np.zeros(4000, dtype=np.float32)) == []
    t, p = detector.frame_probabilities(np.zeros(4000, dtype=np.float32))
    assert len(p) == 1 and p[0] == 0.0
