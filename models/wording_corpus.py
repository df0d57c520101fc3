"""Generated training corpus of agent turns for the wording heads (dev-time only).

Written apart from the evaluation sets in benchmarks/wording_eval (no line copied from
them): problems per industry, each with a way to name it, to set it up before the
apology, to act on it, and to push it back on the customer; apology openers in several
registers; and the failure parts of the labelling guide (qualifiers, minimisers, casual
forms, canned formulas).  Labels follow from the parts chosen:

- qualified / minimizing / casual / scripted: that part was put in;
- no_empathy: neither the before text nor the apology names what went wrong for the
  customer or acknowledges the feeling;
- no_action: neither the apology nor the after text says what the agent does or did.

``corpus(n, seed)`` -> list of {"before", "apology", "after", "is_apology", "labels"}.
"""

from __future__ import annotations

import random

# (noun phrase, "that ..." clause, before sentence, actions, push-back on the customer)
PROBLEMS = {
    "telecom": [
        ("the dropped connection", "your internet kept dropping out", "So the broadband has cut out every evening this week.",
         ["I've booked an engineer for Friday morning.", "Let me reset the line from our end now."], "you can restart the router yourself"),
        ("the double charge", "we billed you twice this month", "I can see two identical charges on this month's bill.",
         ["I've reversed the second charge already.", "I'll refund the duplicate today."], "you can dispute it online"),
        ("the missed install", "the technician never showed up", "The install was booked for yesterday and nobody came.",
         ["I'll rebook the install for the first slot tomorrow.", "I've added a credit for the missed day."], "you'll need to book a new slot on the app"),
    ],
    "retail": [
        ("the damaged parcel", "your order arrived broken", "You've told me the lamp came with the base snapped.",
         ["I'm sending a replacement out today.", "I've arranged a courier to collect the broken one."], "you can return it at any store"),
        ("the wrong item", "we sent you the wrong size", "So you ordered a medium and got a large.",
         ["I'll swap it for the right size at no cost.", "Let me put the correct one on next-day delivery."], "you can reorder it yourself"),
        ("the late delivery", "your parcel is five days late", "The tracking still says it's in the depot.",
         ["I've chased the depot and upgraded the shipping.", "I'll refund the delivery fee now."], "you should check with the courier"),
    ],
    "banking": [
        ("the blocked card", "your card was declined at the till", "Your card was stopped while you were paying for groceries.",
         ["I've unblocked it, so it'll work straight away.", "Let me lift the fraud hold right now."], "you can unlock it in the app"),
        ("the missing transfer", "your transfer hasn't landed", "The payment to your landlord still hasn't gone through.",
         ["I'll trace the payment and call you back by four.", "I've escalated it to our payments team."], "you'll have to wait for it to clear"),
        ("the late fee", "we charged you a fee by mistake", "I can see a twenty-five pound fee that shouldn't be there.",
         ["I've removed the fee from your account.", "I'll refund that charge today."], "you should have set up a direct debit"),
    ],
    "airline": [
        ("the cancelled flight", "your flight was cancelled", "Your flight to Madrid was cancelled this morning.",
         ["I've rebooked you on the evening flight.", "Let me book you a hotel for tonight."], "you can rebook on our website"),
        ("the lost bag", "your suitcase didn't arrive", "Your bag didn't come off the carousel in Dublin.",
         ["I've logged the bag and it'll be couriered to your hotel.", "I'll arrange an allowance for essentials."], "you'll need to fill in the claim form"),
    ],
    "utilities": [
        ("the estimated bill", "your bill was based on a wrong reading", "The bill is three times what you normally pay.",
         ["I'll redo the bill with your actual reading.", "I've put the account on hold while we fix it."], "you should submit readings every month"),
        ("the outage", "your power was off all night", "So the power went off at six and only came back this morning.",
         ["I've logged a compensation claim for you.", "Let me send an engineer to check the meter."], "you can check the outage map"),
    ],
    "healthcare": [
        ("the cancelled appointment", "your appointment was cancelled without notice", "You came in for your appointment and were told it was cancelled.",
         ["I've booked you the first slot on Monday.", "I'll make sure the doctor calls you today."], "you can rebook through the portal"),
        ("the prescription mix-up", "we gave you the wrong dose", "The label says ten milligrams instead of five.",
         ["I'm arranging the correct prescription right now.", "I'll have the pharmacist call you within the hour."], "you should have checked the label"),
    ],
    "software": [
        ("the crash", "the app wiped your work", "The app crashed and you lost the afternoon's edits.",
         ["I'll restore yesterday's backup for you.", "I've sent the logs to our engineers."], "you should save more often"),
        ("the locked account", "you were locked out of your account", "You've been locked out since the update.",
         ["I've reset your access now.", "Let me send you a new login link."], "you can reset the password yourself"),
    ],
    "hospitality": [
        ("the noisy room", "your room was next to the lift", "You didn't sleep because of the noise all night.",
         ["I've moved you to a quiet room on the top floor.", "I'll take tonight off your bill."], "you can ask for earplugs at reception"),
        ("the missing booking", "we lost your reservation", "The system has no record of the table you booked.",
         ["I've found you a table for eight tonight.", "Let me offer you a free dessert on us."], "you should have called to confirm"),
    ],
    "insurance": [
        ("the delayed claim", "your claim has taken six weeks", "Your claim has been open since early March.",
         ["I'll get an assessor assigned today.", "I've flagged it to the claims manager."], "you'll have to wait for the assessor"),
        ("the wrong renewal", "we renewed you at the wrong price", "The renewal came in much higher than the quote.",
         ["I've corrected the premium to the quoted price.", "I'll refund the difference this week."], "you should read the renewal letter"),
    ],
    "transport": [
        ("the late train", "your train was ninety minutes late", "You missed your connection because of the delay.",
         ["I've started a delay repay claim for you.", "Let me refund the ticket in full."], "you can claim on the website"),
        ("the no-show taxi", "the driver never turned up", "You waited forty minutes and the car didn't come.",
         ["I've refunded the fare and added a voucher.", "I'll get a car to you in ten minutes."], "you can book another one in the app"),
    ],
    "education": [
        ("the missing grade", "your result wasn't uploaded", "Your exam result still isn't showing on the portal.",
         ["I'll chase the exams office this afternoon.", "I've asked the tutor to upload it today."], "you should email the department"),
    ],
    "government": [
        ("the lost form", "we misplaced your application", "You sent the application in April and we have no record.",
         ["I'll reopen the application with your original date.", "I've escalated it to a case officer."], "you'll need to send it again"),
    ],
}

