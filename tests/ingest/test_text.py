from __future__ import annotations

import re
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from kgraph.ingest.text import (
    _PARSER,
    _PLAIN_HTTP,
    _resolve,
    _text_content,
    _Walker,
    clean_inline,
    to_text,
)
from kgraph.records import Article


def text_of(html: str, **kw):
    return to_text(
        Article(id="a", url="https://blog.example.org/posts/one", title="T", html=html), **kw
    )


def test_blocks_keep_paragraphs_headings_items_and_code():
    t = text_of(
        "<h2>Setup</h2><p>First   para.<br>Second line.</p><ul><li>one</li><li><p>two</p></li></ul>"
        "<pre><code>kubectl apply -f x.yaml\naws s3 cp a s3://b</code></pre><blockquote>quoted</blockquote>"
    )
    assert [(b.kind, b.text) for b in t.blocks] == [
        ("title", "T"),
        ("heading", "Setup"),
        ("paragraph", "First para."),
        ("paragraph", "Second line."),
        ("item", "one"),
        ("item", "two"),
        ("code", "kubectl apply -f x.yaml\naws s3 cp a s3://b"),
        ("quote", "quoted"),
    ]


def test_noise_elements_are_dropped():
    t = text_of(
        "<nav>Home | About</nav><p>Body</p><script>var x='<p>evil</p>'</script>"
        "<style>p{}</style><svg><text>chart</text></svg><!-- hidden --><noscript>js</noscript>"
    )
    assert t.plain == "T\n\nBody"


def test_inline_code_stays_in_sentence_and_is_listed():
    t = text_of("<p>Install <code>boto3</code> and run <code>go func</code>.</p>")
    assert t.blocks[1].text == "Install boto3 and run go func."
    assert t.code == ("boto3", "go func")


def test_links_are_absolute_http_only_without_fragments():
    t = text_of(
        '<p><a href="../two/#top">2</a> <a href="javascript:alert(1)">x</a> '
        '<a href="mailto:a@b.c">m</a> <a href="https://other.org/x">o</a> <a href="../two/">dup</a></p>'
    )
    assert t.links == ("https://blog.example.org/two/", "https://other.org/x")


def test_word_count_counts_prose_only():
    t = text_of("<p>one two three</p><pre>not counted here</pre>")
    assert t.word_count == 3


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_html_gives_clean_blocks(html):
    t = text_of(html)
    for b in t.blocks:
        assert (b.text and b.text == b.text.strip()) or b.kind == "code"
        assert "\x00" not in b.text


# The shortcuts in kgraph.ingest.text (link()'s fast path for absolute http(s) hrefs and
# shared answer for "#..." hrefs, clean_inline()'s test for clean text,
# _text_content()) must give exactly what the plain code gives.


def reference_link(base_url: str, href: str | None) -> str | None:
    """What _Walker.link() appended before it had shortcuts: text._resolve(),
    the urljoin/urlsplit code link() ran on every href, kept as the reference."""
    if not href:
        return None
    return _resolve(base_url, href.strip())


def link_of(base_url: str, href: str | None) -> str | None:
    walker = _Walker(base_url)
    walker.link(href)
    assert len(walker.links) <= 1
    return walker.links[0] if walker.links else None


# pieces that urlsplit and urljoin treat specially, or that a shortcut might
_ODD = ["", "%2F", "%zz", "é", "..", *" \t\n\r\x00\x0b\x1f\x7f\xa0\u3000\\[]@;:%?#.'\"<|^`{"]
_BASES = [
    "",
    "https://blog.example.org/posts/one",
    "http://blog.example.org/a/b/",
    "HTTPS://Blog.Example.org:8443/x;p?q=1#f",
    "https://e.org",
    "http://[bad/x",  # urlsplit rejects it: urljoin then fails for every href
    "https://[::1]/v6",
    "ftp://files.example.org/pub/",
    "mailto:a@b.c",
    "relative/path",
    "//net.example/x",
    " https://ws.example/ ",
]
schemes = st.sampled_from(
    ["http", "https", "HTTP", "Https", "ftp", "mailto", "javascript", "file", "h"]
)
hosts = st.one_of(
    st.sampled_from(
        ["e.org", "blog.example.com", "a-b.c_d~e", "x", "127.0.0.1", "E.ORG", "[::1]", "[v1.x]"]
    ),
    st.sampled_from(
        ["", "u@h", "u:p@h", "h:", "h:80", "h:99999", "h:x", "[::1]:8", "é.org", "h\\x", "h h"]
    ),
    st.text(st.sampled_from("ab.-_~:@[]%é\\ \t"), max_size=6),
)
segments = st.one_of(
    st.sampled_from(
        ["", ".", "..", "a", "b.html", "p;q", ";", "%7E", "%", "~u", "a b", "é", "a\\b", "[x]"]
    ),
    st.text(st.sampled_from("az09.-_~;%:@!$&'()*+,=é \t\n\\[]|^`{}"), max_size=5),
)
paths = st.lists(segments, max_size=4).map(lambda s: "".join("/" + x for x in s))
queries = st.one_of(
    st.just(""),
    st.sampled_from(["?", "?a=1", "?a=1&b=%20", "??", "?a;b", "?a b", "?/x?y"]),
    st.text(st.sampled_from("a=&;/?:@%é \t"), max_size=5).map(lambda q: "?" + q),
)
fragments = st.one_of(
    st.just(""),
    st.sampled_from(["#", "#top", "#a#b", "#a?b", "#x y", "#\n", "#é"]),
    st.text(max_size=5).map(lambda f: "#" + f),
)
spaces = st.sampled_from(["", " ", "\t", "\n ", "\u3000", "\x00", "\x1f"])
built_hrefs = st.builds(
    lambda lead, scheme, sep, host, path, query, frag, trail: (
        f"{lead}{scheme}{sep}{host}{path}{query}{frag}{trail}"
    ),
    spaces,
    schemes,
    st.sampled_from(["://", "://", "://", ":", ":/", ":///", "//", ""]),
    hosts,
    paths,
    queries,
    fragments,
    spaces,
)
relative_hrefs = st.builds(
    lambda a, b, c: a + b + c,
    st.sampled_from(["", "/", "//", "./", "../", "#", "?", "x:", " "]),
    paths,
    st.one_of(queries, fragments),
)
# hrefs shaped like the fast path's (http(s)://host/path?query#fragment), with
# the characters that make urljoin and urlsplit differ from it on the edges
near_plain_hrefs = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}{path}{query}{fragment}",
    st.sampled_from(["http", "https", "http", "https", "HTTP", "hTtps"]),
    st.one_of(
        st.sampled_from(["e.org", "a.b-c_d~e", "E.org:8080", "e.org:", "e.org:99999"]),
        st.text(st.sampled_from("ab9.-_~:@[]é%\\ "), max_size=6),
    ),
    st.lists(
        st.one_of(
            st.sampled_from(
                ["", ".", "..", "a", ";", "a;", "a;b", ";b", "%7E", "é", "a b", "a\tb", "\n"]
            ),
            st.text(st.sampled_from("a.;%é \t\n\r\x00\x7f\\[]"), max_size=4),
        ),
        max_size=4,
    ).map(lambda segments: "".join("/" + x for x in segments)),
    st.sampled_from(["", "", "?", "?a=1", "?a;b", "?/x?y", "?a b", "?\t", "?#"]),
    st.sampled_from(["", "", "#", "#a", "#a#b", "#a?b", "#\n", "# x"]),
)
hrefs = st.one_of(
    near_plain_hrefs,
    built_hrefs,
    relative_hrefs,
    st.lists(st.sampled_from([*_ODD, "https://", "http://", "e.org", "/p", "a"]), max_size=8).map(
        "".join
    ),
    st.text(max_size=20),
)
bases = st.one_of(st.sampled_from(_BASES), built_hrefs, near_plain_hrefs)


