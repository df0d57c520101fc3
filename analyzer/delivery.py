"""An apology's delivery measured within its breath group, and the speech left for the
agent's baseline (what is said in an apology's breath carries its tone, so it stays out).

The breath group is the speech said with the apology without a SENTENCE_PAUSE_S pause,
at most MAX_WINDOW_S (analyzer.measures.delivery_window); pitch and rate are measured over
the apology's words grown inside it to CHUNK_S, as long as the baseline's pitch chunks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .config import Thresholds
from .events import ApologyEvent, Baseline, DeliveryMeasures, Word
from .measures import CHUNK_S, compare, delivery_window, measure_span
from .pitch import PitchTrack


def breath_group(apology: ApologyEvent, words: Sequence[Word], thresholds: Thresholds) -> list[Word]:
    """The words of ``apology``'s breath group in its utterance ``words``."""
    return delivery_window(apology.words, words, thresholds.rushed.min_syllables)


def measure_apology(apology: ApologyEvent, words: Sequence[Word], pitch: PitchTrack, baseline: Baseline, thresholds: Thresholds) -> DeliveryMeasures:
    """``apology``'s measures against ``baseline``, with the stretch measured
    (``measured_start_s``/``_end_s`` when it grew past the apology's words) and its breath
    group (``breath_start_s``/``_end_s``)."""
    breath = breath_group(apology, words, thresholds)
    window = delivery_window(apology.words, words, thresholds.rushed.min_syllables, enough_s=CHUNK_S)
    measures = measure_span(window, pitch, (apology.keyword_start, apology.keyword_end))
    if len(window) > len(apology.words):
        measures = replace(measures, measured_start_s=window[0].start, measured_end_s=window[-1].end)
    measures = replace(measures, breath_start_s=breath[0].start, breath_end_s=breath[-1].end)
    return compare(measures, baseline, thresholds.rushed.population_log_spread, thresholds.rushed.spread_prior_sentences)


def runs_outside(words: Sequence[Word], spans: Sequence[tuple[float, float]]) -> list[list[Word]]:
    """The runs of ``words`` (in time order) that touch none of ``spans`` ((start, end) s):
    each run is a stretch of non-apology speech for the baseline."""
    runs: list[list[Word]] = [[]]
    for word in words:
        if any(lo <= word.start < hi or lo < word.end <= hi for lo, hi in spans):
            runs.append([])
        else:
            runs[-1].append(word)
    return [run for run in runs if run]