SINCERE = ["I'm sorry", "I'm so sorry", "I'm really sorry", "I'm truly sorry", "I apologise", "I do apologise",
           "I sincerely apologise", "My apologies", "We're sorry", "I'm very sorry", "I'm terribly sorry",
           "Please accept my apologies", "Really sorry", "I want to apologise", "I owe you an apology",
           "We apologise", "I regret", "Sincere apologies", "I'm awfully sorry", "Forgive me"]
VAGUE_OBJECTS = ["", " about that", " for that", " for the trouble", " for this", " about all this", " for the hassle"]
EMPATHY = ["I know how frustrating that must be.", "that must have been really stressful.",
           "I completely understand why you're upset.", "I'd be annoyed too.", "that's not the experience you deserve.",
           "I can hear how worrying this has been.", "that's a horrible thing to come home to.",
           "I get why you're fed up.", "that's not okay at all.", "I can imagine how disappointing that is.",
           "you had every right to expect better.", "that sounds exhausting."]
QUALIFIERS = ["but that's our policy", "but the system does that automatically", "but you did agree to the terms",
              "however the courier is a third party", "but we're really short-staffed", "though it was a busy week",
              "but to be fair the form was incomplete", "however it says so in the small print",
              "but it's outside our control", "though you were told about the change", "but you should have called earlier",
              "but you really ought to have read the email", "however you didn't follow the instructions",
              "but honestly it wasn't our fault", "although the warning was on the website"]
CONDITIONALS = ["I'm sorry if you feel let down", "Sorry you feel that way", "I apologise if that came across badly",
                "Sorry if you think we got it wrong", "I'm sorry you see it like that", "We're sorry if you were upset",
                "Sorry if that caused any confusion on your end", "I'm sorry you feel we could have done better"]
MINIMIZERS = ["it's only a few minutes", "it's just a small glitch", "it's no big deal", "these things happen",
              "at least it got there in the end", "it's not the end of the world", "it's a minor hiccup",
              "hardly anyone notices it", "it's nothing serious", "it could have been a lot worse",
              "it happens all the time", "it's only a couple of pounds", "it's a tiny delay really",
              "at least you got a refund", "it's barely anything", "it's a one-off thing", "worse things happen",
              "it's just one of those days", "it's really not a big issue", "it's simply a small oversight",
              "it's only temporary", "no harm done", "it's just a blip", "it'll sort itself out"]
