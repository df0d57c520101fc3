"""Wording flags on transcripts: each kind firing, close non-examples not firing, and
robustness to how the recogniser writes things."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.events import Flag, Word
from analyzer.language import (
    LANGUAGE_KINDS,
    LanguageOptions,
    WordingJudge,
    normalize_text,
    normalize_words,
    summarize_followthrough,
)

WORD_S = 0.3  # a conversational 3+ words per second


def words(text: str, start: float = 0.0) -> list[Word]:
    """Whisper-style words: leading space, punctuation attached, evenly timed."""
    out, t = [], start
    for token in text.split():
        out.append(Word(" " + token, t, t + WORD_S - 0.05))
        t += WORD_S
    return out


def end_of(ws: list[Word], pause: float = 0.3) -> float:
    return (ws[-1].end if ws else 0.0) + pause


@pytest.fixture(scope="module")
def judge() -> WordingJudge:
    return WordingJudge()


def flags_for(judge: WordingJudge, apology: str, before: str = "", after: str = "",
              gap_s: float = 0.3) -> dict[str, Flag]:
    b = words(before)
    a = words(apology, end_of(b, gap_s) if b else 0.0)
    f = words(after, end_of(a, gap_s))
    return {flag.kind: flag for flag in judge.judge(a, b, f)}


# Acknowledgement and follow-up that keep the no_empathy / no_action checks quiet, so
# the tests of the other kinds read on their own.
EMPATHY = "I can see why you'd be cross about this."
ACTION = "Let me put that right for you."


# ------------------------------------------------------------------ clean apologies


def test_clean_apology_raises_nothing(judge):
    assert flags_for(judge, "I'm sorry to hear that, let me fix it now.") == {}


def test_textbook_recovery_raises_nothing(judge):
    flags = flags_for(
        judge,
        "I'm really sorry the delivery driver left your fridge on the pavement.",
        before="That must have been maddening, waiting in all day for it.",
        after="I've booked a two-person crew for tomorrow morning and I'll ring you when they set off.",
    )
    assert flags == {}


def test_flags_are_language_flags_with_quoting_reasons(judge):
    flags = flags_for(judge, "Oops, sorry for any inconvenience, but that's our policy.")
    assert set(flags) == set(LANGUAGE_KINDS) - {"minimizing"}
    for kind, flag in flags.items():
        assert flag.category == "language"
        assert flag.reason.startswith(f"{kind}: ")
        assert '"' in flag.reason


# ------------------------------------------------------------------------ qualified


def test_qualified_fires_on_but(judge):
    flag = flags_for(judge, "I'm sorry, but the warranty ran out in March.", EMPATHY, ACTION)["qualified"]
    assert flag.reason == 'qualified: "I\'m sorry, but the warranty" undercuts the apology with "but"'


@pytest.mark.parametrize("apology", [
    "I do apologise, however the booking was made for the wrong date.",
    "Sorry about this, although the form did ask for a postcode.",
    "I'm sorry, if you had told us sooner we could have stopped it.",
    "I apologize, you should have checked the size guide.",
    "Sorry if that came across badly.",
    "I'm sorry that you feel let down by the service.",
])
def test_qualified_fires_on_other_undercuts(judge, apology):
    assert "qualified" in flags_for(judge, apology, EMPATHY, ACTION)


def test_qualified_fires_when_but_opens_the_next_sentence(judge):
    flags = flags_for(judge, "I'm sorry.", EMPATHY, "But there's a clause in the contract about that.")
    assert "qualified" in flags


@pytest.mark.parametrize("apology, after", [
    ("I'm sorry, if you'd like I can arrange a callback.", ""),
    ("I'm sorry, and not only for the delay but for the tone of the letter.", ""),
    ("I'm sorry, I'll refund it today, but it may take a few days to show.", ""),
    ("I'm sorry, you should have received a reference by email.", ""),
    ("I'm sorry, have you tried restarting it?", ""),
    ("I'm sorry, if you'd hold for a moment I'll check.", ""),
    ("Really sorry for the trouble with your broadband this week.", ACTION),
])
def test_qualified_not_fired_on_close_non_examples(judge, apology, after):
    assert "qualified" not in flags_for(judge, apology, EMPATHY, after)


def test_qualified_not_fired_after_a_long_pause(judge):
    flags = flags_for(judge, "I'm sorry.", EMPATHY, "But anyway, moving on to the next item.", gap_s=1.5)
    assert "qualified" not in flags


# ----------------------------------------------------------------------- minimizing


@pytest.mark.parametrize("apology, trigger", [
    ("Sorry, that's a bummer.", "bummer"),
    ("Sorry, it's no big deal.", "no big deal"),
    ("I'm sorry, it happens.", "it happens"),
    ("Sorry, it was just a small glitch in the app.", "small glitch"),
    ("Sorry, stuff happens.", "stuff happens"),
    ("I'm sorry, it's only a day late.", "only a day late"),
])
def test_minimizing_fires(judge, apology, trigger):
    flag = flags_for(judge, apology, EMPATHY, ACTION)["minimizing"]
    assert trigger in flag.reason.lower()


@pytest.mark.parametrize("apology, after", [
    ("I'm sorry, it happened because the courier lost the scan.", ACTION),
    ("I'm sorry, this is not a small problem and I won't treat it as one.", ACTION),
    ("I'm sorry about the wait.", "Just a second while I bring up your file."),
    ("I'm sorry about the double charge.", "If it happens again, call me directly and I'll fix it."),
])
def test_minimizing_not_fired_on_close_non_examples(judge, apology, after):
    assert "minimizing" not in flags_for(judge, apology, EMPATHY, after)


# --------------------------------------------------------------------------- casual


@pytest.mark.parametrize("apology, trigger", [
    ("Sorry 'bout that.", "Sorry 'bout"),
    ("My bad, wrong form.", "My bad"),
    ("Oops, sorry.", "Oops"),
    ("Whoops, I clicked the wrong one.", "Whoops"),
    ("Sorry sorry, one second.", "Sorry sorry"),
    ("Sorry dude, that's on me.", "Sorry dude"),
])
def test_casual_fires(judge, apology, trigger):
    flag = flags_for(judge, apology, EMPATHY, ACTION)["casual"]
    assert f'"{trigger}"' in flag.reason


@pytest.mark.parametrize("apology", [
    "Sorry about that.",
    "I'm sorry, I'm sorry, that should never have happened.",
    "I am so very sorry.",
])
def test_casual_not_fired_on_plain_apologies(judge, apology):
    assert "casual" not in flags_for(judge, apology, EMPATHY, ACTION)


# ------------------------------------------------------------------------- scripted


@pytest.mark.parametrize("apology", [
    "We apologize for any inconvenience.",
    "Sorry for the inconvenience this may have caused.",
    "We regret any inconvenience to your household.",
    "We're sorry for the wait, we're experiencing higher than usual demand.",
])
def test_scripted_fires(judge, apology):
    assert "scripted" in flags_for(judge, apology, EMPATHY, ACTION)


@pytest.mark.parametrize("apology", [
    "I'm sorry the technician didn't turn up on Monday.",
    "I'm sorry for the inconvenience of having to call us three times.",
    "I'm sorry for the wait.",
])
def test_scripted_not_fired_when_the_problem_is_named(judge, apology):
    assert "scripted" not in flags_for(judge, apology, EMPATHY, ACTION)


# ----------------------------------------------------------------------- no_empathy


def test_no_empathy_fires_without_acknowledgement(judge):
    flag = flags_for(judge, "Sorry about that.", after=ACTION)["no_empathy"]
    assert flag.reason == (
        "no_empathy: no acknowledgement of the customer's situation or feeling within 6 s "
        'of the apology "Sorry about that" (e.g. "I understand", "that must have been")')


@pytest.mark.parametrize("before, apology", [
    ("I understand, you needed that for work.", "I'm sorry."),
    ("That must have been a shock when the bill arrived.", "I apologise."),
    ("I can imagine how frustrating it is to explain this all again.", "I'm sorry."),
    ("", "I'm so sorry you had to chase us for this."),
    ("", "I'm sorry your card was declined at the till."),
    ("", "I'm sorry to hear about the water damage."),
    ("", "I apologise for the two missed callbacks and the wrong advice you were given."),
])
def test_no_empathy_not_fired_with_acknowledgement(judge, before, apology):
    assert "no_empathy" not in flags_for(judge, apology, before, ACTION)


@pytest.mark.parametrize("before, apology", [
    ("Don't worry.", "I'm sorry about that."),
    ("", "I'm sorry you feel that way."),
    ("", "I'm sorry, but your account is closed."),
    ("", "We apologize for any inconvenience to your order."),
    ("", "I'm sorry, you were supposed to return it within thirty days."),
])
def test_no_empathy_fires_on_false_acknowledgements(judge, before, apology):
    assert "no_empathy" in flags_for(judge, apology, before, ACTION)


@pytest.mark.parametrize("before", [
    "I can see the parcel didn't arrive on Friday.",  # a negated event tells of a setback
    "So the claim was rejected last week.",
    "Right, the payment went through without the discount.",
])
def test_a_setback_told_before_the_apology_names_it(judge, before):
    assert "no_empathy" not in flags_for(judge, "I'm sorry about that.", before, ACTION)


@pytest.mark.parametrize("before", ["Thanks for holding.", "Don't worry.", "Okay, I've got your account up."])
def test_process_talk_before_the_apology_names_nothing(judge, before):
    assert "no_empathy" in flags_for(judge, "I'm sorry about that.", before, ACTION)


def test_empathy_in_the_sentence_right_after_counts(judge):
    """Recognition splits "I'm sorry, I understand ..." into two sentences: the second,
    said at once, still acknowledges the feeling; an action turn 8 s later would not."""
    assert "no_empathy" not in flags_for(judge, "I'm sorry.", "", "I understand how annoying this is.")
    apology = words("I'm sorry.")
    late = words("I understand how annoying this is.", end_of(apology, 4.0))
    assert "no_empathy" in {f.kind for f in judge.judge(apology, [], late)}


@pytest.mark.parametrize("apology", [
    "Sorry, it's only a couple of pounds difference really.",
    "Sorry about that, these things happen with new accounts.",
])
def test_what_follows_a_minimiser_names_nothing(judge, apology):
    kinds = flags_for(judge, apology, "", ACTION)
    assert "minimizing" in kinds and "no_empathy" in kinds


def test_empathy_outside_the_window_does_not_count(judge):
    before = words("I understand how annoying this is.")
    filler = words("Okay so I have the account open and I am reading through the notes "
                   "on it from last week now.", end_of(before))
    apology = words("I'm sorry.", end_of(filler))
    assert apology[0].start - before[-1].end > 6.0
    kinds = {f.kind for f in judge.judge(apology, before + filler, words(ACTION, end_of(apology)))}
    assert "no_empathy" in kinds


# ------------------------------------------------------------------------ no_action


def test_no_action_fires_without_a_turn_to_action(judge):
    flag = flags_for(judge, "I'm sorry.", EMPATHY, "The system was down all morning.")["no_action"]
    assert flag.reason == ('no_action: no turn to action within 8 s after the apology "I\'m sorry" '
                           '(e.g. "let me", "I\'ll")')


@pytest.mark.parametrize("after", [
    "Let me look into it.",
    "I'll get a new one sent out.",
    "Here's what I can do for you.",
    "I've already cancelled the second order.",
    "I'm refunding the postage now.",
    "You'll get a confirmation text in a minute.",
    "I've requested a callback from the depot.",
])
def test_no_action_not_fired_with_a_turn_to_action(judge, after):
    assert "no_action" not in flags_for(judge, "I'm sorry.", EMPATHY, after)


@pytest.mark.parametrize("after", [
    "Let me explain how the billing cycle works.",
    "There's nothing I can do about that, I'm afraid.",
    "Is there anything else I can help you with?",
    "I won't be able to change it.",
    "I'm going to have to ask you to call the courier.",
    # asking for details only moves the call on (labelling guide of the evaluation sets)
    "Could I take your order number?",
    "Can you confirm your date of birth?",
    "Bear with me.",
])
def test_no_action_fires_on_false_turns(judge, after):
    assert "no_action" in flags_for(judge, "I'm sorry.", EMPATHY, after)


def test_action_after_the_window_does_not_count(judge):
    apology = words("I'm sorry.")
    after = words(ACTION, end_of(apology, 9.0))
    kinds = {f.kind for f in judge.judge(apology, words(EMPATHY, -3.0), after)}
    assert "no_action" in kinds


def test_action_before_the_apology_does_not_count(judge):
    before = words("Let me read the notes. " + EMPATHY)
    apology = words("Sorry about that.", end_of(before))
    kinds = {f.kind for f in judge.judge(apology, before, words("Anything else?", end_of(apology)))}
    assert "no_action" in kinds


def test_windows_are_options():
    judge = WordingJudge(LanguageOptions(action_window_s=2.0, empathy_window_s=1.0))
    apology = words("I'm sorry.", 10.0)
    after = words("So that was the old tariff and then I'll move you to the new one.", end_of(apology))
    before = words("I understand it's annoying, okay one moment.", 5.0)
    flags = {f.kind: f for f in judge.judge(apology, before, after)}
    assert "within 2 s" in flags["no_action"].reason
    assert "within 1 s" in flags["no_empathy"].reason


# ------------------------------------------------------------------ ASR robustness


@pytest.mark.parametrize("apology, kind", [
    ("im sorry but thats the rule", "qualified"),
    ("I I'm sorry uh but we can't", "qualified"),
    ("I m sorry, however it shipped", "qualified"),
    ("we apologise for any inconvenience", "scripted"),
    ("we apologised for any inconvenience caused", "scripted"),
    ("sorry for the inconvenince", "scripted"),
    ("sorry bout that", "casual"),
    ("Sorry’bout that", "casual"),
    ("um, my, my bad", "casual"),
    ("sorry, uh, it it happens", "minimizing"),
    ("sorry, its just a minor glich", "minimizing"),
])
def test_recognition_quirks(judge, apology, kind):
    assert kind in flags_for(judge, apology, EMPATHY, ACTION)


@pytest.mark.parametrize("before, after", [
    ("i understnd youre upset", "ill, uh, lemme fix that"),
    ("i can imagine how frustratin that is", "lets get that sorted"),
    ("thats gotta be really annoying", "I'll sort that"),
])
def test_recognition_quirks_in_markers(judge, before, after):
    flags = flags_for(judge, "im sorry", before, after)
    assert "no_empathy" not in flags
    assert "no_action" not in flags


def test_contraction_split_across_words(judge):
    # Whisper sometimes emits "I" and "'m" as separate words.
    apology = [Word(" I", 0.0, 0.1), Word("'m", 0.1, 0.2), Word(" sorry,", 0.2, 0.6),
               Word(" but", 0.7, 0.9), Word(" no.", 0.9, 1.2)]
    assert "qualified" in {f.kind for f in judge.judge(apology, [], [])}


def test_words_without_leading_spaces():
    ws = [Word("Sorry", 0.0, 0.3), Word("about", 0.3, 0.5), Word("that.", 0.5, 0.8)]
    assert normalize_words(ws) == ["sorry", "about", "that"]


@pytest.mark.parametrize("text, expected", [
    ("I'm sorry", "i am sorry"),
    ("im sorry", "i am sorry"),
    ("i m sorry", "i am sorry"),
    ("I I'm, um, sorry", "i am sorry"),
    ("We apologise", "we apologize"),
    ("I can't, you're right", "i can not you are right"),
    ("Sorry 'bout that", "sorry bout that"),
    ("how bout a refund", "how about a refund"),
    ("lemme check", "let me check"),
    ("sorry sorry", "sorry sorry"),
    ("the the the form", "the form"),
])
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_empty_or_filler_only_apology_gives_no_flags(judge):
    assert judge.judge([], words("hello"), words("bye")) == []
    assert judge.judge(words("um, uh"), [], []) == []


# ------------------------------------------------------------- phrase files, summary


def test_company_phrase_file_extends_the_lists(tmp_path: Path):
    company = tmp_path / "acme.toml"
    company.write_text(
        '[scripted]\nphrases = ["thank you for choosing acme"]\n'
        '[action]\nphrases = ["I will raise a ticket"]\n'
        '[qualified]\nexceptions = ["but first"]\n'
    )
    judge = WordingJudge(LanguageOptions(extra_phrase_files=(company,)))
    flags = {f.kind for f in judge.judge(
        words("Thank you for choosing Acme, I'm sorry, but first I will raise a ticket."),
        words(EMPATHY, -3.0), [])}
    assert "scripted" in flags
    assert "qualified" not in flags
    assert "no_action" not in flags


@pytest.mark.parametrize("content, message", [
    ('[scriptd]\nphrases = ["x"]\n', "unknown section"),
    ('[scripted]\nphrases = ["sorry for {nothing}"]\n', "unknown set"),
])
def test_bad_phrase_files_are_reported(tmp_path: Path, content, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    with pytest.raises(ValueError, match=message):
        WordingJudge(LanguageOptions(extra_phrase_files=(bad,)))


def test_unknown_language_is_reported():
    with pytest.raises(ValueError, match="no phrase list"):
        WordingJudge(LanguageOptions(language="xx"))


def test_summarize_followthrough():
    no_action = Flag("no_action", "no_action: ...", category="language")
    casual = Flag("casual", "casual: ...", category="language")
    summary = summarize_followthrough([[casual], [no_action, casual], []])
    assert summary == {"apologies": 3, "followed_through": 2, "not_followed_through": 1}
    assert summarize_followthrough([]) == {"apologies": 0, "followed_through": 0,
                                           "not_followed_through": 0}


# ------------------------------------------- round 3: classes the untuned2 misses showed


@pytest.mark.parametrize("before", [
    "So the parcel is still showing as in transit.",  # no setback word, but the case stated
    "The bill went to your old address.",
    "I can see the order has been with the warehouse for three weeks.",
])
def test_a_case_stated_before_the_apology_names_it_whatever_the_apology(judge, before):
    for apology in ("I'm sorry about that.", "We apologise for any inconvenience caused."):
        assert "no_empathy" not in flags_for(judge, apology, before, ACTION), apology


@pytest.mark.parametrize("before", ["Thank you for your call.", "Right, let me just pull that up.",
                                    "Your reference ends four two seven."])
def test_call_handling_before_the_apology_states_no_case(judge, before):
    assert "no_empathy" in flags_for(judge, "We apologise for any inconvenience caused.", before, ACTION)


@pytest.mark.parametrize("apology, names", [
    ("Sorry, it's a tiny scuff, you'll barely see it.", True),  # the size word's noun is the problem
    ("Sorry, it's only a day late.", True),  # a setback word, played down, still names it
    ("Sorry, it's just a small glitch.", False),  # a generic problem word names nothing
])
def test_what_a_minimiser_shrinks_can_still_name_the_problem(judge, apology, names):
    kinds = flags_for(judge, apology, "", ACTION)
    assert "minimizing" in kinds
    assert ("no_empathy" not in kinds) is names


def test_an_any_formula_and_blame_after_a_qualifier_name_nothing(judge):
    assert "no_empathy" in flags_for(judge, "We regret any disruption to your travel plans.", "", ACTION)
    assert "no_empathy" in flags_for(judge, "Sorry, but you should have told us you were moving out.", "", ACTION)


@pytest.mark.parametrize("after", [
    "A new delivery has been scheduled for tomorrow.",
    "All three payments are being refunded to your card today.",
    "A replacement will be sent out this afternoon.",
])
def test_a_turn_to_action_in_the_passive_counts(judge, after):
    assert "no_action" not in flags_for(judge, "I'm sorry the parcel was late.", "", after)


def test_a_passive_setback_is_no_action(judge):
    assert "no_action" in flags_for(judge, "I'm sorry.", "", "Your flight has been cancelled.")
