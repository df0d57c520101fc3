"""More parts for the generated wording corpus (dev-time only; see models/wording_corpus.py).

Written for the training corpus, apart from the evaluation sets (no line taken from
benchmarks/wording_eval): further industries and problems, and more phrasings of each
register, so the heads meet more than one way to say each thing.  Same shapes as the
lists in wording_corpus.py; problems are
(noun phrase, "that ..." clause, before sentence, actions, push-back on the customer).
"""

from __future__ import annotations

PROBLEMS_MORE = {
    "food delivery": [
        ("the cold meal", "your food turned up stone cold", "The order took ninety minutes and the food was cold.",
         ["I've refunded the whole order to your card.", "I'm crediting you the full amount now."], "you can leave feedback for the restaurant"),
        ("the missing items", "half your order was missing", "Two of the four dishes weren't in the bag.",
         ["I've put the missing dishes back through as a priority order.", "A refund for those two is on its way."], "you should check the bag at the door"),
    ],
    "car rental": [
        ("the car swap", "the car you booked wasn't available", "You booked an estate and they offered you a two-seater.",
         ["I've upgraded you to the next class at no charge.", "I'm calling the branch now to hold an estate for you."], "you can pick another branch"),
        ("the deposit hold", "we held your deposit for three weeks", "The deposit still hasn't been released since you returned the car.",
         ["I've released the hold this minute.", "I'll email you the release confirmation tonight."], "you'll have to ask your bank"),
    ],
    "mobile": [
        ("the roaming charges", "you were charged roaming in a free zone", "There's ninety pounds of roaming on a trip that should've been free.",
         ["I'm taking the roaming charges off your bill.", "I've fixed the roaming setting on your line."], "you should have switched data off"),
        ("the number transfer", "your number transfer failed", "You've had no signal since the switch on Monday.",
         ["I've restarted the port with our network team.", "We'll send you a temporary SIM by tomorrow."], "you can request another code from your old provider"),
    ],
    "streaming": [
        ("the double subscription", "you were billed for two plans", "You've been paying for two accounts since March.",
         ["I've cancelled the second plan and refunded six months.", "The duplicate plan is closed as of now."], "you can cancel plans in settings"),
        ("the buffering", "the stream kept freezing during the final", "It froze right at the end of the match.",
         ["I've added a free month to your account.", "Our engineers are looking at your region tonight."], "you should check your wifi"),
    ],
    "letting": [
        ("the boiler repair", "your heating has been off for a week", "So you've had no hot water since last Thursday.",
         ["A plumber is booked for eight tomorrow morning.", "I've authorised an emergency repair and a heater drop-off."], "you can contact the landlord directly"),
        ("the deposit dispute", "your deposit was docked for damage you didn't cause", "They've kept two hundred for a mark that was there at check-in.",
         ["I've reopened the deposit check with the check-in photos.", "I'll return the deduction while we review it."], "you should have flagged it at check-in"),
    ],
    "gym": [
        ("the fee after cancelling", "we kept charging you after you cancelled", "You cancelled in June and you've paid for three more months.",
         ["I've refunded all three payments.", "The membership is fully closed and the money's on its way back."], "you needed to cancel in writing"),
    ],
    "pharmacy": [
        ("the delayed prescription", "your repeat prescription wasn't ready", "You've come in twice and it still wasn't ready.",
         ["I've got it made up and it'll be ready in twenty minutes.", "I'm arranging a home delivery for this afternoon."], "you should order five days ahead"),
    ],
    "veterinary": [
        ("the lost test results", "your dog's blood results went missing", "The vet still hasn't seen the results from last week.",
         ["I've asked the lab to resend them today.", "The vet will call you by five with the results."], "you can call the lab yourself"),
    ],
    "council": [
        ("the missed collection", "your bins weren't collected again", "That's the third missed collection this month.",
         ["I've logged a return collection for tomorrow.", "I'm raising it with the crew supervisor today."], "you should put the bins out by six"),
        ("the parking fine", "you got a fine while your permit was valid", "The permit was on the dashboard and you still got a ticket.",
         ["I've cancelled the fine.", "I'll send you written confirmation that it's void."], "you can appeal online"),
    ],
    "furniture": [
        ("the missing parts", "the wardrobe came without the fixings", "The box had no screws or hinges in it.",
         ["I'm posting the fixings first class today.", "A fitter can come out on Saturday at no charge."], "you can buy fixings at a hardware shop"),
        ("the delivery no-show", "the van never arrived", "You waited in from seven till six and nobody came.",
         ["I've booked the first morning slot and refunded delivery.", "I'll call you the moment the driver leaves the depot."], "you should track it on the app"),
    ],
    "electronics": [
        ("the repair delay", "your laptop has been at the repair centre for a month", "It's been four weeks and no update.",
         ["I've escalated it and asked for a loan laptop for you.", "I'll phone the repair centre and call you back within the hour."], "you should have bought the extended cover"),
    ],
    "travel": [
        ("the wrong hotel dates", "we booked the hotel for the wrong week", "The hotel has you down for the twelfth, not the fifth.",
         ["I've moved the booking to the right dates and kept the price.", "I'm on the phone to the hotel now to fix it."], "you should have checked the confirmation"),
    ],
    "tickets": [
        ("the cancelled concert", "the concert was cancelled on the day", "You'd already travelled two hours when it was called off.",
         ["I've refunded the tickets and your booking fees.", "I'll add your travel costs to the claim."], "you can check the venue's page"),
    ],
    "courier": [
        ("the parcel left outside", "your parcel was left in the rain", "The box was soaked through by the time you got home.",
         ["I've opened a damage claim for you.", "A replacement's being sent out on the next van."], "you should have left a safe-place note"),
    ],
    "motor": [
        ("the service mistake", "the garage didn't do the oil change you paid for", "The invoice lists an oil change but the sticker is from last year.",
         ["I've booked the car back in free of charge tomorrow.", "I'll refund the service and do it again at no cost."], "you should check the car before driving off"),
    ],
    "energy": [
        ("the smart meter", "your smart meter stopped sending readings", "Your bills have been estimated for five months.",
         ["An engineer will replace the meter on Tuesday.", "I've frozen the estimated bills until we have a real reading."], "you can send readings yourself"),
    ],
    "childcare": [
        ("the unannounced closure", "the nursery closed without telling you", "You turned up at eight and the doors were locked.",
         ["I've credited the day back to your account.", "I'm setting up a text alert so it can't happen again."], "you should check the parent app each morning"),
    ],
    "water": [
        ("the leak repair", "the leak outside your house still isn't fixed", "It's been running down the street for nine days.",
         ["A crew is booked for first thing tomorrow.", "I've marked it urgent and I'll ring you once it's done."], "you'll have to wait in the queue"),
    ],
}