CASUAL_BARE = ["My bad", "Our bad", "Oops", "Whoops", "Oopsie", "That's on me", "My mistake", "Our mistake",
               "Ah shoot", "Yikes", "Dang", "Welp", "Uh oh", "Oh man", "Ah jeez", "My fault", "That one's on us",
               "Oh snap", "Whoopsie daisy", "Blimey, my bad", "Ugh, that's on me", "Ooh, my bad"]
CASUAL_KEYWORD = ["Sorry 'bout that", "Soz", "Sorry sorry", "Oops, sorry", "Ah, sorry bout that",
                  "Shoot, sorry", "Sorry dude", "Eh, sorry", "Sorry, my bad", "Whoops, sorry about that",
                  "Sorry, oopsie", "Sorry, yikes", "Sorry, my fault", "Heh, sorry"]
SCRIPTED = ["We apologise for any inconvenience this may have caused.", "We apologise for any inconvenience.",
            "We're sorry for any inconvenience caused.", "We regret any inconvenience.",
            "We apologise for the delay, your call is important to us.",
            "Due to high call volumes, we apologise for the wait.", "We value your business and apologise for any trouble.",
            "We're sorry for any distress this may have caused.", "We apologise for any disruption to your service.",
            "We regret that your experience did not meet our standards.", "We sincerely apologise for any frustration caused.",
            "Please accept our apologies for any inconvenience.", "We apologise for any misunderstanding.",
            "We're sorry your experience fell short of expectations.", "We strive for excellence and apologise for any shortfall.",
            "Thank you for your patience, we apologise for any delay.", "We take all feedback seriously and apologise."]
NO_ACTION_AFTER = ["", "Is there anything else I can help with?", "Is that everything for today?",
                   "What's your account number?", "Anything else today?", "Can I take your postcode?",
                   "Thanks for your patience.", "Have a lovely day.", "The system was updated last month.",
                   "That's how it works, unfortunately.", "Okay, so what's the reference?", "Right, moving on.",
                   "Was there anything else?", "Can you confirm your date of birth?"]
NON_APOLOGY = ["Sorry, could you repeat that?", "Sorry, what was the last digit?", "Sorry?", "Pardon?",
               "Sorry, I didn't catch your surname.", "Sorry to interrupt, what's the postcode?",
               "Sorry to jump in, is this the account holder?", "Sorry, you're breaking up.",
               "He said he was sorry about the mix-up.", "The manager told me she apologised to you.",
               "Excuse me, which card was that?", "Sorry, did you say the fifteenth or the fifty?",
               "Sorry, can you spell that for me?", "She was sorry she missed your call, apparently.",
               "Your email asks for an apology from the store, is that right?", "Sorry, which address should I use?",
               "Sorry to cut in, can I grab your reference?", "Sorry, come again?", "Sorry, the line went quiet, say again?",
               "The driver said sorry when he dropped it off?", "Sorry, was that a yes?", "Sorry, how do you spell the street?"]


from models.wording_corpus_parts import (  # noqa: E402  (more industries and phrasings)
    ACTION_MORE, CASUAL_MORE_BARE, CASUAL_MORE_KEYWORD, EMPATHY_MORE, MINIMIZERS_MORE, NO_ACTION_MORE,
    NON_APOLOGY_MORE, PROBLEMS_MORE, QUALIFIERS_MORE, SCRIPTED_MORE, SINCERE_MORE)

