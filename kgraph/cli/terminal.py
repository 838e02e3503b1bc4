"""What the CLI prints to a terminal: never a control character from a graph or feed.

A graph file can come from anywhere, and titles, names and URLs in it are
printed by the query commands; an escape sequence (``ESC [``, or the one-byte
C1 ``CSI``) in one could recolour, retitle or rewrite the user's terminal.
:func:`say` prints text with C0/C1 controls (all but tab and newline), DEL,
line separators and bidirectional overrides removed; :func:`say_json`
prints JSON with those characters as ``\\uXXXX`` escapes (the data stays whole).

>>> terminal_text("T\\x1b]0;owned\\x07itle\\x9b2J \\u202eevil")
'T]0;owneditle2J evil'
>>> json_text('{"t": "a\\x9bb"}')
'{"t": "a\\\\u009bb"}'
"""

from __future__ import annotations

import re

import click

__all__ = ["json_text", "one_line", "say", "say_json", "terminal_text"]

_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def terminal_text(text: object) -> str:
    """``text`` without the characters a terminal could act on (tab and newline stay)."""
    return _CONTROLS.sub("", str(text))


def one_line(text: object) -> str:
    """A string from a graph on one line: line breaks and runs of blanks as one
    space (a title or name cannot add lines of its own to the output).

    >>> one_line("Go\\n  tips")
    'Go tips'
    """
    return " ".join(str(text).split())


def json_text(text: str) -> str:
    """JSON text with those characters written as ``\\uXXXX`` (json.dumps
    escapes C0 controls itself, not DEL, C1 or the bidi marks)."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: object = "", err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of :func:`terminal_text`."""
    click.echo(terminal_text(text), err=err, nl=nl)


def say_json(text: str) -> None:
    """``click.echo`` of :func:`json_text`."""
    click.echo(json_text(text))
