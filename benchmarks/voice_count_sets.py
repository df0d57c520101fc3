"""Real recordings of one voice and of two voices on one channel, for calibrating (and
checking) diarize's one-or-two-voices decision.  Nothing here is synthesised speech.

One voice (``voices=1``):
- ``libri1``: a LibriSpeech utterance (7-21 s) of one reader; the six readers with many
  utterances give three joined utterances (~40 s);
- ``emodb1``: 12 EmoDB clips (2 s, mixed emotions: a hard case, the voice changes) of one
  actor joined with 0.3-0.7 s gaps;
- ``phone1``: one party of the real telephone call alone (its solo .rttm turns joined).
Two voices (``voices=2``):
- ``libri2``: two different LibriSpeech readers alternating 1-4 s pieces of an utterance
  each (the agent's last piece kept out for enrolment);
- ``emodb2``: two different EmoDB actors alternating clips;
- ``phone2``: the real telephone call itself.
Two-voice files put one party (the "agent") 0, -10, -15 or -20 dB against the other.
Every file goes through a channel: 16 kHz PCM, 8 kHz PCM or 8 kHz 8-bit mu-law (cycled).

Halves by speaker: LibriSpeech readers whose id is divisible by 3 and EmoDB actors 09 and
11 are held out (files only of held-out speakers); the rest tune.  The telephone call is in
the tuning half: its figure started this work, so it cannot be blind.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

import numpy as np

from benchmarks.diarize_sets import SHARED, SR, _mix, _pieces, _rms, channel

KINDS = (None, "pcm8k", "mulaw")
LEVELS_DB = (0.0, -10.0, -15.0, -20.0)
HELD_OUT_EMODB = ("09", "11")


@dataclass
class VoiceFile:
    """name; voices: 1 or 2; half: "tune" | "heldout"; mono: 16 kHz float32 (n,) as the
    analyzer hears it; source: "libri" | "emodb" | "phone"; kind: channel; reference:
    (agent, other) bool per 10 ms for two-voice files with known turns, else None."""

    name: str
    voices: int
    half: str
    mono: np.ndarray
    source: str
    kind: Optional[str] = None
    agent_db: float = 0.0
    reference: Optional[tuple[np.ndarray, np.ndarray]] = None
    speakers: tuple = ()  # training-class names ("libri<id>", "emodb<actor>") of its voices
    enrol: Optional[np.ndarray] = None  # the agent alone, not in the file (two-voice files)

    def activity(self) -> tuple[np.ndarray, np.ndarray]:
        return self.reference


def _read(path) -> np.ndarray:
    from analyzer.audio import load_audio

    return load_audio(path).samples


def _libri_half(speaker: str) -> str:
    return "heldout" if int(speaker) % 3 == 0 else "tune"


def _emodb_half(actor: str) -> str:
    return "heldout" if actor in HELD_OUT_EMODB else "tune"


def _joined(clips: list[np.ndarray], rng: random.Random) -> np.ndarray:
    parts = []
    for c in clips:
        parts += [c, np.zeros(int(rng.uniform(0.3, 0.7) * SR), np.float32)]
    return np.concatenate(parts)


def _alternate(a_parts: list[np.ndarray], b_parts: list[np.ndarray], rng: random.Random, gap_s: tuple = (0.2, 0.8)):
    """Two tracks of equal length: turns alternate (gaps uniform in ``gap_s``, who opens at random)
    while both parties have pieces left, then the one with more goes on alone (all of both
    parties' speech is used: short utterances would otherwise make calls of a few seconds)."""
    tracks: list[list[np.ndarray]] = [[], []]
    parts = [list(a_parts), list(b_parts)]
    who = rng.randint(0, 1)
    while parts[0] or parts[1]:
        if not parts[who]:
            who = 1 - who
        piece = parts[who].pop(0)
        gap = np.zeros(int(rng.uniform(*gap_s) * SR), np.float32)
        tracks[who] += [piece, gap]
        tracks[1 - who] += [np.zeros(len(piece), np.float32), gap]
        who = 1 - who
    return [np.concatenate(t) * (0.1 / _rms(np.concatenate(t))) for t in tracks]


def _two(name, a, b, rng, level, kind, source, half, speakers, enrol, gap_s: tuple = (0.2, 0.8)) -> VoiceFile:
    """a, b: pieces of the agent and of the other party; enrol: the agent, not in the call."""
    from benchmarks.diarize_sets import active_frames

    ta, tb = _alternate(a, b, rng, gap_s)
    _, _, mono = _mix(ta, tb, level)
    # reference turns from the tracks before the level change (both at -20 dBFS RMS), so a
    # quiet agent's speech is not lost below the activity threshold
    return VoiceFile(name, 2, half, channel(mono, kind), source, kind, level, (active_frames(ta), active_frames(tb)), speakers, enrol)


def librispeech_files(seed: int = 170, n_pairs_per_half: int = 24) -> list[VoiceFile]:
    root = SHARED / "speech" / "librispeech"
    rng = random.Random(seed)
    speakers = sorted(p for p in root.iterdir() if p.is_dir())
    out = []
    for i, spk in enumerate(speakers):
        files = sorted(spk.glob("*.flac"))
        clip = _read(files[0]) if len(files) == 1 else _joined([_read(f) for f in rng.sample(files, 3)], rng)
        kind = KINDS[i % 3]
        out.append(VoiceFile(f"libri1_{spk.name}_{kind or 'pcm16k'}", 1, _libri_half(spk.name), channel(clip, kind), "libri", kind, speakers=(f"libri{spk.name}",)))
    for half in ("tune", "heldout"):
        pool = [s for s in speakers if _libri_half(s.name) == half]
        for k in range(n_pairs_per_half):
            a, b = rng.sample(pool, 2)
            pieces = [_pieces(_read(sorted(s.glob("*.flac"))[0]), rng, 1.0, 4.0, 0.25) for s in (a, b)]  # telephone turns are short
            keep = len(pieces[0]) - 1 if len(pieces[0]) >= 3 else len(pieces[0])  # the agent's last piece stays out of the call
            level, kind = LEVELS_DB[k % 4], KINDS[(k // 4) % 3]
            enrol = channel(np.concatenate(pieces[0][keep:]), kind) if keep < len(pieces[0]) else None
            out.append(_two(f"libri2_{a.name}-vs-{b.name}_{level:+.0f}dB_{kind or 'pcm16k'}", pieces[0][:keep], pieces[1], rng, level, kind, "libri", half,
                            (f"libri{a.name}", f"libri{b.name}"), enrol))
    return out


def emodb_files(seed: int = 171, per_actor: int = 4, pairs: int = 12) -> list[VoiceFile]:
    root = SHARED / "emotion" / "emodb"
    rng = random.Random(seed)
    by_actor: dict[str, list] = {}
    for f in sorted(root.glob("*.flac")):
        by_actor.setdefault(f.name[:2], []).append(f)
    out, n = [], 0
    for actor, files in sorted(by_actor.items()):
        for k in range(per_actor):
            kind = KINDS[n % 3]
            n += 1
            clip = _joined([_read(f) for f in rng.sample(files, 12)], rng)
            out.append(VoiceFile(f"emodb1_{actor}_{k}_{kind or 'pcm16k'}", 1, _emodb_half(actor), channel(clip, kind), "emodb", kind, speakers=(f"emodb{actor}",)))
    for half in ("tune", "heldout"):
        actors = [a for a in sorted(by_actor) if _emodb_half(a) == half]
        for k in range(pairs if half == "tune" else pairs // 2):
            a, b = rng.sample(actors, 2)
            clips = [[_read(f) for f in rng.sample(by_actor[x], 10)] for x in (a, b)]
            enrol = _joined(clips[0][8:], rng)  # two clips of the agent stay out of the call
            level, kind = LEVELS_DB[k % 4], KINDS[(k // 4) % 3]
            out.append(_two(f"emodb2_{a}-vs-{b}_{k}_{level:+.0f}dB_{kind or 'pcm16k'}", clips[0][:8], clips[1][:8], rng, level, kind, "emodb", half,
                            (f"emodb{a}", f"emodb{b}"), channel(enrol, kind)))
    return out


def telephone_files() -> list[VoiceFile]:
    """The real call (two voices, scored against its .rttm) and each party's solo turns
    joined (one voice each, the same 8 kHz line)."""
    from benchmarks.diarize_sets import telephone_sample

    call = telephone_sample()
    if call is None:
        return []
    agent, other = call.reference
    out = [VoiceFile("phone2_telephone_sample", 2, "tune", call.mono, "phone", "pcm8k", 0.0, call.reference)]
    for name, mine, theirs in (("first", agent, other), ("second", other, agent)):
        solo = mine & ~theirs
        edges = np.flatnonzero(np.diff(np.concatenate([[0], solo.astype(int), [0]])))
        runs = [call.mono[a * 160 : b * 160] for a, b in zip(edges[::2], edges[1::2]) if b - a >= 30]
        gap = np.zeros(int(0.4 * SR), np.float32)
        out.append(VoiceFile(f"phone1_{name}_party", 1, "tune", np.concatenate([x for r in runs for x in (gap, r)] + [gap]), "phone", "pcm8k"))
    return out


def voice_files() -> list[VoiceFile]:
    """All calibration files (seeded: the same files on every run)."""
    return telephone_files() + librispeech_files() + emodb_files()
