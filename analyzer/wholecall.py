"""Post-call second pass: every apology judged against the agent's whole-call baseline.

Live, an apology can only be compared with the speech heard before it; an early one is
judged against little of the agent's speech, or against a population default.  After the
call the whole of the agent's non-apology speech (before and after each apology) is
known, so ``analyze`` re-judges the tone of every apology against that baseline.  The
measures themselves (rate, pitch of the span) do not change; only the comparisons
(``*_vs_baseline``, shifts) and the rushed / cheerful / flat flags that read them.
Laughter and wording flags do not depend on the baseline and are kept as they were.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .config import Thresholds
from .events import Baseline, Event, FlagEvent, JudgedApology
from .judge import judge_delivery
from .measures import compare

DELIVERY_FLAGS = ("rushed", "cheerful", "flat")


def rejudge(judged: JudgedApology, baseline: Baseline, thresholds: Thresholds) -> JudgedApology:
    """``judged`` compared with ``baseline`` instead of the baseline it was judged against."""
    measures = compare(judged.measures, baseline, thresholds.rushed.population_log_spread, thresholds.rushed.spread_prior_sentences)
    delivery = tuple(judge_delivery(measures, baseline, thresholds))
    kept = tuple(f for f in judged.flags if f.kind not in DELIVERY_FLAGS)
    return replace(judged, measures=measures, baseline=baseline, flags=delivery + kept)


def rejudge_events(events: Sequence[Event], baseline: Baseline, thresholds: Thresholds) -> list[Event]:
    """The events of a finished call with every ``JudgedApology`` re-judged against
    ``baseline`` (the whole call's) and the delivery ``FlagEvent``s made to match."""
    out: list[Event] = []
    for event in events:
        if isinstance(event, FlagEvent) and event.kind in DELIVERY_FLAGS:
            continue  # re-emitted with its judged apology below
        if isinstance(event, JudgedApology):
            event = rejudge(event, baseline, thresholds)
            a = event.apology
            out += [FlagEvent.of(f, a, event.emitted_at_s) for f in event.flags if f.kind in DELIVERY_FLAGS]
        out.append(event)
    return out
