"""Term discovery, the articles: names from code, an article's terms, and
which of them a build shows.

:func:`code_names` finds the packages a piece of code installs or imports
and the commands it runs at a shell prompt; :func:`article_terms` gathers
one article's terms (:func:`kgraph.extract.discover.find_terms` in its prose, these
in its code) as mentions marked ``extra=(("term", kinds),)``; a
:class:`~kgraph.extract.tally.TermTally` of a whole build keeps the ones shown as concept nodes
with ``type="term"`` and ``curated="false"`` and ranks them for promotion
into the catalogue (:mod:`kgraph.extract.tally`; docs/catalogue.md, "Names
the catalogue lacks").

>>> code_names("$ pip install httpx\\nimport numpy as np")
[('httpx', 'install'), ('numpy', 'import')]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kgraph.catalogue.concepts import Catalogue, normalise, slugify
from kgraph.extract.discover import Lexicon, find_terms, load_lexicon, title_case
from kgraph.extract.wordscan import has_word
from kgraph.records import ArticleText, Mention

__all__ = [
    "TERM_MARK",
    "TERM_TYPE",
    "article_terms",
    "code_names",
    "is_term",
]

#: The ``type`` of a discovered concept node (no catalogue concept has it).
TERM_TYPE = "term"
#: The key in ``Mention.extra`` that marks a term; its value is how the term
#: was found, ``+``-joined (``camel+prose+title``).
TERM_MARK = "term"


_INSTALL = re.compile(
    r"\b(?:pip3?|npm|yarn|pnpm|gem|brew|apt-get|apt|yum|dnf|apk|cargo|go|choco|port)[ \t]+"
    r"(?:install|add|get|i)[ \t]+((?:[^\s;&|]+[ \t]*)+)"
)
_MANAGERS = frozenset(
    [
        "pip",
        "pip3",
        "npm",
        "yarn",
        "pnpm",
        "gem",
        "brew",
        "apt-get",
        "apt",
        "yum",
        "dnf",
        "apk",
        "cargo",
        "go",
        "choco",
        "port",
        "sudo",
    ]
)
_PROMPT = re.compile(
    r"^\s*(?:\$|\w+@[\w.-]+(?::[~\w/.-]*)?[$#])\s+(?:sudo\s+)?([a-z][\w.-]{1,30})(?=\s|$)", re.M
)
_PY_IMPORT = re.compile(
    r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\b|import\s+([A-Za-z_]\w*)(?:\s+as\s+\w+)?\s*$)",
    re.M,
)
_GO_IMPORT = re.compile(
    r'"((?:github\.com|gitlab\.com|gopkg\.in|go\.uber\.org|k8s\.io|golang\.org/x)/[\w./-]+)"'
)
_JS_IMPORT = re.compile(
    r"""(?:\brequire\(\s*|^\s*import\b[^'"\n]*?\bfrom\s+|^\s*import\s+)['"]([@a-z][\w@/.-]*)['"]""",
    re.M,
)
_RUBY_REQUIRE = re.compile(r"""^\s*require\s+['"]([a-z][\w-]*)['"]""", re.M)
_PACKAGE = re.compile(r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*")
_NODE_BUILTINS = frozenset(
    [
        "fs",
        "path",
        "os",
        "http",
        "https",
        "url",
        "util",
        "events",
        "stream",
        "crypto",
        "child_process",
        "net",
        "zlib",
        "assert",
        "buffer",
        "readline",
    ]
)


def _package(name: str) -> str | None:
    """A package name from an install or import argument, or None."""
    name = name.strip("'\"")
    name = name.split("@")[0] if not name.startswith("@") else name
    name = re.split(r"[=<>~!\[]", name)[0]
    if not name or name.startswith("-") or name.count("/") > 1:
        return None
    if name.startswith(("github.com/", "gitlab.com/")):
        return None
    return name if _PACKAGE.fullmatch(name.lower()) or name.startswith("@") else None


def code_names(code: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """``(name, kind)`` of the packages a piece of code installs (kind
    ``install``: pip, npm, yarn, gem, brew, apt, cargo...), the Go modules it
    gets or imports from a repository host (``module``, named by repository),
    the Python, JavaScript and Ruby modules it imports (``import``) and the
    commands it runs at a shell prompt (``command``), in that order; the
    standard library, relative paths, shell built-ins and basic utilities
    left out.

    >>> code_names('$ go get github.com/spf13/cobra\\n$ kubectl get pods\\n$ cd /tmp')
    [('cobra', 'module'), ('kubectl', 'command')]
    """
    lex = lexicon or load_lexicon()
    out: list[tuple[str, str]] = []
    if " " not in code:
        return out  # a bare word: no command, install or import
    # each pattern only where its keyword is (a substring test costs far less than a regex)
    for m in (
        _INSTALL.finditer(code)
        if (" install" in code or " get " in code or " add " in code or " i " in code)
        else ()
    ):
        for arg in m.group(1).split():
            if arg in _MANAGERS:
                break  # the next command on the same line
            if arg.startswith("-"):
                continue
            if arg.startswith(
                ("github.com/", "gitlab.com/", "golang.org/", "k8s.io/", "gopkg.in/")
            ):
                out.append((_go_name(arg), "module"))
                continue
            pkg = _package(arg)
            if pkg and pkg.lower() not in lex.commands:
                out.append((pkg, "install"))
    for m in _PROMPT.finditer(code) if ("$ " in code or "# " in code) else ():
        word = m.group(1)
        if word in _MANAGERS or word.lower() in lex.commands or any(word == n for n, _ in out):
            continue
        if True:
            out.append((word, "command"))
    has_import = "import" in code
    for m in _PY_IMPORT.finditer(code) if has_import else ():
        mod = m.group(1) or m.group(2)
        if mod not in sys.stdlib_module_names and mod != "__future__":
            out.append((mod, "import"))
    for m in _GO_IMPORT.finditer(code) if has_import else ():
        out.append((_go_name(m.group(1)), "module"))
    go_code = "package " in code or "func " in code
    scripts = (_RUBY_REQUIRE,) if go_code else (_JS_IMPORT, _RUBY_REQUIRE)
    for regex in scripts if (has_import or "require" in code) else ():
        for m in regex.finditer(code):
            mod = m.group(1)
            if mod.split("/")[0] not in _NODE_BUILTINS and not mod.startswith("."):
                out.append((mod, "import"))
    return [(n, k) for n, k in out if n and len(n) > 1]


def _go_name(path: str) -> str:
    """The name of a Go module path: its repository (``github.com/spf13/cobra/cmd`` -> cobra)."""
    parts = path.split("@")[0].rstrip("/").split("/")
    if parts[0] in ("golang.org", "k8s.io", "gopkg.in", "go.uber.org"):
        name = (
            parts[-1] if parts[0] != "golang.org" else (parts[2] if len(parts) > 2 else parts[-1])
        )
    else:
        name = parts[2] if len(parts) > 2 else parts[-1]
    return re.sub(r"\.v\d+$", "", name)


#: a bare word in inline code that may name a tool: lowercase, no call or path
_BARE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PROSE = frozenset(("paragraph", "item", "quote", "table"))
_PROSE_QUALITY = {
    "paragraph": 0,
    "item": 0,
    "quote": 0,
    "table": 1,
    "heading": 2,
    "title": 3,
    "code": 4,
}


@dataclass
class _Seen:
    surface: Counter[str] = field(default_factory=Counter)
    kinds: set[str] = field(default_factory=set)
    count: int = 0
    title: bool = False
    headings: int = 0
    first: int = 0
    evidence: tuple[int, str] = (9, "")


def article_terms(
    text: ArticleText,
    taken: Mapping[int, Sequence[tuple[int, int]]],
    catalogue: Catalogue,
    lexicon: Lexicon | None = None,
    salience: Callable[[bool, int, int, float], float] | None = None,
) -> list[Mention]:
    """The terms of one article, as mentions marked ``extra=(("term", kinds),)``
    (``kinds``: how it was found, ``+``-joined), most salient first.

    ``taken`` holds each block's catalogue matches ``(start, end)`` by block
    index: a term never overlaps one, and a term any catalogue alias names is
    left out. A CamelCase or other word that the article's own code holds is
    an identifier of that code, not a term; a name the article shows to be a
    person's anywhere is left out everywhere. The concept id of a term is the
    slug of its commonest spelling; ``salience`` (title, headings, count,
    first position) gives its weight, as for catalogue mentions.

    >>> from kgraph.catalogue import load_catalogue
    >>> from kgraph.records import Block
    >>> text = ArticleText("a", (Block("title", "Logs with Promtail"),
    ...     Block("paragraph", "We run Promtail on every node."), Block("code", "$ promtool check")))
    >>> [(m.concept, m.count, m.extra) for m in article_terms(text, {}, load_catalogue())]
    [('promtail', 2, (('term', 'cap+prose+title'),)), ('promtool', 1, (('term', 'command'),))]
    """
    lex = lexicon or load_lexicon()
    seen: dict[str, _Seen] = {}
    people: set[str] = set()  # names the article shows to be a person's somewhere
    # the article's code (blocks and inline), where a word is an identifier
    code_text = "\n".join([*(b.text for b in text.blocks if b.kind == "code"), *text.code])

    def add(surface: str, kind: str, block: int, bkind: str, sentence: str) -> None:
        if kind == "acronym" and surface.endswith("s") and surface[:-1].isupper():
            surface = surface[:-1]  # RVAs: one term with RVA
        key = normalise(surface)
        if len(key) < 2 or _known(catalogue, key) or _versioned(catalogue, key):
            return
        s = seen.get(key)
        if s is None:
            s = seen[key] = _Seen(first=block)
        s.surface[surface] += 1
        s.kinds.add(kind)
        s.count += 1
        if bkind in _PROSE:
            s.kinds.add("prose")
        elif bkind == "title":
            s.title = True
            s.kinds.add("title")
        elif bkind == "heading":
            s.headings += 1
            s.kinds.add("heading")
        quality = _PROSE_QUALITY.get(bkind, 4)
        if quality < s.evidence[0] and sentence:
            s.evidence = (quality, sentence)

    prose = "\n".join(b.text for b in text.blocks if b.kind != "code")
    # what the code installs, imports or runs, found once: each code block's
    # names and each inline span's
    in_blocks = {i: code_names(b.text, lex) for i, b in enumerate(text.blocks) if b.kind == "code"}
    inline = [code_names(c, lex) for c in text.code]
    used = frozenset(n.lower() for found in (*in_blocks.values(), *inline) for n, _ in found)
    # "open_basedir bypass", "on hardened_malloc": a snake_case name in the
    # title is what the post is about, when the post names it again
    snakes = {
        m.group()
        for b in text.blocks
        if b.kind == "title"
        for m in _SNAKE.finditer(b.text)
        if prose.count(m.group()) >= 2 or m.group() in code_text
    }
    for i, b in enumerate(text.blocks):
        if b.kind == "code":
            for name, kind in in_blocks[i]:
                add(name, kind, i, "code", _line_of(b.text, name))
            continue
        release = _RELEASE.match(b.text) if b.kind == "title" else None
        if release and not any(s < release.end(1) for s, _ in taken.get(i, ())):
            # "mat2 0.13.4", "fortify-headers 2.1": a release of the name
            name = release.group(1)
            if not lex.common(name):
                add(name, "release", i, b.kind, b.text)
        for m in _SNAKE.finditer(b.text) if snakes else ():
            if m.group() in snakes:
                add(m.group(), "snake", i, b.kind, _sentence_of(b.text, m.start(), m.end()))
        heading = b.kind in ("title", "heading") and title_case(b.text)
        for f in find_terms(b.text, taken.get(i, ()), lex, heading, people, prose):
            if code_text and _identifier(code_text, f.surface, f.kind, used):
                continue  # an identifier of the article's own code
            add(f.surface, f.kind, i, b.kind, _sentence_of(b.text, f.start, f.end))
    for c, found in zip(text.code, inline, strict=True):
        if not found and _BARE.fullmatch(c) and not lex.common(c) and c.lower() not in lex.commands:
            found = [(c, "code")]  # `frobnicatord`: a bare word in inline code
        for name, kind in found:
            add(name, kind, len(text.blocks), "code", _prose_sentence(text, c))
    n = max(len(text.blocks), 1)
    out = []
    for key, s in seen.items():
        if key in people and s.kinds <= {"cap", "prose"}:
            continue
        surface = s.surface.most_common(1)[0][0]
        weight = salience(s.title, s.headings, s.count, s.first / n) if salience else 0.0
        out.append(
            Mention(
                concept=slugify(surface),
                count=s.count,
                weight=weight,
                evidence=_window(s.evidence[1], surface),
                alias=surface,
                extra=((TERM_MARK, "+".join(sorted(s.kinds))),),
            )
        )
    out.sort(key=lambda m: (-m.weight, -m.count, m.concept))
    return out


def _identifier(code: str, surface: str, kind: str, used: frozenset[str]) -> bool:
    """Whether a name in prose is an identifier of the article's own code.

    A name the code installs, imports or runs is the library or tool, not an
    identifier (``require 'nokogiri'``). A capitalised word counts only where
    the code defines it (``class Parser``, ``Parser =``): a library's module
    used in code (``Nokogiri::HTML(...)``) is still the library; other shapes
    (CamelCase, digits, dotted) wherever the code holds them.

    >>> _identifier("doc = Nokogiri::HTML(x)", "Nokogiri", "cap", frozenset())
    False
    >>> _identifier("class Slop\\nend", "Slop", "cap", frozenset())
    True
    >>> _identifier("c := NewClient()", "NewClient", "camel", frozenset())
    True
    """
    if surface.lower() in used or not has_word(code, surface):
        return False
    if kind != "cap":
        return True
    name = re.escape(surface)
    return re.search(_DEFINES.format(name=name), code) is not None


#: a definition of ``name`` in common languages: class/def/func/type... name, or name = ...
_DEFINES = (
    r"\b(?:class|module|def|func|fn|type|struct|interface|enum|trait|let|var|const)"
    r"\s+{name}\b|\b{name}\s*(?::=|=(?!=))"
)


#: the longest evidence sentence, as for catalogue mentions
EVIDENCE_MAX = 300


def _window(sentence: str, surface: str) -> str:
    """A sentence on one line, cut to ``EVIDENCE_MAX`` characters around ``surface``.

    >>> len(_window("word " * 100 + "Promtail" + " word" * 100, "Promtail")), _window("a  b", "a")
    (300, 'a b')
    """
    sentence = " ".join(sentence.split())
    if len(sentence) <= EVIDENCE_MAX:
        return sentence
    at = max(sentence.find(surface), 0)
    start = max(0, min(at - EVIDENCE_MAX // 3, len(sentence) - EVIDENCE_MAX))
    return sentence[start : start + EVIDENCE_MAX]


def _known(catalogue: Catalogue, key: str) -> bool:
    return key in catalogue.index or key in catalogue.ambiguous_index


#: a snake_case identifier: two or more lowercase parts joined by "_"
_SNAKE = re.compile(r"(?<![\w.$/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(/-])")
#: a version glued to a name: "PHP8.3", "python3.12", "php7"
_GLUED_VERSION = re.compile(r"^([a-z][a-z+#]{2,})v?\d+(?:\.\d+)*$")
#: the concept types that have releases (RAID5 is a level of RAID, no release)
_RELEASED = frozenset({"language", "tool", "framework", "library", "database", "os", "platform"})


def _versioned(catalogue: Catalogue, key: str) -> bool:
    """Whether ``key`` is a catalogue name with a version glued to it: no new
    name, a release of a known one.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> [_versioned(load_catalogue(), k) for k in ("php8.3", "python3", "raid5", "spinn3r")]
    [True, True, False, False]
    """
    m = _GLUED_VERSION.match(key)
    if m is None:
        return False
    cid = catalogue.index.get(m.group(1))  # software has releases; RAID5 is a level of RAID
    return cid is not None and catalogue[cid].type in _RELEASED


def _sentence_of(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start) + 2, 0) if text.rfind(". ", 0, start) >= 0 else 0
    hi = text.find(". ", end)
    hi = len(text) if hi < 0 else hi + 1
    return text[lo:hi]


def _prose_sentence(text: ArticleText, code: str) -> str:
    """The first prose sentence that holds an inline code span, else the span."""
    for b in text.blocks:
        if b.kind != "code":
            at = b.text.find(code)
            if at >= 0:
                return _sentence_of(b.text, at, at + len(code))
    return code


def _line_of(code: str, name: str) -> str:
    at = code.find(name)
    if at < 0:
        return ""
    lo = code.rfind("\n", 0, at) + 1
    hi = code.find("\n", at)
    return code[lo : hi if hi >= 0 else None].strip()


def is_term(m: Mention) -> bool:
    """Whether a mention is of a discovered term (not a catalogue concept)."""
    return bool(m.extra) and m.extra[0][0] == TERM_MARK


#: a title that announces a release: a lowercase name, then a version number
_RELEASE = re.compile(r"([a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*) v?\d+(?:\.\d+)+\b")
