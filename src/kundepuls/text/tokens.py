"""Tokens and clauses of a customer comment, shared by the lexicon, themes and language code."""

import re

# Words keep inner hyphens and apostrophes ("user-friendly", "don't"); emoticons and emoji
# are tokens of their own so that the lexicon can score them.
_TOKEN = re.compile(
    r"(?:>:\(|:'\(|:-?[()DP]|;-?\)|<3)"
    r"|[^\W\d_]+(?:['’\-][^\W\d_]+)*"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50]\uFE0F?"
    r"|[.;:!?]+|,",
)


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens of ``text``: words, emoji, emoticons and punctuation.

    Examples
    --------
    >>> tokenize("Ikke bra :( Leveringen var treg!")
    ['ikke', 'bra', ':(', 'leveringen', 'var', 'treg', '!']
    """
    tokens = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[:1] in ":;<>" and len(token) > 1 and token.strip(".;:!?"):
            tokens.append(token)  # an emoticon keeps its case (":D")
        else:
            tokens.append(token.lower().replace("’", "'"))
    return tokens


def words(text: str) -> list[str]:
    """Only the word tokens of ``text``, lower-cased.

    Examples
    --------
    >>> words("Kjempebra service, 10/10!")
    ['kjempebra', 'service']
    """
    return [t for t in tokenize(text) if t[:1].isalpha()]


def is_boundary(token: str) -> bool:
    """Whether ``token`` ends a sentence (commas and emoticons do not)."""
    return token[0] in ".;:!?" and token[-1] in ".;:!?"


def is_break(token: str) -> bool:
    """Whether ``token`` ends a clause: sentence punctuation or a comma."""
    return token in {","} or is_boundary(token)
