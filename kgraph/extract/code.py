"""Code read as code: which matches in a code block name a concept.

A code block names a concept through what the code *does*: an import, a
command, a package name, an API call (``import json``, ``pip install
requests``, ``kubectl apply``, ``fmt.Println``). It does not through the text
it carries: a string literal (``'statusCode': 200``, ``"Apt. 009"``), a
mapping key (``logging:``, ``backend:``, ``Authorization:`` header names), a
flag of a command (``--arch=amd64``, ``--tlsv1.2``), a CSS class or a member
(``.container {``), or a piece of a path, a file name, an image reference or a
longer identifier (``/etc/confluent/``, ``linux/amd64``, ``create-s3-bucket.yml``,
``letsencrypt-dns01-private-key``, ``@sha256:``). :func:`names_concept` tells them
apart from the characters around the match on its line; :func:`is_command` tells
whether the match is what a line runs or imports (evidence for a word like
``python`` or ``curl``).

>>> line = "secretName: default-workshop-example-tls"
>>> names_concept(line, line.index("tls"), len(line))
False
>>> line = "pip install requests"
>>> names_concept(line, 0, 3), is_command(line, 0, 3)
(True, True)
"""

from __future__ import annotations

import re

__all__ = ["glued_in_prose", "is_command", "names_concept", "names_in_block"]

#: characters that glue a match into a longer name: a path, a file name, an
#: identifier, an image or a host reference
_GLUE_BEFORE = frozenset("/\\-_.@~$%=")
_GLUE_AFTER = frozenset("/\\-_@")
_QUOTES = "\"'`"
#: a line that imports or installs: a string on it names a package
_IMPORT = re.compile(
    r"^\s*(?:import\b|from\b|require\b|use\b|using\b|include\b|#include\b|@import\b|go get\b|"
    r"\w+\s*(?::=|=)\s*require\s*\(|.*\b(?:require|import)\s*\(|.*\b(?:install|add|get)\b)"
)
#: a line that is only a quoted string, as in a Go import block
_LONE_STRING = re.compile(r"""^\s*(?:\w+\s+)?(["'`])[^"'`]*\1\s*[,;]?\s*$""")
#: what may stand before the command on a line: a prompt, sudo, RUN, a list dash
_COMMAND_PREFIX = re.compile(
    r"^\s*(?:[$#>%]\s*|\w+@[\w.-]+:[^$#]*[$#]\s*)?(?:(?:sudo|RUN|exec|time|env)\s+|-\s+)*$"
)
_KEY = re.compile(r"^\s*(?:-\s+)?[\w.-]+$")
#: what only a file pattern or a list holds inside a quoted string
_GLOB = re.compile(r"""["'`][^"'`]*[*{},?\[][^"'`]*["'`]""")


def _in_string(line: str, start: int) -> bool:
    """Whether ``start`` is inside a quoted string on ``line`` (quotes counted
    from the line start; a backslash escapes the next character)."""
    quote = ""
    i = 0
    while i < start:
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in _QUOTES and not (
            # an apostrophe between letters (don't) opens nothing
            ch == "'" and 0 < i < len(line) - 1 and line[i - 1].isalpha() and line[i + 1].isalpha()
        ):
            quote = ch
        i += 1
    return bool(quote)


def names_concept(line: str, start: int, end: int) -> bool:
    """Whether the match ``line[start:end]`` names a concept as code does.

    >>> t = "'statusCode' : 200,"
    >>> names_concept(t, 1, 11)
    False
    >>> t = "logging:"
    >>> names_concept(t, 0, 7)
    False
    >>> t = 'import "net/http"'
    >>> names_concept(t, 8, 16)
    True
    >>> t = "  'ext/nokogiri/*.{o,so,bundle,dll}',"
    >>> names_concept(t, t.index("dll"), t.index("dll") + 3)
    False
    >>> t = "gzip_types text/plain text/css text/xml;"
    >>> names_concept(t, t.index("xml"), t.index("xml") + 3)
    False
    """
    before = line[start - 1] if start > 0 else ""
    after = line[end] if end < len(line) else ""
    if before in _GLUE_BEFORE or after in _GLUE_AFTER or (before == ":" and after == ":"):
        return False  # a piece of a path, flag, file name, identifier, member or ARN
    if after == "." and _EXTENSION.match(line, end):
        return False  # a file name (index.html), not a call (json.dumps)
    if _in_string(line, start):
        if _IMPORT.match(line):
            return True
        lone = _LONE_STRING.match(line)
        # a Go import block's line names a package; a glob or a list in a
        # string ('ext/*.{o,so,dll}') names files
        return lone is not None and not _GLOB.search(lone.group(0))
    # a mapping key (YAML, JSON, an HTTP header): the match, then a colon
    return not (after == ":" and _KEY.match(line[:end]) and not line.startswith("::", end))


