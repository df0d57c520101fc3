"""A fresh held-out set of real two-party mono mixes (round 3 of issue 17), built because
the earlier held-out mixes (``voice_count_sets``, id divisible by 3) had been scored three
times and a rule changed between scorings.

Speakers: the eight LibriSpeech readers of the held-out pool (id divisible by 3: never in
the LDA projection's training) that no earlier two-party set used (not in
``voice_count_sets``' or ``diarize_sets``' mixes nor in ``with_real_other``; found from the
file names recorded in diarize.json at df6ed3a).  Their one utterance each (8-16 s) is cut
into 1-4 s pieces; each reader is the agent in two calls (against the next reader and the
one three places on), so 16 calls of about 25 s.  Turns alternate with 0.1-0.6 s gaps
(shorter than the older sets' 0.2-0.8 s: nearer telephone turn-taking); the agent 0, -10,
-15 or -20 dB against the other party (12 of 16 calls 10-20 dB quieter); 16 kHz PCM, 8 kHz
PCM or 8 kHz 8-bit mu-law.  The agent's last piece(s), at least 2.5 s, stay out of the call
for enrolment.  Built and scored first with the df6ed3a code, before any change of round 3.
"""

from __future__ import annotations

import random

import numpy as np

from benchmarks.diarize_sets import SHARED, channel, _pieces
from benchmarks.voice_count_sets import KINDS, LEVELS_DB, VoiceFile, _read, _two

FRESH_READERS = ("2817", "4830", "5322", "6147", "696", "7113", "7278", "7800")
GAP_S = (0.1, 0.6)
ENROL_S = 2.5


def _split_enrolment(pieces: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """(pieces for the call, the last pieces joined: >= ENROL_S of the agent for enrolment)."""
    keep, held = len(pieces), 0
    while keep > 2 and held < ENROL_S * 16000:
        keep -= 1
        held += len(pieces[keep])
    return pieces[:keep], np.concatenate(pieces[keep:])


def fresh_mixes(seed: int = 1703) -> list[VoiceFile]:
    """The 16 calls (half "fresh"); empty when ../shared is absent."""
    root = SHARED / "speech" / "librispeech"
    if not root.is_dir():
        return []
    rng = random.Random(seed)
    clips = {r: _read(sorted((root / r).glob("*.flac"))[0]) for r in FRESH_READERS}
    out = []
    for k in range(2 * len(FRESH_READERS)):
        i = k % len(FRESH_READERS)
        a, b = FRESH_READERS[i], FRESH_READERS[(i + (1 if k < len(FRESH_READERS) else 3)) % len(FRESH_READERS)]
        call_a, enrol = _split_enrolment(_pieces(clips[a], rng, 1.0, 4.0, 0.25))
        other = _pieces(clips[b], rng, 1.0, 4.0, 0.25)
        level, kind = LEVELS_DB[k % 4], KINDS[k % 3]
        out.append(_two(f"fresh2_{a}-vs-{b}_{level:+.0f}dB_{kind or 'pcm16k'}", call_a, other, rng, level, kind, "libri", "fresh",
                        (f"libri{a}", f"libri{b}"), channel(enrol, kind), GAP_S))
    return out
