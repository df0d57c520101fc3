"""Write the synthetic evaluation calls for the accuracy benchmark.

    python benchmarks/make_eval_calls.py [OUT_DIR] [--seed N] [--jobs 2] [--laughs DIR] [--scripts FILE]

12 agent-side calls (joe, hibari and espeak voices), worded differently from the bundled
sample and from each other, each apology delivered normal / rushed / cheerful / flat at
random (seeded), some as 8 kHz G.711 WAV, some stereo (customer left, agent right), some
with background noise, two with no apology at all.  Next to each call <file>.truth.json:
{"agent_channel": "auto" | "right", "apologies": [build_call's truth entries]} (the layout
benchmarks/eval_accuracy.py reads); manifest.json lists the calls and their format.
If the shared laugh recordings are found (CC BY-NC-ND: never commit the output), a few
apologies are followed by a short laugh and expect "nervous_laugh".
--scripts FILE takes the sentences from a JSON file instead of the lists below (keys
baseline, apologies, repeat_requests, customer, and optionally agent_names and
company_names: one of each per call, in an opening greeting (GREETING) and in any
"{agent}" / "{company}" placeholders of the sentences): a set
written by someone who never saw these lists, for an evaluation nobody tuned on.
Needs the ``synth`` extra; each call is built in a fresh process so output is repeatable.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthesis import Turn, build_call, save_call, to_telephone

DEFAULT_OUT = ROOT / "benchmarks" / "out" / "eval_calls"
DEFAULT_LAUGHS = ROOT.parent / "shared" / "data" / "nonverbal" / "laughing"

BASELINE = [
    "Good morning, you've reached the help desk, this is Taylor speaking.",
    "Can I start with your full name and the email address on file?",
    "I see here that your plan renewed on the twelfth of last month.",
    "Give me one second while I open the order details.",
    "Your package left our warehouse on Tuesday afternoon.",
    "The tracking number ends in four seven two nine.",
    "I'm going to run a quick test on your connection from our side.",
    "The modem is showing online, but the signal looks a little weak.",
    "Okay, I have your billing address as twenty two Maple Street.",
    "Let me check whether there is an outage reported in your area.",
    "Our records show the last payment was received on March third.",
    "I can set up a replacement to ship out today.",
    "You should receive a confirmation email within the next hour.",
    "Is the best number to reach you still the one ending in eighty one?",
    "I'm adding a note to the account so the next agent can see it.",
    "The warranty on that device is valid until the end of next year.",
    "Could you read me the serial number on the back of the unit?",
    "Alright, I have updated the delivery address for you.",
    "The technician can come out on Thursday between nine and noon.",
    "I'll put a credit of fifteen dollars on your account.",
    "Let me walk you through resetting the password step by step.",
    "First, open the settings menu and choose account security.",
    "That change will take effect from your next billing cycle.",
    "I can also switch you to paperless statements if you like.",
    "Your current balance is one hundred and twelve dollars.",
    "The new card will arrive in a plain white envelope.",
    "I have reopened the ticket and marked it as urgent.",
    "We'll send a text message when the driver is nearby.",
    "Is there a good time for our team to call you back tomorrow?",
    "Thanks for confirming, that all matches what I have here.",
    "I've gone ahead and cancelled the duplicate order.",
    "The upgrade includes faster speeds and unlimited data.",
]

APOLOGIES = [
    "I'm sorry the package arrived damaged.",
    "I apologize, that should never have happened.",
    "My apologies for the confusion with your bill.",
    "I regret that we missed the appointment window yesterday.",
    "Please forgive me, I gave you the wrong information earlier.",
    "Pardon the wait, I had to check with my supervisor.",
    "I'm so sorry you've had to call us three times about this.",
    "We apologise for the delay in processing your refund.",
    "Sorry for the mix-up with your delivery address.",
    "I sincerely apologize for the trouble with your connection.",
    "I'm truly sorry for the inconvenience this outage has caused.",
    "My apologies, I kept you on hold longer than I meant to.",
    "I regret any frustration our billing error has caused you.",
    "Forgive me for the mistake on the order, I'll correct it now.",
    "Sorry to keep you waiting, and thanks for your patience.",
    "I do apologize, the technician should have called ahead.",
    "I'm sorry, I know this has been a really long process for you.",
    "Please accept our apologies for the late shipment.",
    "I apologise that nobody got back to you last week.",
    "Sorry about the error on your statement, that one is on us.",
    "I'm very sorry that your card was declined by mistake.",
    "Pardon the delay, our system is running a little slow today.",
    "My sincere apologies for sending you the wrong item.",
    "I'm sorry we didn't catch that sooner.",
    "Apologies for all the back and forth, let's get this sorted.",
]

# "Sorry" that asks for a repeat: not an apology.
REPEAT_REQUESTS = [
    "Sorry, what was that last part?",
    "Sorry? I didn't quite catch the number.",
    "I'm sorry, could you say that again?",
    "Sorry, you cut out for a second there.",
    "Pardon? Could you spell the last name for me?",
]

CUSTOMER = [
    "Hi, yes, I'm calling about my last bill.",
    "Sure, it's Morgan Lee.",
    "Okay.",
    "Yes, that's correct.",
    "It's been three days and nothing has arrived.",
    "Right, that's what I was worried about.",
    "Hmm, okay, thank you.",
    "Can you tell me when it will be fixed?",
    "Alright, that works for me.",
    "No, I think that's everything.",
]


GREETING = "Thank you for calling {company}, my name is {agent}."


@dataclass(frozen=True)
class Scripts:
    """The sentence lists a set of calls is written from."""

    baseline: list[str]
    apologies: list[str]
    repeat_requests: list[str]
    customer: list[str]
    agent_names: list[str]
    company_names: list[str]

    @classmethod
    def load(cls, path: Path) -> "Scripts":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        lists = {key: [str(s) for s in data.get(key, [])] for key in ("baseline", "apologies", "repeat_requests", "customer", "agent_names", "company_names")}
        for key in ("baseline", "apologies", "repeat_requests", "customer"):
            if not lists[key]:
                raise SystemExit(f"{path}: no sentences under {key!r}")
        return cls(**lists)

    def named(self, sentence: str, agent: str, company: str) -> str:
        for key, name in (("agent", agent), ("company", company)):
            for placeholder in ("{" + key + "}", "{" + key + "_name}", "[" + key + "]", "<" + key + ">"):
                sentence = sentence.replace(placeholder, name)
        return sentence


BUILT_IN = Scripts(BASELINE, APOLOGIES, REPEAT_REQUESTS, CUSTOMER, [], [])


@dataclass(frozen=True)
class CallSpec:
    voice: str
    apologies: int  # 0 = a call with no apology
    customer_voice: str | None = None  # stereo: customer left, agent right
    codec: str | None = None  # "mulaw"/"alaw": 8 kHz G.711 WAV, else 16 kHz FLAC
    noise_db: float | None = None
    noise_color: str = "pink"


CALLS = [
    CallSpec("joe", 3),
    CallSpec("hibari", 3),
    CallSpec("espeak", 2),
    CallSpec("joe", 2, customer_voice="hibari"),
    CallSpec("hibari", 2, customer_voice="joe", codec="mulaw"),
    CallSpec("joe", 3, codec="mulaw"),
    CallSpec("espeak", 2, codec="alaw", noise_db=30.0, noise_color="white"),
    CallSpec("joe", 2, noise_db=22.0),
    CallSpec("hibari", 3, codec="mulaw", noise_db=28.0),
    CallSpec("joe", 3, customer_voice="espeak"),
    CallSpec("joe", 0),
    CallSpec("hibari", 0, customer_voice="espeak"),
]


def deliveries(rng: random.Random, n: int) -> list[str]:
    """n delivery styles, each style about equally often, in random order."""
    styles = ["normal", "rushed", "cheerful", "flat"]
    out = (styles * (n // len(styles) + 1))[:n]
    rng.shuffle(out)
    return out


def apology_turn(text: str, style: str, rng: random.Random) -> Turn:
    """An apology with randomised controls inside the style's range."""
    if style == "rushed":
        return Turn(text, is_apology=True, speed=round(rng.uniform(1.45, 1.7), 2))
    if style == "cheerful":
        return Turn(
            text,
            is_apology=True,
            shift_semitones=round(rng.uniform(3.0, 5.0), 1),
            excursion_scale=round(rng.uniform(1.7, 2.2), 2),
        )
    if style == "flat":
        return Turn(text, is_apology=True, excursion_scale=round(rng.uniform(0.2, 0.35), 2))
    return Turn(text, is_apology=True)