SINCERE_MORE = ["I'm genuinely sorry", "I'm deeply sorry", "Honestly, I'm so sorry", "I really do apologise",
                "I'm extremely sorry", "Apologies", "Sincerest apologies", "I'm sorry, truly", "I owe you an apology",
                "I'm so very sorry", "Again, I'm sorry", "I'm gutted, I'm sorry", "I can only apologise",
                "We owe you an apology", "I'm really, really sorry", "Please forgive us"]

EMPATHY_MORE = ["I'd be upset too", "that's really not good enough", "I can see why you're angry",
                "that must have been so frustrating", "I hear you, that's a rotten morning",
                "that's a lot of stress you didn't need", "I understand how inconvenient that is for you",
                "you shouldn't have had to chase us", "I know you've been patient with us",
                "I can tell this has ruined your week", "that would annoy anyone", "I really feel for you",
                "I appreciate how worrying that is", "no wonder you're fed up"]

MINIMIZERS_MORE = ["it's a pretty small thing", "it's hardly a disaster", "it's only a matter of hours",
                   "most customers don't even notice", "it's a common thing", "these glitches happen from time to time",
                   "it's nothing to get worked up about", "it's just a little delay", "it's literally a few pence",
                   "at least nothing was lost", "at least it's working now", "it's not a huge problem",
                   "it's a rare one", "it's only the one charge", "it should be fine anyway",
                   "stuff like this happens", "it's really minor", "no real harm done"]

