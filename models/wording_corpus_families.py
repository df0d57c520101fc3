"""Paraphrase families for the wording corpus (dev-time only; see models/wording_corpus.py).

Round 3: the heads met phrasings the template lists never had (silver linings, "that's
pretty standard", rhetorical tags, "at the end of the day ..."; offhand owning-up without an
apology word; address terms that are *not* casual).  These families are written from how
agents talk, by shape rather than by phrase, apart from the evaluation sets (nothing taken
from benchmarks/wording_eval): each family is a handful of clause templates whose slots
(``{thing}``: what went wrong, as a short noun phrase; ``{amount}``: a played-down
quantity) are filled from the corpus problems, so one shape meets many words.

``family_item(rng, problem)`` -> one labelled agent turn (same dict as ``corpus``), or
None; the caller mixes these into the base corpus.
"""

from __future__ import annotations

import random

AMOUNTS = ["a few minutes", "a couple of quid", "one day", "an hour or so", "ten dollars", "the one week",
           "five pounds", "a small fee", "a handful of pence", "two days", "half an hour", "one payment",
           "a single charge", "a day or two", "twenty minutes", "a few hundred rupees", "one delivery"]

# Plays the problem down, by shape (no "but"/"though": those are qualifiers).
MINIMIZING = {
    "normalising": ["that's pretty normal this time of year", "it's quite common with {thing}",
                    "that happens to loads of people", "it's standard with new accounts",
                    "it's to be expected with these things", "nine times out of ten it's nothing",
                    "everybody gets that now and then", "it's a regular occurrence, to be honest",
                    "we see that every week, honestly", "that's just how {thing} goes sometimes",
                    "it's a very ordinary thing", "it's one of the usual teething issues"],
    "silver_lining": ["look on the bright side, {bright}", "the good news is {bright}", "on the plus side, {bright}",
                      "still, {bright}", "at least {bright}", "thankfully {bright}", "if anything {bright}",
                      "you've still got {kept}", "you've got {kept} in the meantime", "{bright}, so that's something"],
    "quantity": ["it's just {amount}", "we're only talking about {amount}", "it's {amount}, that's all",
                 "that's all it is, {amount}", "it's {amount} at the most", "it's a nominal amount only",
                 "it's a fraction of the total", "it's hardly worth worrying about", "it's a tiny amount really",
                 "it's barely {amount}", "{amount}, no more than that", "it's a drop in the bucket"],
    "comparison": ["compared to some, you got off lightly", "others had it far worse today",
                   "that's nothing next to what some people got", "it could have been a whole lot worse",
                   "it's not like it was anything serious", "worse things happen", "I've seen much worse, honestly",
                   "plenty of people had a rougher time of it", "in comparison that's pretty mild"],
    "rhetorical": ["no harm done, right", "it's not a big deal, is it", "it still works, doesn't it",
                   "you'll survive, eh", "not the end of the world, eh", "it's only {thing}, hey",
                   "it's fine really, isn't it", "nothing to lose sleep over, yeah", "could be worse, right"],
    "dismissing": ["don't stress about it", "no need to make a fuss", "there's honestly nothing to worry about",
                   "it's not worth getting upset over", "honestly it's fine", "I wouldn't worry about it",
                   "it's really nothing to get wound up about", "let's not make a big thing of it",
                   "it'll be right as rain", "it'll come out in the wash"],
    "big_picture": ["at the end of the day it's only {thing}", "in the grand scheme of things it's minor",
                    "when you think about it, it's nothing", "all's well that ends well",
                    "it's a storm in a teacup really", "it's a small thing in the big picture",
                    "at the end of the day you got there"],
}
BRIGHT = ["it got to you in the end", "nothing was lost", "it's working again now", "you didn't miss much",
          "the rest of it was fine", "you weren't charged twice", "it's only a short delay",
          "you've got an extra day to decide", "it wasn't anything important"]
KEPT = ["the other rooms", "the app in the meantime", "the rest of the order", "your old card for now",
        "the standard service", "the other channels"]