def agent_script(spec: CallSpec, apologies: list[Turn], rng: random.Random, scripts: Scripts = BUILT_IN) -> list[Turn]:
    """Baseline sentences first (>= 4), then apologies each followed by 1-2 baseline ones."""
    sentences = rng.sample(scripts.baseline, min(len(scripts.baseline), 4 + 2 * max(len(apologies), 2)))
    turns = [Turn(s) for s in sentences[:4]]
    rest = sentences[4:]
    for apology in apologies:
        turns.append(apology)
        turns.extend(Turn(rest.pop()) for _ in range(rng.randint(1, 2)))
    if not apologies:
        turns.extend(Turn(s) for s in rest[:4])
    if spec.apologies == 0 or rng.random() < 0.6:
        turns.insert(rng.randint(3, len(turns) - 1), Turn(rng.choice(scripts.repeat_requests)))
    for turn in turns:
        turn.pause_after_s = round(rng.uniform(0.7, 1.6), 2)
    return turns


def with_customer(turns: list[Turn], rng: random.Random, customer: list[str] = CUSTOMER) -> list[Turn]:
    """Customer replies in most of the agent's pauses (stereo calls)."""
    out = []
    for turn in turns[:-1]:
        out.append(turn)
        if turn.laugh is None and rng.random() < 0.7:
            turn.pause_after_s = 0.4
            out.append(Turn(rng.choice(customer), speaker="customer", pause_after_s=0.5))
    return out + turns[-1:]


