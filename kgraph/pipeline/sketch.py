"""Sketches of analysed articles, for the build cache's carry-over: a 1 KB
bitmap of the byte trigrams of an article's text as the matcher searched it
(:func:`kgraph.extract.matcher.searched_forms`). When the catalogue changes,
:mod:`kgraph.pipeline.carryover` re-analyses only the articles whose sketch may
contain a changed alias.
"""

from __future__ import annotations

from collections.abc import Iterable

from kgraph.extract.matcher import searched_forms
from kgraph.records import ArticleText

__all__ = ["SKETCH_BITS", "has_bits", "sketch", "text_sketch", "trigram_bits"]


#: A sketch is a bitmap of ``2 ** SKETCH_BITS`` bits (1 KB): one bit per hashed
#: byte trigram of the text as the automaton searched it.
SKETCH_BITS = 13
_HASH = 2654435761  # Knuth's multiplicative hash, on 32-bit trigram codes


def trigram_bits(key: str) -> frozenset[int] | None:
    """The sketch bits a text must have set to contain ``key`` (an
    :func:`automaton_key`), or None for a key too short to tell (under three
    bytes: punctuation-only forms), which any text may contain.

    >>> from kgraph.extract.matcher import automaton_key
    >>> len(trigram_bits(automaton_key("go")))  # NUL g o, g o NUL
    2
    """
    raw = key.encode("utf-8", "surrogatepass")
    if len(raw) < 3:
        return None
    shift = 32 - SKETCH_BITS
    return frozenset(
        (((raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2]) * _HASH) & 0xFFFFFFFF) >> shift
        for i in range(len(raw) - 2)
    )


def sketch(marks: Iterable[str]) -> bytes:
    """A bitmap of the byte trigrams of texts as :meth:`FastMatcher.candidates`
    searched them (lowered, every non-word character a NUL: ``marks``, one per
    block, each between NULs): a text that contains an alias form has every
    bit of its :func:`trigram_bits` set, so :mod:`kgraph.pipeline.carryover` can tell
    which articles a catalogue change may touch. (Text inside URLs, where
    nothing matches, is left out.) Numpy hashes the trigrams: 0.06 ms for an
    article of 1,200 words, where a set of its words took 0.17 ms.

    >>> from kgraph.records import Block
    >>> bitmap = sketch(searched_forms(ArticleText("a", (Block("paragraph", "go; s3"),))))
    >>> from kgraph.extract.matcher import automaton_key
    >>> len(bitmap), has_bits(bitmap, trigram_bits(automaton_key("s3")))
    (1024, True)
    """
    import numpy as np

    raw = ("\x00" + "\x00\x00".join(marks) + "\x00").encode("utf-8", "surrogatepass")
    data = np.frombuffer(raw, np.uint8).astype(np.uint32)
    codes = data[:-2] << 16 | data[1:-1] << 8 | data[2:]
    bits = np.zeros(1 << SKETCH_BITS, np.bool_)
    bits[(codes * np.uint32(_HASH)) >> np.uint32(32 - SKETCH_BITS)] = True
    return np.packbits(bits).tobytes()


def has_bits(bitmap: bytes, bits: Iterable[int] | None) -> bool:
    """Whether a :func:`sketch` has all of ``bits`` set (None: yes)."""
    if bits is None:
        return True
    if len(bitmap) != 1 << (SKETCH_BITS - 3):
        raise ValueError("not a sketch")
    return all(bitmap[b >> 3] & (0x80 >> (b & 7)) for b in bits)


def text_sketch(text: ArticleText) -> bytes:
    """:func:`sketch` of every block of ``text`` (title, prose, code), as the
    fast engine searches them.

    >>> from kgraph.records import Block
    >>> bitmap = text_sketch(ArticleText("a", (Block("code", "go run ."),)))
    >>> has_bits(bitmap, trigram_bits("\\x00run\\x00")), has_bits(bitmap, trigram_bits("\\x00rust\\x00"))
    (True, False)
    """
    return sketch(searched_forms(text))
