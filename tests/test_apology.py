"""What counts as an apology, on recognised-word streams."""

import pytest

from analyzer.apology import ApologyFinder
from tests.words import words_from

finder = ApologyFinder()


def found(text, **kw):
    return [a.text for a in finder.find(words_from(text, **kw))]


@pytest.mark.parametrize(
    "text",
    [
        "I'm so sorry about that, I apologize for the trouble.",
        "My apologies for the delay.",
        "We apologise for the mix-up with your order.",
        "I regret that this happened to you.",
        "Please forgive me for the confusion.",
        "Pardon the wait, I'm just pulling up your account.",
        "I'm sorry to hear that.",
        "Sorry about that.",
        "Pardon the wait?",  # punctuated as a question, but it names what it is for
        "Sorry for the delay?",
        "Part in the wait.",  # tiny.en's spelling of a sentence-opening "Pardon the"
        "Parton the interruption.",
        "Hard in the wait.",  # and "Hard in the"
        "Why sincerely repologues for sending you the wrong item.",  # "My sincere apologies"
        "Forgive the delay, the system is slow today.",  # pardon's siblings, said as requests
        "Excuse the noise in the background.",
        "Oh, and excuse the mess on the account.",
        "Excuse me for the wait.",
        "Please forgive my ignorance.",
    ],
)
def test_apologies_are_found(text):
    assert found(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Sorry?",
        "Pardon?",
        "Sorry, could you repeat that?",
        "Sorry, what was that?",
        "I beg your pardon?",
        "Sorry, I didn't catch your account number.",
        "Sorry, I didn't quite hear the last digits.",
        "Pardon me?",
        "Thanks for calling, how can I help you today?",
        "You can take part in the survey after the call.",  # "part in the" only opening a sentence
        "It was hard in the winter for the engineers.",  # "hard in the" likewise
        "The network topology changed after the upgrade.",
        "Excuse me?",
        "We can't excuse the fee.",  # excuse as waive, not as a request
        "There is no excuse for that.",
        "Sorry, I missed the last digit.",
    ],
)
def test_repeat_requests_and_plain_speech_are_not_apologies(text):
    assert found(text) == []


def test_span_is_the_sentence_not_the_utterance():
    text = "Let me check your account. I'm really sorry about the double charge. It will be refunded today."
    spans = finder.find(words_from(text))
    assert len(spans) == 1
    assert spans[0].text == "I'm really sorry about the double charge."
    assert spans[0].keyword == "sorry"
    assert spans[0].keyword_start >= spans[0].start and spans[0].keyword_end <= spans[0].end


def test_a_long_pause_ends_the_span_without_punctuation():
    words = words_from("okay I see sorry about that the refund is on its way", pause_after={2: 1.0, 5: 1.0})
    spans = finder.find(words)
    assert [a.text for a in spans] == ["sorry about that"]


def test_two_keywords_in_one_sentence_make_one_apology():
    assert len(finder.find(words_from("Sorry, so sorry about that."))) == 1


def test_consecutive_apology_sentences_in_one_breath_are_one_apology():
    spans = finder.find(words_from("Sorry about that. I apologize for the trouble. Your refund is on the way."))
    assert [a.text for a in spans] == ["Sorry about that. I apologize for the trouble."]
    apart = finder.find(words_from("Sorry about that. Let me check. I apologize for the trouble.", pause_after={2: 0.6}))
    assert len(apart) == 2


@pytest.mark.parametrize(
    "text,is_apology",
    [
        ("I'm sorry we didn't catch that sooner.", True),
        ("Sorry we didn't quite catch that on our side.", True),
        ("Sorry I didn't get back to you yesterday.", True),
        ("Sorry, you cut out for a second there.", False),
        ("Sorry, I missed that last part.", False),
        ("Sorry, you're breaking up.", False),
        ("Sorry, you broke up there.", False),
        ("Sorry, I missed the deadline for your refund.", True),  # a missed part asks again, a missed deadline does not
        ("Sorry about that, I'll send it one more time.", True),  # "one more time" asks only as "could you ... one more time"
        ("Sorry I made you tell me your address again.", True),
        ("Sorry, could you give me the postcode once more?", False),
    ],
)
def test_repeat_cues_need_a_request_not_just_the_words(text, is_apology):
    assert bool(found(text)) == is_apology