CASUAL_MORE_BARE = ["Oops, that's us", "Ah, whoops", "Oh dear, my bad", "Welp, our mistake", "Shoot, that's on us",
                    "Ugh, my bad", "Ah crap, our bad", "Oh no, our bad", "Eek, my mistake", "Bah, that's on me",
                    "Ah nuts", "Uh-oh, my bad", "Oh shoot", "Oopsy"]

CASUAL_MORE_KEYWORD = ["Sorry 'bout that one", "Soz about that", "Sorry, oops", "Ah sorry, whoops",
                       "Sorry pal", "Sorry, our bad", "Oops, my apologies", "Sorry, bit of a whoopsie",
                       "Sorry buddy", "Whoops, sorry", "Yikes, sorry", "Sozzles", "Ahh sorry, my bad",
                       "Sorry, shoot"]

SCRIPTED_MORE = ["We apologise for any inconvenience caused by this matter.",
                 "We are sorry for the inconvenience and appreciate your patience.",
                 "We regret any inconvenience this may cause.",
                 "Your feedback is important to us and we apologise for any inconvenience.",
                 "We apologise for any inconvenience, we are experiencing higher than normal demand.",
                 "Extremely sorry for the inconvenience caused.",
                 "We sincerely regret any inconvenience this has caused you.",
                 "We apologise for any issues you may have experienced.",
                 "Sorry for any inconvenience, we are working to resolve it.",
                 "We are sorry to hear about your experience, customer satisfaction is our top priority.",
                 "Please accept our sincere apologies for any inconvenience caused.",
                 "We apologise for the delay in responding to your query.",
                 "We regret that we were unable to meet your expectations on this occasion."]

QUALIFIERS_MORE = ["but that's just how the system works", "but the terms were clear", "though it's really not down to us",
                   "but you didn't tell us you'd moved", "but it did say that on the booking page",
                   "however we can't control the weather", "but we did send a reminder", "but it's the supplier's fault",
                   "though to be honest the address was wrong", "but you should have read the terms"]

# Turns to action phrased without "I'll" / "let me", and lines that move on without one.
ACTION_MORE = ["A replacement is already on its way to you.", "You'll see the refund within three days.",
               "I've gone ahead and cancelled that charge.", "Consider it sorted, the credit's on your account.",
               "Here's what I'm doing: I'm booking a new slot right now.", "I'm going to call the depot straight after this.",
               "We're sending someone out first thing.", "I've just put a note on the account and refunded it.",
               "I'm fixing that for you as we speak.", "What I can do is refund it today."]
NO_ACTION_MORE = ["Anyway, what else can I help with?", "Is there anything else you needed?", "So, was there something else?",
                  "Can I get your full name please?", "What's the best number to reach you on?",
                  "It's all in the terms and conditions.", "You can check the status on our website.",
                  "You'll need to contact the manufacturer.", "That's just how it is at the moment.",
                  "Okay, so moving on to your other question.", "Right, and your postcode?", "Thanks for bearing with us.",
                  "Hopefully it won't happen again.", "It's a known issue at the moment."]
NON_APOLOGY_MORE = ["Sorry, could you say that again?", "Sorry, is that with a B or a P?", "Sorry, one more time?",
                    "Sorry, was that the fourteenth?", "Excuse me, could you hold the line?",
                    "Pardon me, which account is it?", "Sorry, I missed the last bit.", "Sorry, can you speak up a little?",
                    "Sorry, the line's terrible, what was that?", "My colleague said she was sorry she missed you.",
                    "The engineer told you he was sorry, did he?", "Sorry to butt in, is the postcode the same?",
                    "Sorry, quick question, is this a joint account?", "Sorry, hang on, you said Tuesday?"]
