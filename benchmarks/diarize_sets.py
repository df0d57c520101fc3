"""Two-party mono test calls with known speaker turns, for bench_diarize and the tests.

Every call is a (agent, other) pair of 16 kHz tracks; the mono call is their sum after a
level change and an optional telephone channel (8 kHz PCM, or 8-bit G.711 mu-law); the
reference turns come from the tracks themselves (10 ms frames above -45 dBFS), so overlap
and pauses are exact.  Sets:
- ``synthetic_calls``: agent script with apologies (make_eval_calls' sentences and delivery
  styles) in one synthesised voice, customer replies -- some of them apologies -- in another;
- ``librispeech_calls``: two real LibriSpeech readers alternating 2-5 s pieces of their
  utterances (an utterance of the agent not used in the call is kept for enrolment);
- ``telephone_sample``: the real two-party call in ../shared with its .rttm turns.
Halves: even-numbered calls are the tuning half, odd ones are held out.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthesis import Turn, build_call, speak, through_telephone  # noqa: E402

SR = 16000
FRAME = 160  # 10 ms reference grid
ACTIVE_DBFS = -45.0
SHARED = ROOT.parent / "shared" / "data"

CUSTOMER_LINES = [
    "Hi, yes, I'm calling about my last bill.",
    "Sure, it's Morgan Lee.",
    "Yes, that's correct.",
    "It's been three days and nothing has arrived.",
    "Can you tell me when it will be fixed?",
    "Alright, that works for me.",
]
CUSTOMER_APOLOGIES = [
    "Oh, sorry, I didn't mean to interrupt you.",
    "I'm so sorry, I gave you the wrong number a moment ago.",
    "Sorry about that, my dog was barking.",
]
# agent voice, customer voice, agent level vs customer (dB), channel
SYNTH_PLAN = [
    ("joe", "hibari", 0.0, None),
    ("hibari", "joe", -15.0, None),
    ("joe", "espeak", -10.0, "pcm8k"),
    ("hibari", "espeak", 0.0, "mulaw"),
    ("espeak", "joe", -20.0, None),
    ("joe", "hibari", -15.0, "mulaw"),
    ("hibari", "joe", 0.0, "pcm8k"),
    ("espeak", "hibari", -12.0, "mulaw"),
]


@dataclass
class TwoPartyCall:
    """agent, other: 16 kHz float32 tracks (n,) as mixed (levels applied, before the
    channel); mono: the call the analyzer hears; enrol: a clip of the agent alone, not in
    the call; truth: the agent's apologies (synthetic calls); half: "tune" or "heldout"."""

    name: str
    agent: np.ndarray
    other: np.ndarray
    mono: np.ndarray
    half: str
    enrol: Optional[np.ndarray] = None
    kind: Optional[str] = None  # channel: None (16 kHz PCM), "pcm8k" or "mulaw"
    truth: list = field(default_factory=list)
    customer_apologies: list = field(default_factory=list)  # (start_s, end_s)
    reference: Optional[tuple[np.ndarray, np.ndarray]] = None  # (agent, other) bool per 10 ms

    def activity(self) -> tuple[np.ndarray, np.ndarray]:
        """Reference activity per 10 ms frame: (agent bool (m,), other bool (m,))."""
        if self.reference is not None:
            return self.reference
        return active_frames(self.agent), active_frames(self.other)


def active_frames(track: np.ndarray) -> np.ndarray:
    from analyzer.audio import frame_levels_db

    return frame_levels_db(track, FRAME) > ACTIVE_DBFS


def channel(mono: np.ndarray, kind: Optional[str]) -> np.ndarray:
    if kind is None:
        return mono.astype(np.float32)
    return through_telephone(mono, SR, "mulaw" if kind == "mulaw" else None)[: len(mono)]


