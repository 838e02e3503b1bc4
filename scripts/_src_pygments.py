"""Programming languages and file formats, from the lexers Pygments ships.

One lexer is one language or format (its display name, and its longer
aliases: short codes such as "pl" or "c" are never plain aliases). Variants
that are not a language of their own are left out: embedded mixes
("HTML+Django"), console or shell sessions, tracebacks, "Text only". The lexer
module says the type: ``configs``, ``data``, ``markup``, ... are formats, the
rest languages. A language named by a common word ("Red", "Factor", "Clean")
counts only with a cue in its sentence: "language", "compiler", its file
extension.

>>> _is_variant("HTML+Django/Jinja"), _is_variant("Python console session"), _is_variant("Zig")
(True, True, False)
"""

from __future__ import annotations

import re

from _gen_open import Candidate

from kgraph.catalogue.concepts import slugify

SOURCE = "pygments"
LICENSE = "BSD-2-Clause"
FORMAT_MODULES = {
    "configs",
    "data",
    "markup",
    "textfmts",
    "diff",
    "rdf",
    "dns",
    "email",
    "mime",
    "hexdump",
    "json5",
    "srcinfo",
    "procfile",
    "xorg",
    "wowtoc",
    "sgf",
    "bibtex",
    "usd",
    "resource",
    "devicetree",
    "tls",
}
TEMPLATE_MODULES = {"templates"}
SKIP_MODULES = {"console", "special"}
VARIANT_RE = re.compile(
    r"\+|session|console|traceback|\bshell session|\btext only|\braw token|"
    r"\bdebug|\bdelegating|\bconsole\b|\bwith |\bin |\(|\bbootstrap\b",
    re.I,
)
LANG_CUES = ["programming language", "language", "compiler", "interpreter", "syntax", "source code"]
FORMAT_CUES = ["file format", "format", "config file", "configuration file", "syntax", "parser"]


def _is_variant(name: str) -> bool:
    return bool(VARIANT_RE.search(name))


def candidates() -> list[Candidate]:
    from pygments.lexers import LEXERS

    out: list[Candidate] = []
    seen: set[str] = set()
    for module, name, aliases, filenames, _mimes in sorted(LEXERS.values(), key=lambda v: v[1]):
        kind = module.rsplit(".", 1)[-1]
        if kind in SKIP_MODULES or _is_variant(name) or name in seen:
            continue
        seen.add(name)
        exts = [f[1:] for f in filenames if re.fullmatch(r"\*\.[A-Za-z0-9]{2,}", f)][:2]
        if kind in TEMPLATE_MODULES:
            ctype, parents, cues = "library", ["template-engine"], ["template", "templates"]
        elif kind in FORMAT_MODULES:
            ctype, parents, cues = "format", ["file-format"], FORMAT_CUES
        else:
            ctype, parents, cues = "language", ["programming-language"], LANG_CUES
        longer = [a for a in aliases if len(re.sub(r"[^a-z0-9]", "", a)) > 3]
        out.append(
            Candidate(
                id=slugify(name),
                name=name,
                type=ctype,
                parents=parents,
                source=SOURCE,
                license=LICENSE,
                aliases=longer,
                cues=[*cues, *exts],
                needs=[],
                keys=[a.lower() for a in (name, *aliases)],
                short=4,  # "FunC", "Boo", "Nim": program words as often as names
            )
        )
    return out
