"""Delivery measures of a stretch of speech, and the agent's running baseline.

Speaking rate counts the syllables of the recognised words (analyzer.syllables) over the
time from each sentence's first word's start to its last word's end, summed (pauses inside
a sentence included, pauses between sentences not: an apology's breath group and the
baseline are counted alike); articulation
rate removes inter-word pauses of 150 ms or more.  Pitch figures come from the voiced
frames of the utterance's F0 track (analyzer.pitch).

The baseline is the agent's own non-apology speech heard so far in the call, kept in
fixed-size accumulators (sums and histograms) so an hour-long live session uses constant
memory.  Until enough has been heard it falls back to population defaults
(``BaselineDefaults``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .events import Baseline, DeliveryMeasures, Word
from .pitch import HOP_S, PitchTrack, hz_to_semitones, pitch_stats, semitones_to_hz
from .syllables import word_syllables
from .wordspans import pause_time, speech_duration, split_sentences

PAUSE_S = 0.15
SENTENCE_PAUSE_S = 0.7  # as analyzer.apology cuts apology spans
MAX_WINDOW_S = 6.0  # an apology's breath group is measured up to this long (calibrate.py's longest null sentences)
CHUNK_S = 3.0  # baseline pitch ranges are taken over chunks about as long as an apology
SPREAD_MIN_SYLLABLES = 6  # sentences whose rates enter the spread: as many as a judged apology has
MIN_PROFILE_VOICED_S = 0.25
MAX_SPREAD_SENTENCES = 2000  # sentence rates kept for the spread (an hour of talk; constant memory beyond)
OUTLIER_MADS = 3.5  # a sentence rate this many robust deviations from the median is a timing error, not the voice  # whole-recording pitch figures need at least this much voicing


@dataclass(frozen=True)
class BaselineDefaults:
    """Population defaults used until the call has given enough speech.

    speaking_rate_sps: conversational English, about 4 syllables/s (LibriSpeech read
        sentences measured here: median 4.4; see benchmarks/calibrate.py).
    pitch_range_st: typical 10-90 % F0 range of a 2-4 s stretch of speech, semitones.
    min_rate_speech_s: seconds of non-apology speech before the call's own rate is used.
    min_voiced_s: seconds of voiced frames before the call's own pitch median is used.
    min_range_chunks: chunks before the call's own pitch range is used.
    min_spread_sentences: sentences (of SPREAD_MIN_SYLLABLES or more) before the call's
        own sentence-to-sentence rate spread is used.
    """

    speaking_rate_sps: float = 4.2
    pitch_range_st: float = 6.0
    min_rate_speech_s: float = 8.0
    min_voiced_s: float = 3.0
    min_range_chunks: int = 3
    min_spread_sentences: int = 4


def syllables_of(words: Sequence[Word]) -> int:
    return sum(word_syllables(w.text) for w in words)


def measure_span(
    words: Sequence[Word],
    pitch: PitchTrack,
    keyword: Optional[tuple[float, float]] = None,
) -> DeliveryMeasures:
    """Rate and pitch of ``words`` (a contiguous span) using ``pitch`` for F0.

    keyword: (start, end) s of the apology keyword, to report its duration.
    """
    duration = speech_duration(words)
    syllables = syllables_of(words)
    speaking = duration - pause_time(words, PAUSE_S)
    # As the baseline counts it: sentence by sentence, so the pause between two sentences
    # of one breath group does not slow the apology against a baseline that leaves it out.
    talking = sum(speech_duration(words[lo:hi]) for lo, hi in split_sentences(words, SENTENCE_PAUSE_S))
    stats = pitch_stats(pitch.between(words[0].start, words[-1].end)) if words else pitch_stats(np.zeros(0))
    return DeliveryMeasures(
        duration_s=duration,
        syllables=syllables,
        speaking_rate_sps=syllables / talking if talking > 0 else 0.0,
        articulation_rate_sps=syllables / speaking if speaking > 0 else 0.0,
        voiced_s=stats.voiced_s,
        pitch_median_hz=stats.median_hz,
        pitch_range_st=stats.range_st,
        pitch_peak_hz=stats.peak_hz,
        keyword_duration_s=(keyword[1] - keyword[0]) if keyword else None,
    )


def delivery_window(
    span: Sequence[Word],
    context: Sequence[Word],
    min_syllables: int = 0,
    max_gap_s: float = SENTENCE_PAUSE_S,
    max_window_s: float = MAX_WINDOW_S,
    enough_s: float = float("inf"),
) -> list[Word]:
    """Words to measure an apology's delivery over: its breath group.

    span: the apology's words (the finder's sentence or clause); context: the words of its
    utterance, in time order.  A tone of voice belongs to what is said in one breath, not
    to the sentence Whisper punctuated: "Um, I'm sorry, I think I put you through to the
    wrong department" is one delivery, and its first sentence ("I'm sorry.", 0.3 s voiced)
    is too short to measure pitch or rate on.  The span grows into the words said with it
    without a pause of ``max_gap_s`` or more, forward first, then backward, while the window
    stays within ``max_window_s`` (the sentence lengths the thresholds were calibrated on,
    benchmarks/calibrate.py), and keeps growing past that limit only while it has fewer than
    ``min_syllables``.  A span already longer than the limit is returned as it is.
    enough_s: stop growing once the window is this long and has ``min_syllables`` (the
    pipeline measures pitch and rate over at least CHUNK_S, as long as the baseline's pitch
    chunks, and judges laughter around the whole breath group).
    """
    window = list(span)
    if not window:
        return window
    after = [w for w in context if w.start >= window[-1].end - 1e-6 and w not in window]
    before = [w for w in context if w.end <= window[0].start + 1e-6 and w not in window][::-1]

    def fits(first: Word, last: Word) -> bool:
        return last.end - first.start <= max_window_s or syllables_of(window) < min_syllables

    def enough() -> bool:
        return window[-1].end - window[0].start >= enough_s and syllables_of(window) >= min_syllables

    for word in after:
        if enough() or word.start - window[-1].end >= max_gap_s or not fits(window[0], word):
            break
        window.append(word)
    for word in before:
        if enough() or window[0].start - word.end >= max_gap_s or not fits(word, window[-1]):
            break
        window.insert(0, word)
    return window


def judged_log_spread(own: Optional[float], sentences: int, population: float, prior_sentences: float = 0.0) -> float:
    """The spread of log sentence rates an apology's rate is judged against: the agent's
    own (s.d. over ``sentences``) pooled with real speech's ``population`` spread weighted
    as ``prior_sentences`` sentences (a s.d. of a few sentences is itself uncertain: from
    10 sentences it is off by about a quarter), or ``population`` alone until the agent
    has a spread of their own."""
    if own is None:
        return population
    own_weight = max(sentences - 1, 0)  # the s.d.'s degrees of freedom
    if own_weight + prior_sentences <= 0:
        return own
    return float(np.sqrt((own_weight * own**2 + prior_sentences * population**2) / (own_weight + prior_sentences)))


def compare(measures: DeliveryMeasures, baseline: Baseline, population_log_spread: float = 0.182, prior_sentences: float = 0.0) -> DeliveryMeasures:
    """``measures`` with the *_vs_baseline and shift fields filled in; ``rate_z`` is the
    log rate ratio over the agent's sentence-to-sentence spread of log rates pooled with
    real speech's ``population_log_spread`` (benchmarks/calibrate.py) weighted as
    ``prior_sentences`` sentences (``judged_log_spread``); real speech's alone until the
    call has given enough sentences."""
    from dataclasses import replace

    shift = None
    if measures.pitch_median_hz and baseline.pitch_median_hz:
        shift = float(12.0 * np.log2(measures.pitch_median_hz / baseline.pitch_median_hz))
    range_ratio = None
    if measures.pitch_range_st is not None and baseline.pitch_range_st > 0:
        range_ratio = measures.pitch_range_st / baseline.pitch_range_st
    peak_shift = None
    if measures.pitch_peak_hz and baseline.pitch_peak_hz:
        peak_shift = float(12.0 * np.log2(measures.pitch_peak_hz / baseline.pitch_peak_hz))
    rate_ratio = measures.speaking_rate_sps / baseline.speaking_rate_sps if baseline.speaking_rate_sps > 0 else None
    rate_z = None
    spread = judged_log_spread(baseline.rate_log_spread, baseline.rate_sentences, population_log_spread, prior_sentences)
    if rate_ratio and measures.speaking_rate_sps > 0 and spread > 0:
        rate_z = float(np.log(rate_ratio) / spread)
    return replace(
        measures, rate_vs_baseline=rate_ratio, rate_z=rate_z, pitch_shift_st=shift, range_vs_baseline=range_ratio, peak_shift_st=peak_shift
    )


class _Histogram:
    """Fixed-bin histogram with percentiles (constant memory)."""

    def __init__(self, lo: float, hi: float, step: float):
        self.edges = np.arange(lo, hi + step, step)
        self.counts = np.zeros(len(self.edges) - 1, dtype=np.int64)

    def add(self, values: np.ndarray) -> None:
        if len(values):
            self.counts += np.histogram(np.clip(values, self.edges[0], self.edges[-1] - 1e-9), self.edges)[0]

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def percentile(self, q: float) -> float:
        cumulative = np.cumsum(self.counts)
        index = int(np.searchsorted(cumulative, q / 100.0 * cumulative[-1]))
        return float((self.edges[index] + self.edges[index + 1]) / 2)


class BaselineTracker:
    """Accumulates the agent's usual delivery from non-apology speech.

    ``add`` takes the words of a stretch of non-apology speech and the utterance's pitch
    track; ``snapshot`` returns the current ``Baseline``.
    """

    def __init__(self, defaults: BaselineDefaults = BaselineDefaults()):
        self.defaults = defaults
        self.syllables = 0
        self.speech_s = 0.0
        self._pitch = _Histogram(0.0, 60.0, 0.1)  # semitones re 55 Hz
        self._ranges = _Histogram(0.0, 40.0, 0.1)  # per-chunk 10-90 % ranges, st
        self._peaks = _Histogram(0.0, 60.0, 0.1)  # per-chunk 90th percentiles, st re 55 Hz
        self._log_rates: deque[float] = deque(maxlen=MAX_SPREAD_SENTENCES)  # ln syll/s of sentences of SPREAD_MIN_SYLLABLES+

    def add(self, words: Sequence[Word], pitch: PitchTrack) -> None:
        """words: a run of non-apology speech; pitch: its utterance's F0."""
        if not words:
            return
        self.syllables += syllables_of(words)
        # Sentence by sentence, as apology spans are measured: pauses between sentences
        # would otherwise slow the baseline and make every apology look rushed.
        for lo, hi in split_sentences(words, SENTENCE_PAUSE_S):
            sentence = words[lo:hi]
            seconds = speech_duration(sentence)
            self.speech_s += seconds
            syllables = syllables_of(sentence)
            if syllables >= SPREAD_MIN_SYLLABLES and seconds > 0:
                log_rate = float(np.log(syllables / seconds))
                self._log_rates.append(log_rate)
        f0 = pitch.between(words[0].start, words[-1].end)
        self._pitch.add(hz_to_semitones(f0))
        for chunk in _chunks(words, CHUNK_S):
            stats = pitch_stats(pitch.between(chunk[0].start, chunk[-1].end), min_voiced_s=0.5)
            if stats.range_st is not None:
                self._ranges.add(np.array([stats.range_st]))
                self._peaks.add(hz_to_semitones(np.array([stats.peak_hz])))

    @property
    def voiced_s(self) -> float:
        return self._pitch.total * HOP_S

    def snapshot(self) -> Baseline:
        d = self.defaults
        if self.speech_s >= d.min_rate_speech_s:
            rate, rate_source = self.syllables / self.speech_s, "call"
        else:
            rate, rate_source = d.speaking_rate_sps, "default"
        median = semitones_to_hz(self._pitch.percentile(50)) if self.voiced_s >= d.min_voiced_s else None
        peak = None
        if self._ranges.total >= d.min_range_chunks:
            pitch_range, pitch_source = self._ranges.percentile(50), "call"
            peak = semitones_to_hz(self._peaks.percentile(50))
        else:
            pitch_range, pitch_source = d.pitch_range_st, "default"
        if median is None:
            pitch_source = "default"
        n, spread = sentence_spread(np.asarray(self._log_rates), d.min_spread_sentences)
        return Baseline(
            rate_log_spread=spread,
            rate_sentences=int(n),
            speaking_rate_sps=rate,
            pitch_median_hz=median,
            pitch_range_st=pitch_range,
            speech_s=self.speech_s,
            voiced_s=self.voiced_s,
            rate_source=rate_source,
            pitch_source=pitch_source,
            pitch_peak_hz=peak,
        )


