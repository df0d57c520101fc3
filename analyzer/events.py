"""Typed events that flow one way through the pipeline.

Audio source -> VAD (``SpeechSegment``) -> ASR (``WordsEvent``) -> apology finder
(``ApologyEvent``) -> measures -> judgement (``FlagEvent``) -> faces (CLI, live view,
overlay, report).  Every time is in seconds of the analysed channel (audio time), never
wall-clock time, so a file run and a live run of the same audio emit the same events.

``emitted_at_s`` is the audio time consumed when the event was emitted; it is what live
latency is measured from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional, Union


@dataclass(frozen=True)
class Word:
    """One recognised word with its timing (s) and recogniser probability (0-1)."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class SpeechSegment:
    """A voice-activity utterance: start/end in s."""

    start: float
    end: float
    emitted_at_s: float = 0.0
    type: str = "speech"


@dataclass(frozen=True)
class WordsEvent:
    """Words recognised in one utterance."""

    start: float
    end: float
    words: tuple[Word, ...]
    emitted_at_s: float = 0.0
    type: str = "words"

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words).strip()


@dataclass(frozen=True)
class DeliveryMeasures:
    """How a stretch of speech was delivered.

    speaking_rate_sps: syllables per second over the span, pauses included.
    articulation_rate_sps: syllables per second with pauses (>= 150 ms) removed.
    keyword_duration_s: duration of the apology keyword ("sorry", ...) itself, s.
    pitch_median_hz: median F0 over voiced frames, Hz (None when too few voiced frames).
    pitch_range_st: robust F0 range (10th-90th percentile) in semitones.
    rate_vs_baseline: speaking_rate_sps / baseline rate.
    pitch_shift_st: semitones between this span's median F0 and the baseline median.
    range_vs_baseline: pitch_range_st / baseline range.
    pitch_peak_hz: 90th percentile F0 over voiced frames, Hz (the top of the excursions).
    peak_shift_st: semitones between pitch_peak_hz and the baseline's usual peak: raised
        pitch and widened excursions both lift it.
    laughter_s: seconds of detected laughter inside the span (+ margin).
    measured_start_s / measured_end_s: set when rate and pitch were measured over more than
    the apology's own words: its breath group, the speech said with it without a pause
    (analyzer.measures.delivery_window; "I'm sorry, I think I put you through..."), at least
    3 s of it when there is; None otherwise.
    breath_start_s / breath_end_s: the whole breath group (laughter is judged around it).
    rate_z: log(rate_vs_baseline) over the agent's sentence-to-sentence spread of log
    rates (``Baseline.rate_log_spread``, or real speech's until the call has enough).
    """

    duration_s: float
    syllables: int
    speaking_rate_sps: float
    articulation_rate_sps: float
    voiced_s: float = 0.0
    pitch_median_hz: Optional[float] = None
    pitch_range_st: Optional[float] = None
    keyword_duration_s: Optional[float] = None
    rate_vs_baseline: Optional[float] = None
    pitch_shift_st: Optional[float] = None
    range_vs_baseline: Optional[float] = None
    laughter_s: float = 0.0
    pitch_peak_hz: Optional[float] = None
    peak_shift_st: Optional[float] = None
    measured_start_s: Optional[float] = None
    measured_end_s: Optional[float] = None
    breath_start_s: Optional[float] = None
    breath_end_s: Optional[float] = None
    rate_z: Optional[float] = None


@dataclass(frozen=True)
class Baseline:
    """The agent's usual delivery: non-apology speech heard so far in the call.

    ``source`` is "call" once enough speech was heard, else "default" (population
    defaults, documented in analyzer/config.py) or "partial" for pitch-only fallbacks.
    rate_log_spread: standard deviation of the natural log of the agent's sentence rates
    (sentences of 6+ syllables; None until ``rate_sentences`` reaches 4).
    """

    speaking_rate_sps: float
    pitch_median_hz: Optional[float]
    pitch_range_st: float
    speech_s: float
    voiced_s: float
    rate_source: str
    pitch_source: str
    pitch_peak_hz: Optional[float] = None
    rate_log_spread: Optional[float] = None
    rate_sentences: int = 0