def _mix(agent: np.ndarray, other: np.ndarray, agent_db: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agent at ``agent_db`` relative to the other party; the louder one peaks at 0.9."""
    agent = agent * 10 ** (agent_db / 20)
    peak = max(float(np.max(np.abs(agent + other))), 1e-9)
    gain = min(1.0, 0.9 / peak)
    return (agent * gain).astype(np.float32), (other * gain).astype(np.float32), ((agent + other) * gain).astype(np.float32)


def _customer_turns(agent_turns: list[Turn], rng: random.Random) -> list[Turn]:
    """Customer replies after most agent turns; two of them are the customer's apologies."""
    apologising = set(rng.sample(range(1, len(agent_turns) - 1), 2))
    out = []
    for i, turn in enumerate(agent_turns[:-1]):
        out.append(turn)
        if i in apologising or rng.random() < 0.6:
            turn.pause_after_s = 0.4
            text = rng.choice(CUSTOMER_APOLOGIES) if i in apologising else rng.choice(CUSTOMER_LINES)
            out.append(Turn(text, speaker="customer", pause_after_s=round(rng.uniform(0.3, 0.7), 2)))
    return out + agent_turns[-1:]


def synthetic_calls(n: int = len(SYNTH_PLAN), seed: int = 17) -> list[TwoPartyCall]:
    """Synthesised two-voice calls with agent apologies (2 each) and customer apologies."""
    from benchmarks.make_eval_calls import APOLOGIES, CallSpec, agent_script, apology_turn, deliveries

    rng = random.Random(seed)
    styles = deliveries(rng, 2 * n)
    texts = rng.sample(APOLOGIES, 2 * n)
    calls = []
    for i, (voice, cust, agent_db, kind) in enumerate(SYNTH_PLAN[:n]):
        apologies = [apology_turn(texts[2 * i + k], styles[2 * i + k], rng) for k in range(2)]
        turns = _customer_turns(agent_script(CallSpec(voice, 2), apologies, rng), rng)
        stereo, _, truth = build_call(turns, voice=voice, customer_voice=cust, seed=seed + i)
        agent, other, mono = _mix(stereo[:, 1], stereo[:, 0], agent_db)
        spans = _customer_apology_spans(turns, stereo[:, 0])
        name = f"synth{i}_{voice}-vs-{cust}_{agent_db:+.0f}dB_{kind or 'pcm16k'}"
        enrol = speak("Thank you for holding, I have your account open in front of me now.", voice, SR, seed=seed + 100 + i)
        calls.append(TwoPartyCall(name, agent, other, channel(mono, kind), "tune" if i % 2 == 0 else "heldout", enrol, kind, truth, spans))
    return calls


def _customer_apology_spans(turns: list[Turn], customer: np.ndarray) -> list[tuple[float, float]]:
    """Where the customer's apology turns lie: the k-th customer speech run is the k-th
    customer turn (build_call places turns in order with pauses between them)."""
    active = active_frames(customer)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(int), [0]])))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2])]
    merged: list[list[int]] = []
    for a, b in runs:  # bridge the gaps inside one turn (stops, commas)
        if merged and a - merged[-1][1] < 80:  # consecutive customer turns have an agent turn between
            merged[-1][1] = b
        else:
            merged.append([a, b])
    customer_turns = [t for t in turns if t.speaker == "customer"]
    return [(a * FRAME / SR, b * FRAME / SR) for (a, b), t in zip(merged, customer_turns) if t.text in CUSTOMER_APOLOGIES]