# Offhand owning-up: no apology word, or one dressed in slang.
CASUAL_KEYWORD_FREE = ["Aw man, that's on us", "Ah rats, our bad", "Oopsie doodle", "Oh crumbs, that's us",
                       "Crikey, that one's on us", "Total goof on my end", "Ha, yeah, we dropped the ball there",
                       "Yeah, we kinda messed that one up", "Heh, we goofed", "My bad, my bad", "Oof, our bad",
                       "Ooh, that's a whoopsie", "Bit of a cock-up on our end", "Fair cop, that's on us",
                       "D'oh, my mistake", "Gah, my fault", "Eep, that's on me", "Ah, we botched that one",
                       "Yep, totally on us, that one", "Whoops-a-daisy", "Uh oh, my bad there",
                       "Yikes, that's a blunder on our part", "Oh blast, our mistake", "Ah, slip of the finger",
                       "Heh, brain freeze on my part", "Argh, our bad on that", "Meh, that's on us I guess",
                       "Oh boy, we fumbled that", "Whoopsies, that's me"]
CASUAL_WITH_KEYWORD = ["Sorry 'bout that", "Soz, my bad", "Sorry sorry sorry", "So sorry lol", "Sorry, heh, whoops",
                       "Ah sorry, oopsie", "Sorry 'bout that one, pal", "Soz about the mix-up", "Sorry dude, my bad",
                       "Whoops, sorry about that", "Oops, sorry 'bout the wait", "Eek, sorry", "Sorry, bit of a goof",
                       "Oh, soz", "Sorry, total brain fade"]
# Address terms and "oh" do not make an apology offhand (hard negatives for casual).
ADDRESSED_PLAIN = ["Sorry about that, mate", "Oh, I'm sorry, love", "I'm sorry, sir", "Sorry for that, ma'am",
                   "I'm so sorry, hun", "Oh no, I'm really sorry", "Oh dear, I am sorry", "Sorry about this, my friend",
                   "Apologies, madam", "Sorry for the wait, sir", "Ah, sorry about that", "Sorry, mate, honestly",
                   "Oh, sorry about that", "Right, sorry about that"]

# Sincere apologies that mention sizes, durations or "nothing worse": not minimising (hard
# negatives for minimizing: the head must not learn "a quantity" or "nothing" alone).
SINCERE_SIZED = ["{opener} you waited in {amount_long} for nothing", "{opener}, {amount_long} on hold is far too long",
                 "{opener}, there's nothing worse than {thing} when you're already busy",
                 "{opener}, that's a rotten end to a long week", "{opener}, this is not a small thing and I won't treat it as one",
                 "{opener}, I won't pretend {thing} is minor", "{opener}, that's really not fair on you",
                 "{opener}, {thing} for a whole month is unacceptable", "{opener} it took us {amount_long} to reply",
                 "{opener}, I know you lost {amount_long} over {thing}", "{opener}, it's a big deal and you're right to be annoyed",
                 "{opener} about {thing}, even one day without it is too much", "{opener}, every minute of that wait was on us",
                 "{opener} that you had to chase us three times", "{opener}, it must have felt like forever",
                 "{opener}, I can only imagine how long that day felt", "{opener} we kept you waiting all afternoon",
                 "{opener}, that's not a little mistake, it's a serious one"]
AMOUNTS_LONG = ["forty minutes", "all day", "three hours", "two weeks", "a whole weekend", "over an hour", "six days",
                "the entire morning", "a month"]

SCRIPTED = ["We regret any disruption this may have caused", "Thank you for your continued patience and understanding",
            "We appreciate your understanding in this matter", "We value your feedback and apologise for any concern",
            "We take these matters very seriously and apologise", "We're sorry to hear about your experience",
            "We apologise for any trouble caused and thank you for bearing with us",
            "Please accept our apologies for any distress caused", "We're sorry for any inconvenience this has caused you",
            "We regret that the service fell short on this occasion", "We apologise, demand is higher than usual today",
            "We are experiencing a high volume of enquiries and apologise for the delay",
            "We apologise that your experience did not meet expectations",
            "Customer satisfaction is our priority and we apologise for any shortfall",
            "We sincerely regret any inconvenience and appreciate your patience"]