def test_a_bare_sorry_before_a_repeat_request_is_part_of_the_request():
    assert found("I'm sorry. Could you say that again?") == []
    assert found("Sorry. What was the order number?") == []
    assert found("Sorry. Could you read the reference number one more time?") == []
    assert len(found("I'm sorry. That should not have happened.")) == 1


@pytest.mark.parametrize(
    "following, is_request",
    [
        ("You cut out for a second there.", True),
        ("Could you repeat the last part?", True),
        ("I didn't quite catch the number.", True),
        ("That must have been really frustrating.", False),
        ("Let me fix that for you right now.", False),
        ("Is that everything for today?", False),  # a dismissive apology, not a request
        ("What was the order number?", True),
        ("Can you read the reference number one more time?", True),  # a yes/no question asking again
        ("Could you give me that postcode again, please?", True),
        ("Can you try restarting it again?", False),  # asks to redo, not to say again
    ],
)
def test_a_bare_sorry_ending_an_utterance_waits_for_the_next_one(following, is_request):
    utterance = words_from("Okay. Sorry.")
    (apology,) = finder.find(utterance)
    assert finder.awaits_next(apology, utterance)
    assert finder.opens_repeat_request(words_from(following, start=utterance[-1].end + 0.5)) is is_request


def test_an_apology_with_its_object_or_followed_by_words_does_not_wait():
    named = words_from("I'm sorry about the double charge.")
    assert not finder.awaits_next(finder.find(named)[0], named)
    more = words_from("Sorry. Let me fix that.")
    assert not finder.awaits_next(finder.find(more)[0], more)


@pytest.mark.parametrize("text", [
    "I'm so sorry for your loss.",
    "Sorry to hear you had a fall, are you feeling better?",
    "I'm sorry to hear about your mum.",
    "Sorry to hear you're moving away.",
    "Better safe than sorry, so I'll check it twice.",
])
def test_sympathy_and_idioms_are_not_apologies(text):
    assert found(text) == []


@pytest.mark.parametrize("text", [
    "I'm sorry to hear the engineer didn't turn up while you were ill.",  # the company's failure
    "I'm sorry your dad was charged twice.",
    "Soz about the wait.",
    "Butterfingers, I cut you off.",
    "Brain fade on my part, wrong address.",
])
def test_apologies_near_sympathy_words_and_slang_are_found(text):
    assert found(text) == [text]


@pytest.mark.parametrize("following, is_request", [
    ("What's the ticket number?", False),  # asks for something new: the "Sorry." was dismissive
    ("Where are you travelling to next week?", False),
    ("Can you spell the street name for me?", False),
    ("Can you spell that for me?", True),
    ("What did you say the surname was?", True),
])
def test_after_a_bare_sorry_only_a_question_pointing_back_asks_again(following, is_request):
    assert finder.opens_repeat_request(words_from(following)) is is_request
    assert bool(found(f"Very sorry. {following}")) is not is_request


@pytest.mark.parametrize("text, is_apology", [
    ("Sorry, no harm done, eh?", True),  # a tag closes a statement, it asks nothing
    ("Sorry, worse things happen, right?", True),
    ("Sorry, you said Tuesday, right?", False),  # checks what the customer said
    ("Sorry, is that with a B?", False),
])
def test_a_tag_question_is_not_a_clarifying_question(text, is_apology):
    assert bool(found(text)) is is_apology


def test_slang_owning_by_where_the_fault_lies_is_an_apology():
    assert found("Oh snap, yeah, that's a goof on our end.")
    assert not found("That's a mistake on our side and it's understandably annoying.")