PROBLEMS = {**PROBLEMS, **PROBLEMS_MORE}
SINCERE += SINCERE_MORE
EMPATHY += [e + "." for e in EMPATHY_MORE]
MINIMIZERS += MINIMIZERS_MORE
CASUAL_BARE += CASUAL_MORE_BARE
CASUAL_KEYWORD += CASUAL_MORE_KEYWORD
SCRIPTED += SCRIPTED_MORE
QUALIFIERS += QUALIFIERS_MORE
NO_ACTION_AFTER += NO_ACTION_MORE
NON_APOLOGY += NON_APOLOGY_MORE
# Feelings acknowledged before the apology, not in it.
EMPATHY_BEFORE = ["I can hear how frustrated you are.", "I completely understand, that sounds awful.",
                  "Oh no, that must have been so stressful.", "I know, that's really annoying.",
                  "I understand why you're upset."]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _apology_item(rng: random.Random) -> dict:
    industry = rng.choice(list(PROBLEMS))
    noun, clause, setup, actions, pushback = rng.choice(PROBLEMS[industry])
    labels: set[str] = set()
    named = rng.random() < 0.35
    before = setup if named else rng.choice(["", "", "Okay, let me look at that.", "Right, I see.", "Bear with me.",
                                             "Thanks for waiting.", "Okay, I've got your account up.", "Mm, right."])
    empathic = False
    if rng.random() < 0.1:
        before = (before + " " + rng.choice(EMPATHY_BEFORE)).strip()
        empathic = True
    style = rng.choices(["sincere", "casual_bare", "casual_kw", "scripted", "conditional"], [0.5, 0.17, 0.1, 0.15, 0.08])[0]
    if style == "sincere":
        opener = rng.choice(SINCERE)
        r = rng.random()
        if r < 0.4:
            apology = f"{opener} that {clause}" if not opener.startswith(("My apologies", "Sincere")) else f"{opener} for {noun}"
            named = True
        elif r < 0.6:
            apology = f"{opener} for {noun}" if opener not in ("I regret", "Forgive me") else f"{opener} {noun}"
            named = True
        else:
            apology = opener + rng.choice(VAGUE_OBJECTS)
    elif style == "casual_bare":
        apology = rng.choice(CASUAL_BARE)
        labels.add("casual")
        if rng.random() < 0.5:
            apology += ", " + clause.replace("your", "your", 1)
            named = True
    elif style == "casual_kw":
        apology = rng.choice(CASUAL_KEYWORD)
        labels.add("casual")
        if rng.random() < 0.4:
            apology += ", " + clause
            named = True
    elif style == "scripted":
        apology = rng.choice(SCRIPTED)[:-1]
        labels.add("scripted")
    else:
        apology = rng.choice(CONDITIONALS)
        labels.add("qualified")
    if rng.random() < 0.25 and style != "scripted":
        apology += ", " + rng.choice(EMPATHY)[:-1]
        empathic = True
    tail = rng.random()
    if tail < 0.2 and "qualified" not in labels:
        apology += ", " + rng.choice(QUALIFIERS)
        labels.add("qualified")
    elif tail < 0.42:
        apology += ", " + rng.choice(MINIMIZERS)
        labels.add("minimizing")
    elif tail < 0.5 and "qualified" not in labels:
        apology += f", but {pushback}"
        labels.add("qualified")
    apology = _cap(apology.strip()) + rng.choice([".", ".", ".", "!"])
    acted = rng.random() < 0.45
    if acted:
        after = " ".join(rng.sample(actions, rng.randint(1, len(actions))))
        if rng.random() < 0.25:
            after = rng.choice(ACTION_MORE)
        if rng.random() < 0.3:
            after += " " + rng.choice(NO_ACTION_AFTER[1:6])
    else:
        after = rng.choice(NO_ACTION_AFTER + [_cap(pushback) + "."] * 3)
    if not (named or empathic):
        labels.add("no_empathy")
    if not acted:
        labels.add("no_action")
    return {"before": before, "apology": apology, "after": after, "is_apology": True,
            "labels": sorted(labels), "industry": industry}


def _non_apology(rng: random.Random) -> dict:
    industry = rng.choice(list(PROBLEMS))
    _, _, setup, actions, _ = rng.choice(PROBLEMS[industry])
    return {"before": rng.choice(["", setup]), "apology": rng.choice(NON_APOLOGY),
            "after": rng.choice(["", rng.choice(actions)]), "is_apology": False, "labels": [],
            "industry": industry}


def _context_labels(named_before: bool, named: bool, empathic: bool, acted: bool) -> set[str]:
    """no_empathy / no_action as the base items label them."""
    return ({"no_empathy"} if not (named_before or named or empathic) else set()) | ({"no_action"} if not acted else set())


def _family_item(rng: random.Random) -> dict:
    from models.wording_corpus_families import family_item

    industry = rng.choice(list(PROBLEMS))
    item = family_item(rng, rng.choice(PROBLEMS[industry]), _context_labels)
    item["industry"] = industry
    return item


def corpus(n: int = 6000, seed: int = 0, non_apology_share: float = 0.12, family_share: float = 0.0) -> list[dict]:
    """``n`` labelled items (``non_apology_share`` of them non-apology "sorry"s and
    ``family_share`` from the paraphrase families of ``wording_corpus_families``), seeded."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        out.append(_non_apology(rng) if r < non_apology_share
                   else _family_item(rng) if r < non_apology_share + family_share else _apology_item(rng))
    return out