def sentence_spread(log_rates: np.ndarray, min_sentences: int) -> tuple[int, Optional[float]]:
    """(sentences counted, s.d. of their ln rates) over the sentences within
    OUTLIER_MADS robust deviations (1.4826 x median absolute deviation) of the median; the
    s.d. is None with fewer than ``min_sentences``.  A sentence Whisper timed wrongly
    (a garbled telephone line: "Evening," given 0 s, three words squeezed into 0.1 s) is
    an outlier of many deviations, and one of them doubled a voice's spread (0.19 -> 0.39
    on an untuned2 call), so a 1.66x apology read as ordinary."""
    if len(log_rates) >= min_sentences:
        median = float(np.median(log_rates))
        mad = 1.4826 * float(np.median(np.abs(log_rates - median)))
        if mad > 0:
            log_rates = log_rates[np.abs(log_rates - median) <= OUTLIER_MADS * mad]
    n = len(log_rates)
    return n, (float(np.std(log_rates, ddof=1)) if n >= max(min_sentences, 2) else None)


def measured_profile(tracker: BaselineTracker) -> dict:
    """What ``tracker`` measured, with no population default in it: whole-recording
    figures (``--all-speech``) for recordings of any length, even a 2 s clip.

    Keys as ``Baseline`` (speaking_rate_sps, pitch_median_hz, pitch_range_st,
    pitch_peak_hz: syll/s, Hz, st, Hz; rate_source / pitch_source "call", or None when
    nothing was measured) plus what they rest on: syllables, speech_s, voiced_s and
    range_chunks (3 s chunks with 0.5 s voiced behind the typical range).  The typical
    range is the median chunk range when there is a chunk, else the 10-90 % range of all
    voiced frames (at least MIN_PROFILE_VOICED_S of them); a value is None only when there
    was nothing to measure it on.
    """
    rate = tracker.syllables / tracker.speech_s if tracker.speech_s > 0 and tracker.syllables else None
    voiced = tracker.voiced_s
    median = semitones_to_hz(tracker._pitch.percentile(50)) if voiced >= MIN_PROFILE_VOICED_S else None
    chunks = tracker._ranges.total
    if chunks:
        pitch_range, peak = tracker._ranges.percentile(50), semitones_to_hz(tracker._peaks.percentile(50))
    elif median is not None:
        pitch_range = tracker._pitch.percentile(90) - tracker._pitch.percentile(10)
        peak = semitones_to_hz(tracker._pitch.percentile(90))
    else:
        pitch_range = peak = None
    return {
        "speaking_rate_sps": rate,
        "pitch_median_hz": median,
        "pitch_range_st": pitch_range,
        "pitch_peak_hz": peak,
        "rate_source": "call" if rate is not None else None,
        "pitch_source": "call" if median is not None else None,
        "syllables": tracker.syllables,
        "speech_s": tracker.speech_s,
        "voiced_s": voiced,
        "range_chunks": chunks,
    }


def _chunks(words: Sequence[Word], length_s: float) -> list[Sequence[Word]]:
    """Consecutive runs of words about ``length_s`` long (the last may be shorter)."""
    chunks, start = [], 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].end - words[start].start > length_s:
            chunks.append(words[start:i])
            start = i
    return [c for c in chunks if c]
