"""Boilerplate of blog pages: what the HTML-to-text stage leaves out.

Share and follow buttons, footers, navigation, "related posts" and comment
blocks, author boxes, newsletter sign-ups and social-profile links say nothing
about the article; read as text they turn into mentions of X, Reddit, YouTube
or e-mail in every post of a feed (issue 21). Three tests, on what every blog
engine marks up the same way:

- an element whose ``class``, ``id`` or ``role`` names such a block
  (:func:`is_boilerplate_element`): ``class="sharedaddy"``,
  ``id="jp-relatedposts"``, ``role="navigation"``;
- a link to a share endpoint or a social profile, or a ``mailto:`` link
  (:func:`is_social_link`): its text is left out (the link itself is kept);
- a short paragraph that is a call to action: "follow me on", "thanks for
  reading", "originally published in ... on Medium" (:func:`is_call_to_action`).

>>> is_social_link("https://twitter.com/intent/tweet?url=x"), is_social_link("https://twitter.com/ruanbekker")
(True, True)
>>> is_social_link("https://www.youtube.com/watch?v=abc")
False
>>> is_call_to_action("Thanks for reading, feel free to follow me on Twitter.")
True
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import ahocorasick

__all__ = [
    "is_boilerplate_element",
    "is_call_to_action",
    "is_social_link",
    "looks_like_command",
    "looks_like_source",
]

#: class/id/role words of boilerplate blocks, matched as whole words of the
#: attribute (split on spaces, dashes and underscores)
_BLOCK_WORDS = frozenset(
    [
        "share",
        "sharing",
        "shares",
        "sharedaddy",
        "social",
        "socials",
        "follow",
        "related",
        "relatedposts",
        "yarpp",
        "addtoany",
        "a2a",
        "footer",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "comments",
        "respond",
        "disqus",
        "breadcrumb",
        "breadcrumbs",
        "navigation",
        "navbar",
        "sidebar",
        "widget",
        "widgets",
        "advert",
        "advertisement",
        "ads",
        "promo",
        "authorbox",
        "byline",
        "cookie",
        "cookies",
        "banner",
    ]
)
#: two-word names ("author bio", "post navigation")
_BLOCK_PAIRS = (("author", "bio"), ("author", "box"), ("post", "navigation"), ("more", "posts"))
_ROLES = frozenset({"navigation", "contentinfo", "complementary", "banner", "search"})
_SPLIT = re.compile(r"[\s_-]+")
_TAXONOMY = ("tag-", "category-", "cat-", "topic-", "post-tag-", "label-")

_SOCIAL_HOSTS = frozenset(
    [
        "twitter.com",
        "x.com",
        "facebook.com",
        "fb.com",
        "linkedin.com",
        "reddit.com",
        "news.ycombinator.com",
        "t.me",
        "telegram.me",
        "wa.me",
        "whatsapp.com",
        "pinterest.com",
        "tumblr.com",
        "mastodon.social",
        "bsky.app",
        "instagram.com",
        "youtube.com",
        "medium.com",
        "getpocket.com",
        "digg.com",
        "del.icio.us",
        "delicious.com",
        "stumbleupon.com",
        "technorati.com",
        "buymeacoffee.com",
        "patreon.com",
        "ko-fi.com",
        "plus.google.com",
    ]
)
_SHARE_PATH = re.compile(
    r"/(?:share|sharer|intent|submit|sharearticle|sharing|bookmark|addtoany)\b|/(?:in|channel|c|user|u)/|/@",
    re.I,
)
_CALL = re.compile(
    r"\b(?:follow (?:me|us)\b|subscribe to (?:my|our|the)\b|sign up (?:for|to) (?:my|our)\b|"
    r"share (?:this|it) (?:on|with)\b|tweet (?:about|this)\b|thanks for reading\b|thank you for reading\b|"
    r"if you (?:liked|enjoyed|like|enjoy) (?:this|the|my|it)\b|originally published (?:in|on|at)\b|"
    r"buy me a coffee\b|leave a comment\b|let me know in the comments\b|connect with me\b|"
    r"find me on\b|join (?:my|our) (?:newsletter|mailing list)\b|where people are continuing the conversation|"
    # where the post's code lives: "the complete code is available in my GitHub repository"
    r"(?:code|source|project|examples?|configuration|config|files|scripts?|manifests?)"
    r"(?: of this \w+| for this \w+| used here)? (?:is|are|will be|can be) "
    r"(?:available|found|hosted|published) (?:on|in|at) (?:(?:my|our|its own|the accompanying) )?"
    r"(?:github|gitlab|bitbucket|git|repo\b|repository)|"
    # a blog engine's byline under each post: "Entry posted by Vadim | 3 comments"
    r"\bposted by [\w .'-]{1,40}\|\s*(?:\d+|no) comments?\b)",
    re.I,
)
#: words one of which every call to action has (a cheap test before the regex:
#: one Aho-Corasick scan for all of them, faster than a regex alternation)
_CALL_HINTS = (
    "follow ",
    "subscribe",
    "sign up",
    "share ",
    "tweet",
    "thank",
    "if you",
    "originally published",
    "buy me",
    "comment",
    "connect with",
    "find me",
    "newsletter",
    "mailing list",
    "conversation",
    "github",
    "gitlab",
    "bitbucket",
    "repo",
)
_CALL_FINDER = ahocorasick.Automaton()
for _hint in _CALL_HINTS:
    _CALL_FINDER.add_word(_hint, _hint)
_CALL_FINDER.make_automaton()
#: a call to action is a short paragraph; a longer one is content that says so in passing
CALL_MAX_WORDS = 60


def is_boilerplate_element(cls: str | None, ident: str | None, role: str | None) -> bool:
    """Whether an element's ``class``, ``id`` and ``role`` name a boilerplate block.

    >>> is_boilerplate_element("sharedaddy sd-sharing-enabled", None, None)
    True
    >>> is_boilerplate_element("entry-content", "post-12", None), is_boilerplate_element(None, None, "navigation")
    (False, True)
    >>> is_boilerplate_element("post tag-social-media category-security", None, None)
    False
    """
    if role and role.strip().lower() in _ROLES:
        return True
    for value in (cls, ident):
        if not value:
            continue
        names = value.lower().split()
        # a class named after the post's tags or categories is no block's name
        if any(n.startswith(_TAXONOMY) for n in names):
            names = [n for n in names if not n.startswith(_TAXONOMY)]
        words = " ".join(names).replace("-", " ").replace("_", " ").split()
        if not _BLOCK_WORDS.isdisjoint(words):
            return True
        if any(a in words and b in words for a, b in _BLOCK_PAIRS):
            return True
    return False


def is_social_link(href: str | None) -> bool:
    """Whether a link is a share button, a social profile or an e-mail address:
    a social host with a share path or a profile (at most one path segment),
    or ``mailto:``. A link to one post or video on such a host is content."""
    if not href:
        return False
    href = href.strip()
    if href[:7].lower() == "mailto:":
        return True
    # the host, by slicing (most links go elsewhere: no URL parsing for them)
    at = href.find("//")
    if at < 0:
        return False
    host = href[at + 2 :].split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].lower()
    if host.removeprefix("www.").removeprefix("m.") not in _SOCIAL_HOSTS:
        return False
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host not in _SOCIAL_HOSTS:
        return False
    path = parts.path.rstrip("/")
    if _SHARE_PATH.search(path):
        return True
    return path.count("/") <= 1 and "watch" not in path


def is_call_to_action(text: str) -> bool:
    """Whether a paragraph is a call to action (follow, subscribe, share,
    "thanks for reading"), short enough not to be content.

    >>> is_call_to_action("Kubernetes operators follow the controller pattern.")
    False
    >>> is_call_to_action("The complete code is available in my GitHub repository.")
    True
    >>> is_call_to_action("GitHub Actions runs the code in our repository on every push.")
    False
    >>> is_call_to_action("All this configuration is available in my github repository."), is_call_to_action(
    ...     "Entry posted by Vadim | 3 comments")
    (True, True)
    """
    if text.count(" ") >= CALL_MAX_WORDS:
        return False
    # the words first: every paragraph of every article comes here
    if next(_CALL_FINDER.iter(text.lower()), None) is None:
        return False
    return _CALL.search(text) is not None


def looks_like_source(text: str) -> bool:
    """Whether a short paragraph is a line of source code or markup a page set
    as text (old blogs put code in ``<p>`` with ``<br>``): a lone closing
    keyword or brace, a definition, an assignment or a call that reads as no
    sentence, or a markup tag.

    >>> looks_like_source("doc = Nokogiri::Slop(<<-eohtml)"), looks_like_source("end")
    (True, True)
    >>> looks_like_source("def method_b"), looks_like_source("<p class='bold'>bold hello</p>")
    (True, True)
    >>> looks_like_source("The end is near."), looks_like_source("Use the Slop() method to walk the tree.")
    (False, False)

    A Markdown code fence the page did not render opens or closes source,
    however long the line (three backticks, then code).

    >>> looks_like_source("``` // Errorf prints an error message to stderr. func Errorf(format string) {")
    True
    """
    if text.startswith("```") or text.endswith("```"):
        return True
    words = text.count(" ") + 1
    if words > 12 or (text[-1:] in ".!?,:" and not text.endswith("...")):
        return False
    if _CLOSER.fullmatch(text) or _MARKUP.match(text):
        return True
    if _DEFINITION.match(text) or _ASSIGNMENT.match(text):
        return True
    # a bare dotted name (devcontainer.json, source.list) is a file or a field
    return _CALL_LINE.fullmatch(text) is not None and any(c in text for c in "(:>{;|")


#: a line that only closes or opens a block
_CLOSER = re.compile(r"(?:end|fi|done|esac|else|[})\]{(\[]+[;,)]*|end[).;]*)")
#: a markup tag opening the line: <html>, </div>, <p class="x">
_MARKUP = re.compile(r"</?[a-zA-Z][\w:-]*(?:\s+[\w:-]+(?:=\"[^\"]*\"|='[^']*')?)*\s*/?>")
#: a definition or import keyword and a name: def x, class Foo, func main(), import x
_DEFINITION = re.compile(
    r"(?:def|class|module|func|fn|function|package|import|require|from|var|let|const|"
    r"public|private|static|struct|interface|return|include|#include|using)\s+[\w.:'\"<>/*@-]+[\w\s(){}\[\],.:;'\"<>=|*&-]*$"
)
#: an assignment: x = ..., @x ||= ..., foo.bar := ...
_ASSIGNMENT = re.compile(r"[@$]?[\w.\[\]'\"]+\s*(?:=|:=|\+=|-=|\|\|=|<<)\s*\S.*$")
#: a call or chain with no sentence around it: foo.bar(1), Foo::Bar.new, x.each do |y|
_CALL_LINE = re.compile(
    r"[\w@$]+(?:(?:\.|::|->)\w+)+(?:\(.*\))?(?:\s*(?:do(?:\s*\|[^|]*\|)?|\{|;))?\s*(?:#.*)?"
)


_PROMPT = re.compile(r"^(?:[$#%>]\s+\S|[\w.-]+@[\w.-]+:\S*[#$]\s)")
# Feed text is untrusted: each flag below reads one way only, or a line of
# flags that fails to match takes a backtracking regex exponential time (20
# flags: a minute). A flag is "-" then [\w-]+ (what -{1,2}[\w-]+ matched, in
# one way); a flag's value after a space is no flag itself (one that is, is
# the next flag). The same strings match as before.
#: a command and two or more flags, and nothing that reads as a sentence after
_FLAGS = re.compile(r"^[\w./-]+(?:\s+[\w./-]+)?(?:\s+-[\w-]+(?:=\S*)?(?:\s+[^\s-][^\s]*)?){2,}\s*$")
_PIPELINE = re.compile(
    r"(?:^|\s)[\w./-]+(?:\s+-[\w-]+(?:=[^\s|]+| (?!-[\w-]+(?:=[^\s|]+)?(?![^\s|]))[^\s|]+)?)*"
    r"\s*\|\s*[\w./-]+\s+-{1,2}\w"
)


def looks_like_command(text: str) -> bool:
    """Whether a paragraph is a shell command or session a page set as text
    (not in ``<pre>``): it starts with a prompt, or it is a pipeline of
    commands with flags and reads as no sentence.

    >>> looks_like_command("netstat -n | grep -i 8080 | wc -l")
    True
    >>> looks_like_command("root@14952c2356a7:/# netstat -n | wc -l 166")
    True
    >>> looks_like_command("./sysbench --num-threads=2 --test=oltp --oltp-table-size=100000 run")
    True
    >>> looks_like_command("Pipe the output to grep -i to filter it, as the manual says.")
    False
    """
    head = text[:1]
    if head in "$#%>" and _PROMPT.match(text):
        return True
    if " -" not in text:  # no flag: no command of either kind below
        return "@" in text[:40] and _PROMPT.match(text) is not None
    if _PROMPT.match(text) or _FLAGS.match(text):
        return True
    if "|" not in text or _PIPELINE.search(text) is None:
        return False
    # prose that mentions a pipeline has sentences: words and a full stop
    return text.rstrip()[-1:] not in ".!?" or text.count(" ") < 8
