"""Feed bytes made safe to parse, before any parser sees them: UTF-16/UTF-32
transcoded to UTF-8, the DOCTYPE (with any internal subset and its ENTITY
declarations) cut out by a small scanner that respects quotes and comments,
numeric character references XML forbids removed, and the root element named.

>>> strip_doctype(b'<!DOCTYPE rss [<!ENTITY x "boom">]><rss>&x;</rss>')
(b'<rss>&x;</rss>', True)
>>> drop_bad_charrefs(b"<t>a&#1;b&#x41;</t>"), root_element(b"<?xml version='1.0'?><feed/>")
((b'<t>ab&#x41;</t>', 1), 'feed')
"""

from __future__ import annotations

import codecs
import re

__all__ = ["drop_bad_charrefs", "root_element", "strip_doctype", "to_utf8"]

_DOCTYPE_RE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.S | re.I)
_ROOT_RE = re.compile(rb"<([A-Za-z_][\w:.-]*)[\s/>]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NUL_PATTERNS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_ENCODING_DECL = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def to_utf8(data: bytes) -> bytes:
    """Transcode UTF-16/UTF-32 input (by BOM or by ``<?`` byte pattern) to UTF-8,
    so that the ASCII-based scanning below sees it; other bytes are unchanged.

    >>> to_utf8('<?xml version="1.0" encoding="UTF-16"?><rss/>'.encode("utf-16"))
    b'<?xml version="1.0" encoding="utf-8"?><rss/>'
    """
    codec = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-8":
                return data[len(bom) :]
            codec, data = name, data[len(bom) :]
            break
    else:
        for pattern, name in _NUL_PATTERNS:
            if data.startswith(pattern):
                codec = name
                break
    if not codec:
        return data
    text = data.decode(codec, "replace").encode("utf-8", "replace")
    return _ENCODING_DECL.sub(rb'\1"utf-8"', text, count=1)


def _skip_to(data: bytes, pos: int, end: bytes) -> int:
    """Index just after ``end`` at or after ``pos``; -1 if it never comes."""
    at = data.find(end, pos)
    return -1 if at < 0 else at + len(end)


def _doctype_end(data: bytes, start: int) -> int:
    """End (exclusive) of the DOCTYPE starting at ``start``, honouring quotes,
    comments, processing instructions and the ``[...]`` internal subset;
    -1 if the DOCTYPE never ends."""
    pos, depth, n = start + 9, 0, len(data)
    while pos < n:
        c = data[pos : pos + 1]
        if c in (b'"', b"'"):
            pos = _skip_to(data, pos + 1, c)
        elif data.startswith(b"<!--", pos):
            pos = _skip_to(data, pos + 4, b"-->")
        elif data.startswith(b"<?", pos):
            pos = _skip_to(data, pos + 2, b"?>")
        elif c == b"[":
            depth, pos = depth + 1, pos + 1
        elif c == b"]":
            depth, pos = max(depth - 1, 0), pos + 1
        elif c == b">" and depth == 0:
            return pos + 1
        else:
            pos += 1
        if pos < 0:
            return -1
    return -1


def strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """Remove the DOCTYPE from the prolog (before the root element).

    Returns the bytes without it and whether it declared entities (or
    parameter entities). Raises ``ValueError`` if the DOCTYPE never ends.
    Only the prolog is looked at, so a ``<!DOCTYPE`` quoted in a post's
    CDATA is left alone.

    >>> strip_doctype(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "]>">]><r>&a;</r>')
    (b'<?xml version="1.0"?><r>&a;</r>', True)
    >>> strip_doctype(b'<r><![CDATA[<!DOCTYPE html>]]></r>')[1]
    False
    """
    pos, n = 0, len(data)
    while pos < n:
        if data[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n"):
            pos += 1
        elif data.startswith(b"<?", pos):
            pos = _skip_to(data, pos + 2, b"?>")
        elif data.startswith(b"<!--", pos):
            pos = _skip_to(data, pos + 4, b"-->")
        elif data[pos : pos + 9].upper() == b"<!DOCTYPE":
            end = _doctype_end(data, pos)
            if end < 0:
                raise ValueError("its DOCTYPE declaration never ends")
            decl = data[pos:end].upper()
            return data[:pos] + data[end:], b"<!ENTITY" in decl
        else:
            break
        if pos < 0:
            break
    return data, False


_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _xml_char_ok(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def drop_bad_charrefs(data: bytes) -> tuple[bytes, int]:
    """Remove numeric character references to characters XML forbids
    (controls, lone surrogates, beyond U+10FFFF); return the bytes and how many.

    >>> drop_bad_charrefs(b"a&#xD800;b&#65;c&#1;")
    (b'ab&#65;c', 2)
    """
    count = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal count
        hexa, dec = match.groups()
        code = int(hexa, 16) if hexa else int(dec)
        if _xml_char_ok(code):
            return match.group(0)
        count += 1
        return b""

    return _CHARREF.sub(fix, data), count


def root_element(data: bytes) -> str:
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", data[:8192], flags=re.S)
    match = _ROOT_RE.search(body)
    return match.group(1).decode("ascii", "replace").lower() if match else ""