# Undercut in the same breath without "but": "only", "mind you", "that said", "to be fair".
QUALIFIED = ["only you did agree to the terms", "mind you, the terms were quite clear", "that said, you did tick the box",
             "to be fair, you were told at booking", "in fairness the form was incomplete",
             "admittedly you did miss the deadline", "then again, you didn't call us", "except you never sent the form",
             "yet the email did explain it", "only the policy doesn't allow it", "though you should have checked",
             "however the rules are the rules", "although it was in the confirmation", "but that's out of our hands"]

HESITATIONS = ["um, ", "uh, ", "er, ", "so, um, ", "well, ", "I mean, ", "uh, I mean, ", "okay, ", "right, "]
SINCERE_OPENERS = ["I'm sorry", "I'm really sorry", "I apologise", "I'm so sorry", "Apologies", "We're sorry",
                   "I do apologise", "I'm truly sorry", "Sorry", "I'm very sorry"]


def _fill(rng: random.Random, template: str, thing: str) -> str:
    return template.format(thing=thing, amount=rng.choice(AMOUNTS), bright=rng.choice(BRIGHT), kept=rng.choice(KEPT))


def _hesitate(rng: random.Random, text: str) -> str:
    """Sometimes a filler or self-correction at the start, as agents speak."""
    if rng.random() < 0.15:
        lead = text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
        said = rng.choice(HESITATIONS) + lead
        return said[:1].upper() + said[1:]
    return text


def family_item(rng: random.Random, problem: tuple, labels_for) -> dict:
    """One agent turn from a family.  ``problem``: (noun, clause, setup, actions, pushback)
    of the base corpus; ``labels_for(before, named, empathic, acted)`` adds the context
    labels (no_empathy / no_action) the way the base corpus does."""
    noun, clause, setup, actions, pushback = problem
    thing = noun.removeprefix("the ")
    labels: set[str] = set()
    opener = rng.choice(SINCERE_OPENERS)
    kind = rng.choices(["minimizing", "casual_free", "casual_kw", "addressed", "sized", "scripted", "qualified"],
                       [0.3, 0.14, 0.09, 0.13, 0.14, 0.1, 0.1])[0]
    named = rng.random() < 0.5
    if kind == "minimizing":
        family = rng.choice(list(MINIMIZING))
        obj = f" about {noun}" if named else rng.choice(["", " about that"])
        apology = f"{opener}{obj}, {_fill(rng, rng.choice(MINIMIZING[family]), thing)}"
        labels.add("minimizing")
    elif kind == "casual_free":
        apology = rng.choice(CASUAL_KEYWORD_FREE) + (f", {clause}" if named else "")
        labels.add("casual")
    elif kind == "casual_kw":
        apology = rng.choice(CASUAL_WITH_KEYWORD) + (f", {clause}" if named else "")
        labels.add("casual")
    elif kind == "addressed":
        apology = rng.choice(ADDRESSED_PLAIN) + (f", {clause}" if named else "")
    elif kind == "sized":
        apology = rng.choice(SINCERE_SIZED).format(opener=opener, thing=thing, amount_long=rng.choice(AMOUNTS_LONG))
        named = True
    elif kind == "scripted":
        apology, named = rng.choice(SCRIPTED), False
        labels.add("scripted")
    else:
        apology = f"{opener}{' that ' + clause if named else ''}, {rng.choice(QUALIFIED)}"
        labels.add("qualified")
    apology = _hesitate(rng, apology) + rng.choice([".", ".", "!"])
    before = setup if rng.random() < 0.4 else rng.choice(["", "", "Thanks for holding.", "Okay, bear with me."])
    acted = rng.random() < 0.4
    after = rng.choice(actions) if acted else rng.choice(["", "Anything else?", "What's the reference?",
                                                          "Is there anything else today?", "Can I take your postcode?"])
    labels |= labels_for(before == setup, named, False, acted)
    return {"before": before, "apology": apology, "after": after, "is_apology": True, "labels": sorted(labels)}
