"""Whole-word search in plain text: the word-character test the matcher and
term discovery share, and counting a word where it stands on its own.

>>> word_count("Slop: slop and sloppy slop", "slop"), has_word("decrypted", "decrypt")
(2, False)
"""

from __future__ import annotations

__all__ = ["has_word", "is_word_char", "word_count"]


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` is a word character (``\\w``: a letter, a digit or ``_``).

    >>> is_word_char("_"), is_word_char("-")
    (True, False)
    """
    return ch.isalnum() or ch == "_"


def word_count(text: str, word: str, limit: int = 0) -> int:
    """How often ``word`` stands in ``text`` as a whole word (case-sensitive),
    counting up to ``limit`` if it is given.

    >>> word_count("slop, slop", "slop", limit=1)
    1
    """
    count = 0
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not is_word_char(text[at - 1])) and (
            end == len(text) or not is_word_char(text[end])
        ):
            count += 1
            if count == limit:
                break
        at = text.find(word, end)
    return count


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a whole word (case-sensitive).

    >>> has_word("decrypt it", "decrypt"), has_word("decrypted", "decrypt")
    (True, False)
    """
    return word_count(text, word, limit=1) > 0