@dataclass(frozen=True)
class Flag:
    """A judgement on an apology: ``kind`` (rushed, cheerful, flat, nervous_laugh,
    qualified, ...) with a human-readable ``reason`` carrying the numbers, the measured
    ``value`` and the ``threshold`` it was compared against.

    ``measured`` and ``usual`` are the figures a person reads, in one unit: syll/s
    (rushed: the apology's rate and the agent's usual rate), st (cheerful: how far the
    pitch rose above the usual, ``usual`` None; flat: the apology's pitch range and the
    usual range), s (nervous_laugh: laughter near it).  ``usual_source`` says whose usual
    it is: "call" (this agent's, heard in the call) or "default" (a population default);
    "" for wording flags, which compare with no figure."""

    kind: str
    reason: str
    value: Optional[float] = None
    threshold: Optional[float] = None
    category: str = "tone"  # "tone" (delivery) or "language" (wording)
    measured: Optional[float] = None
    usual: Optional[float] = None
    usual_source: str = ""


@dataclass(frozen=True)
class ApologyEvent:
    """An apology found in the word stream, with its span (s) and the keyword that
    triggered it."""

    start: float
    end: float
    text: str
    keyword: str
    keyword_start: float
    keyword_end: float
    words: tuple[Word, ...]
    emitted_at_s: float = 0.0
    type: str = "apology"


@dataclass(frozen=True)
class JudgedApology:
    """An apology with its measures, the baseline it was judged against, and flags."""

    apology: ApologyEvent
    measures: DeliveryMeasures
    baseline: Baseline
    flags: tuple[Flag, ...]
    emitted_at_s: float = 0.0
    type: str = "judged_apology"


@dataclass(frozen=True)
class FlagEvent:
    """One flag, emitted as soon as the apology is judged (live overlay, jsonl).
    ``measured``, ``usual`` and ``usual_source`` as on ``Flag``."""

    kind: str
    reason: str
    apology_start_s: float
    apology_end_s: float
    emitted_at_s: float
    category: str = "tone"
    type: str = "flag"
    measured: Optional[float] = None
    usual: Optional[float] = None
    usual_source: str = ""

    @classmethod
    def of(cls, flag: Flag, apology: "ApologyEvent", emitted_at_s: float) -> "FlagEvent":
        """The event announcing ``flag`` on ``apology``."""
        return cls(flag.kind, flag.reason, apology.start, apology.end, emitted_at_s, flag.category,
                   measured=flag.measured, usual=flag.usual, usual_source=flag.usual_source)


@dataclass(frozen=True)
class LaughterSegment:
    """Detected laughter: start/end in s, peak probability 0-1."""

    start: float
    end: float
    probability: float
    emitted_at_s: float = 0.0
    type: str = "laughter"


@dataclass(frozen=True)
class RunningMeasures:
    """Rate and pitch of the latest utterance against the running baseline (live view)."""

    start: float
    end: float
    speaking_rate_sps: float
    pitch_median_hz: Optional[float]
    pitch_range_st: Optional[float]
    baseline: Baseline
    emitted_at_s: float = 0.0
    rate_vs_baseline: Optional[float] = None  # speaking_rate_sps / baseline rate
    pitch_shift_st: Optional[float] = None  # median pitch vs baseline median, semitones
    pace: str = "unknown"  # live pace gauge band: unknown, comfortable, brisk, fast
    type: str = "measures"


@dataclass(frozen=True)
class StatusEvent:
    """Pipeline status: started, stopped, overflow, behind, caught_up, device_lost,
    paused, resumed, warning."""

    status: str
    message: str = ""
    emitted_at_s: float = 0.0
    count: int = 0
    type: str = "status"


Event = Union[
    SpeechSegment,
    WordsEvent,
    ApologyEvent,
    JudgedApology,
    FlagEvent,
    LaughterSegment,
    RunningMeasures,
    StatusEvent,
]


def rounded(value: Any) -> Any:
    """``value`` made JSON-ready: floats (numpy scalars too) rounded to 1 ms / 0.001,
    tuples as lists, recursively."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        value = value.item()  # numpy scalar
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def event_to_dict(event: Any) -> dict[str, Any]:
    """A JSON-ready dict of any event or dataclass above (floats rounded to ms)."""
    return rounded(asdict(event))


__all__ = [
    "Word",
    "SpeechSegment",
    "WordsEvent",
    "DeliveryMeasures",
    "Baseline",
    "Flag",
    "ApologyEvent",
    "JudgedApology",
    "FlagEvent",
    "LaughterSegment",
    "RunningMeasures",
    "StatusEvent",
    "Event",
    "event_to_dict",
    "rounded",
]