def _pieces(clip: np.ndarray, rng: random.Random, min_s: float = 2.0, max_s: float = 5.0, search_s: float = 0.5) -> list[np.ndarray]:
    """min_s-max_s pieces of an utterance, cut at its quietest 10 ms frame within
    search_s of each cut."""
    from analyzer.audio import frame_levels_db

    levels = frame_levels_db(clip, FRAME)
    out, start = [], 0
    search = int(search_s * SR)
    while len(clip) - start > max_s * SR:
        target = start + int(rng.uniform(min_s, max_s) * SR)
        lo, hi = (target - search) // FRAME, (target + search) // FRAME
        cut = (lo + int(np.argmin(levels[lo:hi]))) * FRAME
        out.append(clip[start:cut])
        start = cut
    out.append(clip[start:])
    return [p for p in out if len(p) > SR // 2]


def librispeech_calls(seed: int = 17, agent_db: tuple = (0.0, -15.0, -10.0, -20.0)) -> list[TwoPartyCall]:
    """Two real readers per call, ~40 s, alternating pieces with 0.2-0.8 s gaps.  Only six
    readers in ../shared have several utterances: three make the tuning half's 4 calls,
    the other three the held-out half's, so no held-out voice was tuned on."""
    import soundfile as sf

    root = SHARED / "speech" / "librispeech"
    speakers = sorted(p for p in root.iterdir() if p.is_dir() and len(list(p.glob("*.flac"))) >= 4)
    rng = random.Random(seed)
    rng.shuffle(speakers)
    pairs = [(0, 1), (3, 4), (1, 2), (4, 5), (2, 0), (5, 3), (1, 0), (4, 3)]  # even: tune
    kinds = [None, "pcm8k", "mulaw", None]
    calls = []
    for i, pair in enumerate(pairs):
        if max(pair) >= len(speakers):
            break
        clips = []
        for spk in (speakers[pair[0]], speakers[pair[1]]):
            files = rng.sample(sorted(spk.glob("*.flac")), 4)
            clips.append([sf.read(str(f), dtype="float32")[0] for f in files])
        enrol = clips[0].pop()  # never in the call
        parts = {k: [p for c in clips[k] for p in _pieces(c, rng)] for k in (0, 1)}
        tracks: list[list[np.ndarray]] = [[], []]
        who, total = rng.randint(0, 1), 0
        while parts[0] and parts[1] and total < 40 * SR:
            piece = parts[who].pop(0)
            gap = np.zeros(int(rng.uniform(0.2, 0.8) * SR), np.float32)
            tracks[who] += [piece, gap]
            tracks[1 - who] += [np.zeros(len(piece), np.float32), gap]
            total += len(piece) + len(gap)
            who = 1 - who
        level = agent_db[(i // 2) % len(agent_db)]
        a, o = (np.concatenate(t) * (0.1 / _rms(np.concatenate(t))) for t in tracks)
        agent, other, mono = _mix(a, o, level)
        kind = kinds[(i // 2) % len(kinds)]
        name = f"libri{i}_{speakers[pair[0]].name}-vs-{speakers[pair[1]].name}_{level:+.0f}dB_{kind or 'pcm16k'}"
        calls.append(TwoPartyCall(name, agent, other, channel(mono, kind), "tune" if i % 2 == 0 else "heldout", enrol, kind))
    return calls


def with_real_other(calls: list[TwoPartyCall], seed: int = 23) -> list[TwoPartyCall]:
    """The synthetic calls with the other party's turns spoken by real LibriSpeech readers
    (held-out ones: id divisible by 3, one reader per call), at the synthetic customer's
    level and through the call's channel.  customer_apologies then holds every other-party
    turn: a reported apology inside one is the other party's speech reported as the agent's."""
    import soundfile as sf

    root = SHARED / "speech" / "librispeech"
    readers = sorted(p for p in root.iterdir() if p.is_dir() and int(p.name) % 3 == 0)
    rng = random.Random(seed)
    out = []
    for call in calls:
        reader = rng.choice(readers)
        speech = np.concatenate([sf.read(str(f), dtype="float32")[0] for f in sorted(reader.glob("*.flac"))[:3]])
        active = active_frames(call.other)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(int), [0]])))
        turns: list[list[int]] = []
        for a, b in zip(edges[::2] * FRAME, edges[1::2] * FRAME):
            if turns and a - turns[-1][1] < SR // 2:  # gaps inside one turn
                turns[-1][1] = b
            else:
                turns.append([a, b])
        other, pos = np.zeros_like(call.other), 0
        for a, b in turns:
            piece = np.resize(speech[pos:], b - a) if pos < len(speech) else np.resize(speech, b - a)
            other[a:b] = piece
            pos += b - a
        other *= _rms(call.other) / _rms(other)
        spans = [(a / SR, b / SR) for a, b in turns]
        out.append(replace(call, name=f"{call.name}_real-{reader.name}", other=other, mono=channel(call.agent + other, call.kind), customer_apologies=spans))
    return out


def _rms(x: np.ndarray) -> float:
    active = x[np.abs(x) > 1e-4]
    return float(np.sqrt(np.mean(active.astype(np.float64) ** 2))) if len(active) else 1.0


def telephone_sample() -> Optional[TwoPartyCall]:
    """The real call; agent = the speaker heard first (speaker90); overlap marked in both."""
    from analyzer.audio import load_audio

    folder = SHARED / "conversation" / "telephone_sample"
    if not (folder / "sample.rttm").is_file():
        return None
    audio = load_audio(folder / "sample.flac").samples
    m = -(-len(audio) // FRAME)
    act = {}
    for line in (folder / "sample.rttm").read_text().splitlines():
        f = line.split()
        start, dur, spk = float(f[3]), float(f[4]), f[7]
        act.setdefault(spk, np.zeros(m, bool))[int(start * 100) : int((start + dur) * 100)] = True
    first = min(act, key=lambda s: int(np.argmax(act[s])))
    other = next(s for s in act if s != first)
    z = np.zeros(0, np.float32)
    return TwoPartyCall("telephone_sample", z, z, audio, "heldout", reference=(act[first], act[other]))
