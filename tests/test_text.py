from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.records import Article
from kgraph.text import to_text


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