@settings(max_examples=1500, deadline=None)
@given(bases, hrefs)
# edges the fast path must leave to urljoin, in case the search misses them
@example("https://e.org/x", "https://a/b;")  # urljoin drops the empty ;params
@example("http://[bad/x", "https://a/b")  # a base urlsplit rejects: no links at all
@example("https://e.org/x", "HTTPS://A/b")  # the scheme is lower-cased
@example("https://e.org/x", "https://a/b\tc")  # tab and newline are removed
@example("https://e.org/x", "https://[a/b")  # unbalanced bracket: ValueError
@example("https://e.org/x", "https://a/b?#c")  # an empty query goes
def test_link_shortcuts_agree_with_urljoin(base, href):
    assert link_of(base, href) == reference_link(base, href)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.text(max_size=10))
def test_fragment_only_hrefs_resolve_to_the_same_link(base, fragment):
    # link() keeps one answer for every "#..." href of an article
    assert reference_link(base, "#" + fragment) == reference_link(base, "#")


@pytest.mark.parametrize(
    "href",
    [
        "https://blog.example.org/posts/two",
        "http://e.org",
        "https://docs.python.org/3/library/asyncio.html#creating-tasks",
        "https://e.org/a/../b/./c?x=1&y=%20z#frag",
        "https://e.org:8080/?",
        "https://e.org/path/#",
    ],
)
def test_ordinary_absolute_hrefs_take_the_fast_path(href):
    """The property test above covers both paths: these hrefs take the fast one."""
    assert _PLAIN_HTTP.fullmatch(href)
    assert link_of("https://blog.example.org/posts/one", href) == reference_link(
        "https://blog.example.org/posts/one", href
    )


def test_clean_text_shortcut_holds_for_every_character():
    # clean_inline() returns printable text without double spaces nearly as it
    # is, which is right only if no whitespace or control character but " " is
    # printable
    ctrl = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    odd = [
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if c != " " and (c.isspace() or ctrl.match(c)) and c.isprintable()
    ]
    assert odd == []


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(st.sampled_from("ab é  "), max_size=12),  # clean or nearly: the shortcut
        st.text(
            st.sampled_from("ab é \t\n\r\x00\x0b\x0c\x1c\x1f\x7f\x85\xa0\u2003\u2028\u3000"),
            max_size=20,
        ),
    )
)
@example("a  b ")
def test_clean_inline_is_split_and_join(text):
    expected = " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())
    assert clean_inline(text) == expected


_INLINE_HTML = st.lists(
    st.one_of(
        st.sampled_from(
            ["<span>", "</span>", "<pre>", "</pre>", "<code>", "</code>", "<b>", "</b>", "<p>"]
        ),
        st.sampled_from(
            ["<!-- c -->", "<?pi x?>", "<script>s</script>", "&#127;", "&amp;", "<br>", "\n", " "]
        ),
        st.text(max_size=6),
    ),
    max_size=12,
).map(lambda parts: "<div>" + "".join(parts) + "</div>")


@settings(max_examples=300, deadline=None)
@given(_INLINE_HTML)
def test_text_content_is_itertext(html):
    root = etree.HTML(html, parser=_PARSER)
    if root is not None:
        for el in root.iter():
            assert _text_content(el) == "".join(el.itertext())


@settings(max_examples=200, deadline=None)
@given(_INLINE_HTML)
@example("<div>0=&amp;</div>")  # a paragraph read as source code is no prose
def test_word_count_is_the_prose_blocks_words(html):
    t = text_of(html)
    assert t.word_count == sum(
        len(b.text.split()) for b in t.blocks if b.kind not in ("title", "code")
    )
