"""Round 4 classes from the untuned3 diagnosis (README "What the words say"): owning up
by an erring verb or noun without an apology word, erring and register words that name
nothing, turns to action and canned formulas that name nothing, normalising minimisers.
The sentences are written for these tests, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from analyzer.apology import ApologyFinder
from analyzer.language import WordingJudge
from tests.test_language import ACTION, flags_for
from tests.words import words_from

finder = ApologyFinder()


@pytest.fixture(scope="module")
def judge() -> WordingJudge:
    return WordingJudge()


@pytest.mark.parametrize("text", [
    "Ugh, we properly messed that one up.",
    "Right, I totally botched your renewal there.",
    "Honestly, we've made a real mess of this account.",
    "Ah, that's our cock up, I'm afraid.",
    "That's a slip up on our end.",
    "Ooh, rookie mistake from me.",
    "Silly me, I read the wrong line.",
    "Okay, this one's on me.",
])
def test_owning_up_by_an_erring_word_is_an_apology(text):
    assert finder.find(words_from(text)), text


@pytest.mark.parametrize("text", [
    "Did the courier mess up the address?",  # nobody owns it
    "They botched the install before we took over.",
    "That's a mistake on our side and it's understandably annoying.",
    "We made a note of it on the account.",
])
def test_erring_words_without_owning_are_no_apology(text):
    assert not finder.find(words_from(text)), text


@pytest.mark.parametrize("apology", [
    "Ugh, we properly messed that one up.",
    "Sorry, pal, total howler from me.",
    "Sorry, that's not ideal at all.",
    "Apologies for the mix up, hey.",
])
def test_erring_and_register_words_name_nothing(judge, apology):
    kinds = flags_for(judge, apology, "", ACTION)
    assert "no_empathy" in kinds


@pytest.mark.parametrize("apology, names", [
    ("Sorry for the hassle, I'll refund it today.", False),  # the action names nothing
    ("So sorry, let me sort that out right now.", False),
    ("Sorry the meter reading was wrong, I'll correct it now.", True),  # named before the action
    ("Sorry, I'll waive the late fee.", True),  # a setback word in the action still names it
])
def test_a_turn_to_action_in_the_apology_names_nothing_but_a_setback(judge, apology, names):
    assert ("no_empathy" not in flags_for(judge, apology)) is names


@pytest.mark.parametrize("apology, names", [
    ("We're sorry to hear about your experience with our team.", False),  # formula acknowledgement
    ("We regret that your holiday did not meet your expectations.", False),  # formula negation
    ("We're sorry your visit was not up to our usual standard.", False),
    ("We apologise, we're seeing higher than normal demand today.", False),
    ("We apologise, your parcel was damaged in transit, and for any inconvenience.", True),
])
def test_a_canned_apology_names_the_problem_only_by_a_setback_word(judge, apology, names):
    kinds = flags_for(judge, apology, "", ACTION)
    assert "scripted" in kinds
    assert ("no_empathy" not in kinds) is names


@pytest.mark.parametrize("apology", [
    "Sorry, that's a really common fault with this model.",
    "Sorry, it's a typical bug with that model.",
    "Sorry about that, it could have been a whole lot worse.",
])
def test_normalising_the_fault_is_minimizing(judge, apology):
    assert "minimizing" in flags_for(judge, apology, "", ACTION)


def test_owning_a_mess_is_no_turn_to_action(judge):
    assert "no_action" in flags_for(judge, "Oh no, we've made a right mess of your booking.")
