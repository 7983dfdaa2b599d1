"""Comment fragments in English. Clauses start in lower case and end without punctuation;
``{adv}`` is an optional intensifier."""

ADVERBS = ("very", "really", "extremely", "quite", "super", "incredibly")
BUT = ("but", "although", "even though")
AND = (" and ", ", and ", ". ", ", and also ")

ITEMS = ("jacket", "backpack", "tent", "bike", "jumper", "sleeping bag", "helmet", "fleece")
NUMBERS = ("two", "three", "four", "five", "six", "ten", "14")

POSITIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "the parcel arrived {adv} quickly",
        "delivery was faster than promised",
        "my order came the day after I placed it",
        "tracking worked well all the way",
        "everything arrived well packed",
    ),
    "ventetid": (
        "I got an answer in the chat almost at once",
        "short waiting time on the phone",
        "they replied to my email the same day",
        "the reply came {adv} fast",
    ),
    "kundeservice": (
        "customer service was {adv} helpful",
        "they solved the problem on the first try",
        "I got a clear explanation of what had happened",
        "the support agent followed up without me having to chase them",
    ),
    "ansatte": (
        "the staff in the shop were {adv} knowledgeable",
        "I got good advice on sizing",
        "the shop assistant took her time with me",
        "friendly people at the till",
    ),
    "pris": (
        "prices are {adv} competitive",
        "good value for money",
        "cheaper than other shops",
        "free shipping made it even better",
    ),
    "produktkvalitet": (
        "the {item} is {adv} good quality",
        "the shoes fit perfectly",
        "the {item} was exactly as described",
        "the bike is solid and well assembled",
    ),
    "retur": (
        "the return was {adv} easy",
        "I got my money back within a few days",
        "it was easy to exchange for another size",
    ),
    "betaling": (
        "paying with Vipps was smooth",
        "easy to pay by invoice",
        "checkout was quick and clear",
    ),
    "nettside_app": (
        "the app is {adv} easy to use",
        "the website is well organised",
        "ordering only took a couple of minutes",
        "good photos and descriptions of the products",
    ),
    "apningstider": (
        "it is nice that the shop is open until eight",
        "handy that you are open on Saturdays",
    ),
}

NEGATIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "the parcel arrived {n} days late",
        "delivery took {adv} long",
        "tracking did not show where the parcel was",
        "the parcel was delivered to the wrong address",
        "I still have not received my order",
        "the new courier cannot be trusted",
    ),
    "ventetid": (
        "I had to wait more than an hour on the phone",
        "it took {n} days to get an answer to my email",
        "nobody answered the chat at the weekend",
        "the waiting time was {adv} long",
    ),
    "kundeservice": (
        "customer service was not helpful at all",
        "I had to explain the problem again every time",
        "nobody took responsibility for my case",
        "they promised to call back but never did",
    ),
    "ansatte": (
        "the staff seemed uninterested",
        "nobody in the shop could answer my questions",
        "it was impossible to get help in the shop",
    ),
    "pris": (
        "prices have gone up {adv} much",
        "shipping was more expensive than expected",
        "the same item was cheaper elsewhere",
    ),
    "produktkvalitet": (
        "the sole came loose after two weeks",
        "the jacket let in water in the first shower",
        "the quality is {adv} poor for the price",
        "the product did not look like the picture",
    ),
    "retur": (
        "the return took {adv} long",
        "I have not had my money back for the {item} yet",
        "I had to pay for return shipping myself",
    ),
    "betaling": (
        "I was charged twice",
        "the Vipps payment failed several times",
        "the invoice arrived before the goods",
    ),
    "nettside_app": (
        "the app keeps crashing",
        "the website is {adv} slow",
        "my basket was emptied at checkout",
    ),
    "apningstider": (
        "the shop closes too early",
        "a pity you are closed on Sundays",
    ),
}

OPENERS_POS = ("", "", "", "Happy!", "Thanks!", "All in all good.", "Great.")
OPENERS_NEG = ("", "", "", "Disappointed.", "Unfortunately,", "Not happy.")
CLOSERS_POS = ("", "", "", "Will shop again.", "Recommended!", "Keep it up!")
CLOSERS_NEG = (
    "",
    "",
    "",
    "I will probably shop elsewhere next time.",
    "Please fix this.",
    "Not good enough.",
)
SHORT = ("Good!", "All fine.", "OK.", "No comment.")
CONTACT = (
    "Please call me on {phone}.",
    "You can reach me at {email}.",
    "Reply to {email}, thanks.",
)
