"""Build the bundled sample call: ``python -m benchmarks.make_sample``.

The agent side of a billing-support call, spoken by the piper "joe" voice (CC0): about
20 s of normal speech to set the baseline, then four apologies (sincere, rushed, cheerful,
flat) between normal sentences, plus a "Sorry, could you repeat that?" that is not an
apology.  Pauses stand in for the customer.  Writes sample_call.flac (16 kHz mono) and
sample_call.truth.json into analyzer/samples/.  Needs the ``synth`` extra.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.synthesis import Turn, build_call, save_call

HERE = Path(__file__).resolve().parents[1] / "analyzer" / "samples"
SEED = 0

TURNS = [
    # Baseline: normal delivery.
    Turn(
        "Thank you for calling Brightline customer support, my name is Jordan. How can I help you today?",
        pause_after_s=1.4,
    ),
    Turn(
        "Okay, I can definitely look into that for you. Could I have the phone number on the account, please?",
        pause_after_s=1.3,
    ),
    Turn("Thank you. Let me pull up your account, this will only take a moment.", pause_after_s=1.2),
    Turn(
        "Alright, I can see two charges of forty nine dollars on the fifth of this month, one right after the other.",
        pause_after_s=1.1,
    ),
    # Sincere apology at normal delivery.
    Turn(
        "I'm really sorry about the double charge, that must have been frustrating. Let me fix it right now.",
        is_apology=True,
        pause_after_s=1.0,
    ),
    Turn("I'm submitting a refund for the second charge as we speak.", pause_after_s=1.1),
    # A request to repeat: "sorry" but not an apology.
    Turn("Sorry, could you repeat that?", pause_after_s=1.1),
    Turn(
        "The refund usually takes three to five business days to show on your statement.", pause_after_s=1.4
    ),
    Turn("Sorry about that, I apologize for the trouble.", is_apology=True, speed=1.6, pause_after_s=0.8),
    Turn(
        "I have also turned off the automatic retry on your card, so this won't happen again.",
        pause_after_s=1.1,
    ),
    Turn(
        "Oh, I'm so sorry you had to wait on hold for so long today!",
        is_apology=True,
        shift_semitones=4.0,
        excursion_scale=2.0,
        pause_after_s=1.4,
    ),
    Turn("Is there anything else I can help you with?", pause_after_s=1.4),
    Turn(
        "I apologize for any inconvenience this may have caused.",
        is_apology=True,
        excursion_scale=0.25,
        pause_after_s=1.0,
    ),
    Turn("Thank you for your patience, and have a great day.", pause_after_s=0.4),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "sample_call.flac")
    args = parser.parse_args(argv)
    audio, sr, truth = build_call(TURNS, voice="joe", sr_out=16000, seed=SEED)
    path = save_call(args.out, audio, sr, truth)
    size_kb = path.stat().st_size / 1024
    print(f"{path}: {len(audio) / sr:.1f} s, {size_kb:.0f} KiB, {len(truth)} apologies")


if __name__ == "__main__":
    main()