_FILE_EXTENSIONS = frozenset(
    [
        "yml",
        "yaml",
        "json",
        "toml",
        "ini",
        "cfg",
        "conf",
        "txt",
        "md",
        "html",
        "htm",
        "css",
        "js",
        "ts",
        "py",
        "go",
        "rs",
        "rb",
        "php",
        "java",
        "sh",
        "xml",
        "csv",
        "log",
        "lock",
        "zip",
        "tar",
        "gz",
        "tgz",
        "exe",
        "dll",
        "so",
        "dylib",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "pdf",
        "tf",
        "tfvars",
        "hcl",
        "env",
    ]
)
_EXTENSION = re.compile(r"\.(?:" + "|".join(sorted(_FILE_EXTENSIONS)) + r")\b", re.I)


def is_command(line: str, start: int, end: int) -> bool:
    """Whether the match is what the line runs or imports: the first word of a
    command (after a prompt, ``sudo`` or ``RUN``), or a module in an import.

    >>> is_command("$ sudo apt install nginx", 7, 10)
    True
    >>> is_command("import json", 7, 11), is_command("x = json.loads(s)", 4, 8)
    (True, False)
    """
    if _COMMAND_PREFIX.match(line[:start]) and (end == len(line) or not line[end].isalnum()):
        return True
    head = line[:start]
    return bool(re.match(r"^\s*(?:import|from|require\(|use|using)\s*[\"'(]?\s*$", head))


def names_in_block(text: str, start: int, end: int) -> bool:
    """:func:`names_concept` for a match at ``start:end`` of a whole code block.

    >>> code = "import json" + chr(10) + "logging:"
    >>> names_in_block(code, 7, 11), names_in_block(code, 12, 19)
    (True, False)
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return names_concept(line, start - line_start, end - line_start)


#: in prose, what glues a match into a symbol path: a Go receiver type
#: ``(*Replication)``, or a member between dots ``docs.docker.com``,
#: ``base.Replicator.Run``
_SYMBOL_BEFORE = re.compile(r"(?:[a-z0-9)]\.)$")
_SYMBOL_AFTER = re.compile(r"^(?:\.[A-Za-z_]|\)\.|\()")


def glued_in_prose(text: str, start: int, end: int) -> bool:
    """Whether a match at ``start:end`` of a prose block is a piece of a symbol
    path (a receiver type, a member of a package, a host name) rather than a
    name: ``sg-replicate.(*Replication).processEvents()``, ``func (r
    *Replication)``, ``docs.docker.com``. A dotted alias matched whole
    (``fmt.Println``, ``Node.js``) is not glued, nor is a name after a full
    stop and a space, nor one in unrendered emphasis (``*Docker*``).

    >>> s = "sg-replicate.(*Replication).processEvents() failed"
    >>> glued_in_prose(s, s.index("Replication"), s.index("Replication") + 11)
    True
    >>> s = "See docs.docker.com for Docker."
    >>> glued_in_prose(s, 9, 15), glued_in_prose(s, 24, 30)
    (True, False)
    >>> s = "Use fmt.Println(x) in Go, not *Docker*."
    >>> glued_in_prose(s, 4, 15), glued_in_prose(s, 31, 37)
    (False, False)
    >>> s = "func (r *Replication) GetStats()"
    >>> glued_in_prose(s, 9, 20)
    True
    """
    prev = text[start - 1 : start]
    if prev == "*":
        return text[end : end + 1] != "*"  # (*Replication), (r *Replication); not *emphasis*
    return (
        prev == "."
        and _SYMBOL_BEFORE.search(text[max(0, start - 2) : start]) is not None
        and _SYMBOL_AFTER.match(text[end : end + 2]) is not None
    )
