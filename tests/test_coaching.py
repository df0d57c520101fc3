"""Coaching texts read the judge's structured figures, not its reason strings: the same
numbers reach the overlay whatever the reason's wording, and a population default is
never called the agent's usual."""

from analyzer.coaching import coaching
from analyzer.config import load_thresholds
from analyzer.events import Baseline, DeliveryMeasures
from analyzer.judge import judge_delivery

THRESHOLDS = load_thresholds()


def baseline(source: str) -> Baseline:
    return Baseline(speaking_rate_sps=4.3, pitch_median_hz=190.0, pitch_range_st=5.2, speech_s=40.0,
                    voiced_s=25.0, rate_source=source, pitch_source=source, pitch_peak_hz=240.0,
                    rate_log_spread=0.15, rate_sentences=12)


def judged(measures: DeliveryMeasures, source: str) -> dict:
    return {f.kind: f for f in judge_delivery(measures, baseline(source), THRESHOLDS)}


FAST = DeliveryMeasures(duration_s=1.6, syllables=12, speaking_rate_sps=7.5, articulation_rate_sps=7.9,
                        voiced_s=1.2, rate_vs_baseline=7.5 / 4.3, rate_z=3.7)
MONOTONE = DeliveryMeasures(duration_s=2.4, syllables=10, speaking_rate_sps=4.2, articulation_rate_sps=4.4,
                            voiced_s=1.6, pitch_median_hz=188.0, pitch_range_st=1.1, range_vs_baseline=1.1 / 5.2,
                            pitch_shift_st=-0.2, pitch_peak_hz=200.0, peak_shift_st=-3.2, rate_vs_baseline=4.2 / 4.3, rate_z=-0.2)


def test_rushed_against_the_agents_usual_and_against_a_default():
    own = judged(FAST, "call")["rushed"]
    assert (own.measured, own.usual, own.usual_source) == (7.5, 4.3, "call")
    assert coaching(own) == "Slow down: 7.5 syll/s, your usual 4.3"
    default = judged(FAST, "default")["rushed"]
    assert coaching(default) == "Slow down: 7.5 syll/s, typical speech is 4.3 syll/s (your own pace is not known yet)"


def test_flat_quotes_the_range_and_whose_usual_it_is():
    own = judged(MONOTONE, "call")["flat"]
    assert coaching(own) == "Mean it: pitch range 1.1 st, your usual 5.2 (sounds read out)"
    assert "typical speech is 5.2 st" in coaching(judged(MONOTONE, "default")["flat"])


def test_wording_flags_quote_the_judges_detail():
    from analyzer.events import Flag

    flag = Flag("qualified", "qualified: 'sorry, but'", category="language")
    assert coaching(flag) == "Drop the qualifier: 'sorry, but'"
