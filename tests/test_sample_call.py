"""The bundled sample call (what the README's first command analyses) gets exactly the
tone flags its delivery controls call for (sample_call.truth.json, written by the generator
from the controls, not from the analyzer's output)."""

import json

from analyzer.analyze import sample_call_path
from analyzer.judge import TONE_FLAGS


def test_sample_call_gets_the_tone_flags_of_its_deliveries(analyzer):
    truth = json.loads(sample_call_path().with_name("sample_call.truth.json").read_text())
    report = analyzer.analyze_file(sample_call_path())
    assert len(report["apologies"]) == len(truth)
    for expected in truth:
        (found,) = [a for a in report["apologies"] if a["start"] < expected["end"] and a["end"] > expected["start"]]
        tone = sorted(f["kind"] for f in found["flags"] if f["kind"] in TONE_FLAGS)
        assert tone == sorted(expected["expected_flags"]), (expected["text"], found["flags"], found["measures"])