def plan_calls(seed: int, laughs: list[Path], scripts: Scripts = BUILT_IN) -> list[tuple[str, CallSpec, list[Turn]]]:
    """(stem, spec, turns) for every call; all randomness comes from ``seed``."""
    rng = random.Random(seed)
    texts = rng.sample(scripts.apologies, len(scripts.apologies))
    styles = deliveries(rng, sum(spec.apologies for spec in CALLS))
    laughing = set(rng.sample(range(len(styles)), min(3, len(styles)))) if laughs else set()
    plans, k = [], 0
    for index, spec in enumerate(CALLS):
        apologies = []
        for _ in range(spec.apologies):
            turn = apology_turn(texts[k % len(texts)], styles[k], rng)
            if k in laughing:
                turn.laugh = (str(rng.choice(laughs)), round(rng.uniform(0.05, 0.3), 2))
            apologies.append(turn)
            k += 1
        turns = agent_script(spec, apologies, rng, scripts)
        if spec.customer_voice:
            turns = with_customer(turns, rng, scripts.customer)
        if scripts.agent_names and scripts.company_names:
            agent, company = rng.choice(scripts.agent_names), rng.choice(scripts.company_names)
            for turn in turns:
                turn.text = scripts.named(turn.text, agent, company)
            greeting = Turn(GREETING.format(company=company, agent=agent), pause_after_s=turns[0].pause_after_s)
            turns.insert(0, greeting)
        layout = "stereo" if spec.customer_voice else "mono"
        fmt = spec.codec or "pcm16k"
        plans.append((f"call_{index:02d}_{spec.voice}_{layout}_{fmt}", spec, turns))
    return plans


def make_call(job: tuple[str, CallSpec, list[Turn], str, int]) -> dict:
    """Build, encode and save one call; returns its manifest entry."""
    stem, spec, turns, out_dir, seed = job
    started = time.perf_counter()
    audio, sr, truth = build_call(
        turns,
        voice=spec.voice,
        sr_out=16000,
        seed=seed,
        noise_db=spec.noise_db,
        noise_color=spec.noise_color,
        customer_voice=spec.customer_voice or "hibari",
    )
    if spec.codec:
        audio, sr = to_telephone(audio, sr, spec.codec)
    path = Path(out_dir) / (stem + (".wav" if spec.codec else ".flac"))
    # benchmarks/eval_accuracy.py reads <file>.truth.json and the agent's channel from it
    agent_channel = "right" if spec.customer_voice else "auto"
    truth_path = path.with_name(path.name + ".truth.json")
    record = {"agent_channel": agent_channel, "apologies": truth}
    save_call(path, audio, sr, record, codec=spec.codec, truth_path=truth_path)
    return {
        "file": path.name,
        "truth": truth_path.name,
        "agent_voice": spec.voice,
        "customer_voice": spec.customer_voice,
        "channels": 2 if spec.customer_voice else 1,
        "agent_channel": agent_channel,
        "sample_rate": sr,
        "codec": spec.codec or "pcm_16",
        "noise_snr_db": spec.noise_db,
        "duration_s": round(len(audio) / sr, 2),
        "apologies": len(truth),
        "deliveries": [t["delivery"] for t in truth],
        "build_s": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write synthetic evaluation calls with truth files.")
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--laughs", type=Path, default=DEFAULT_LAUGHS, help="folder of laugh recordings")
    parser.add_argument("--scripts", type=Path, default=None, help="JSON sentence lists to write the calls from (see the module doc)")
    parser.add_argument("--calls", type=int, default=0, help="build only the first N calls of the plan (0 = all 12)")
    args = parser.parse_args(argv)
    scripts = Scripts.load(args.scripts) if args.scripts else BUILT_IN

    laughs = (
        sorted(args.laughs.glob("*.flac")) + sorted(args.laughs.glob("*.wav")) if args.laughs.is_dir() else []
    )
    if not laughs:
        print(f"no laugh recordings in {args.laughs}: calls without nervous laughs")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [
        (stem, spec, turns, str(args.out_dir), args.seed + i)
        for i, (stem, spec, turns) in enumerate(plan_calls(args.seed, laughs, scripts))
    ]
    if args.calls:
        jobs = jobs[: args.calls]
    started = time.perf_counter()
    # A fresh process per call: piper's noise is seeded per process, so each call is repeatable.
    with get_context("spawn").Pool(args.jobs, maxtasksperchild=1) as pool:
        manifest = pool.map(make_call, jobs, chunksize=1)
    build_s = [entry.pop("build_s") for entry in manifest]  # keeps manifest.json repeatable
    (args.out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for entry, seconds in zip(manifest, build_s):
        print(
            f"{entry['file']:40s} {entry['duration_s']:5.1f} s  {seconds:4.1f} s to build  "
            f"{', '.join(entry['deliveries']) or 'no apology'}"
        )
    print(f"{len(manifest)} calls in {args.out_dir} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
