"""Deterministic synthetic corpus of tech-blog feeds for the benchmarks.

Articles are full-length HTML (headings, paragraphs of plausible tech prose
with catalogue terms, inline code, ``<pre><code>`` blocks, lists, links to
other articles of the corpus and outside), spread over feeds of
``--per-feed`` items in three formats (RSS 2.0 with ``content:encoded``, RSS
2.0 with ``description``, Atom 1.0), with authors, tags and dates.

The same ``--seed`` and ``--size`` give byte-identical files; each feed is
generated from its own seed, so feed ``k`` is the same in every corpus size
that contains it and :func:`touch_feed` can change exactly one feed.

    python bench/make_corpus.py --size 10000            # into a temp folder
    python bench/make_corpus.py --size 1000 --out /tmp/c --seed 7
"""

from __future__ import annotations

import argparse
import html
import itertools
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgraph.catalogue.load import load_catalogue

_PROSE = """
the a an of to in and for with on by from as that this is are was be can will
we you it our your their when while because however then also which each
every only more most less many several new old simple fast slow small large
service services request requests response latency throughput cache caching
query queries index table tables schema migration deploy deployment release
build builds pipeline pipelines test tests testing config configuration file
files server servers client clients cluster nodes node memory disk network
traffic error errors retry retries timeout timeouts log logs logging metric
metrics alert alerts dashboard team teams user users customer production
staging environment environments version versions upgrade feature features
flag function functions method methods class object objects module package
packages library dependency dependencies interface type types value values
data stream streams event events message messages queue worker workers job
jobs task tasks schedule batch state store read write reads writes update
handle handles run runs running start stop restart scale scaling load
balance performance benchmark benchmarks profile profiling bottleneck issue
issues bug bugs fix fixes patch review code codebase repository branch commit
merge refactor design pattern patterns architecture system systems design
trade-off approach solution problem example examples step steps guide
tutorial post article week month year first second last next finally
"""
WORDS = _PROSE.split()

OUTSIDE = [
    "https://en.wikipedia.org/wiki/Distributed_computing",
    "https://github.com/example/project",
    "https://stackoverflow.com/questions/12345/how-to",
    "https://news.ycombinator.com/item?id=1",
    "https://docs.python.org/3/library/asyncio.html",
]
_FIRST = "Ada Alan Grace Linus Ken Dennis Barbara Margaret Guido Rob Anders Bjarne Yukihiro Radia Frances Donald Edsger Leslie Tim Vint"
FIRST = _FIRST.split()
_LAST = "Lovelace Turing Hopper Torvalds Thompson Ritchie Liskov Hamilton Rossum Pike Hejlsberg Stroustrup Matsumoto Perlman Allen Knuth Dijkstra Lamport Berners-Lee Cerf"
LAST = _LAST.split()
CODE = [
    "def handler(event, context):\n    return {'status': 200}",
    "SELECT id, name FROM users WHERE created_at &gt; now() - interval '1 day';",
    "func main() {\n    ch := make(chan int)\n    go worker(ch)\n}",
    "kubectl apply -f deployment.yaml &amp;&amp; kubectl rollout status deploy/api",
    "docker build -t app:latest . &amp;&amp; docker run -p 8080:8080 app",
    "const res = await fetch('/api/items');\nconst items = await res.json();",
]
BASE = "https://blog{feed}.example.com"


def _terms() -> list[str]:
    """Surface forms of catalogue concepts (names and plain aliases)."""
    out: list[str] = []
    for concept in load_catalogue():
        out.append(concept.name)
        out.extend(concept.aliases[:3])
    return sorted(set(out))


TERMS = _terms()
_CAT = load_catalogue()
# Concept popularity is skewed in real writing (AWS and Kubernetes everywhere,
# most services rarely): topics are drawn with Zipf-like weights over a fixed
# shuffle of the terms.
_POPULAR = random.Random("popularity").sample(TERMS, len(TERMS))
_CUM_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(_POPULAR))))
#: Topic concepts per article and the share of term slots they fill: with
#: the occasional other term this gives about 13 mentioned concepts per
#: article, as measured on the bundled and dev feeds (12-14).
TOPICS = 6
ON_TOPIC = 0.94
# generic prose must not itself be a concept ("cache", "benchmark"): concepts come from TERMS
WORDS = [w for w in WORDS if _CAT.lookup(w) is None]


_KEYWORDS_TEXT = """def return func go const await async import from class if else for in
range let var package interface struct select where and not null true false"""
_KEYWORDS = frozenset(_KEYWORDS_TEXT.split())
_TOKEN = re.compile(r"\w+|\s+|&\w+;|[^\w\s]")


def _highlight(code: str) -> str:
    """Syntax-highlight a snippet the way Rouge and Pygments do (a span per token)."""
    out = []
    for tok in _TOKEN.findall(code):
        if tok.isspace():
            out.append(tok)
            continue
        if tok in _KEYWORDS:
            cls = "k"
        elif tok[0].isdigit():
            cls = "mi"
        elif tok[0].isalpha() or tok[0] == "_":
            cls = "n"
        else:
            cls = "p"
        out.append(f'<span class="{cls}">{tok}</span>')
    return "".join(out)


def _code_block(rng: random.Random) -> str:
    """A fenced code block as blog engines render it: 2-5 snippets, highlighted
    (most engines) or plain."""
    code = "\n\n".join(rng.choices(CODE, k=rng.randint(2, 5)))
    lang = rng.choice(("python", "go", "javascript", "shell", "sql"))
    if rng.random() < 0.75:
        return (
            f'<div class="highlight language-{lang}"><pre class="highlight {lang}">'
            f"<code>{_highlight(code)}</code></pre></div>"
        )
    return f'<pre><code class="language-{lang}">{code}</code></pre>'


def _inline(rng: random.Random, feed: int, n_articles: int) -> str:
    """Inline markup a sentence carries: code, emphasis, links (with the
    attributes blog engines add)."""
    r = rng.random()
    if r < 0.12:
        return f"<code>{rng.choice(WORDS)}_{rng.choice(WORDS)}()</code>"
    if r < 0.22:
        return f"<strong>{rng.choice(WORDS)} {rng.choice(WORDS)}</strong>"
    if r < 0.30:
        return f"<em>{rng.choice(WORDS)}</em>"
    if r < 0.38:
        target = f"{BASE.format(feed=rng.randrange(max(1, n_articles // 100)))}/posts/{rng.randrange(100)}"
        return f'<a href="{target}">{rng.choice(WORDS)} post</a>'
    if r < 0.44:
        return (
            f'<a href="{rng.choice(OUTSIDE)}" target="_blank" rel="noopener noreferrer">'
            f"{rng.choice(WORDS)}</a>"
        )
    return ""


def _sentence(rng: random.Random, feed: int, n_articles: int, topics: list[str]) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        term = html.escape(rng.choice(topics) if rng.random() < ON_TOPIC else rng.choice(TERMS))
        r = rng.random()
        if r < 0.1:
            term = f"<strong>{term}</strong>"
        elif r < 0.15:
            term = f"<code>{term}</code>"
        words.insert(rng.randrange(len(words)), term)
    for _ in range(rng.choice((0, 1, 1, 2))):
        inline = _inline(rng, feed, n_articles)
        if inline:
            words.insert(rng.randrange(len(words)), inline)
    if rng.random() < 0.1:
        # entities as engines write them: curly quotes, ampersands
        words.insert(rng.randrange(len(words)), rng.choice(("&#8217;s", "&amp;", "&quot;it&quot;")))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", html.unescape(text).lower()).strip("-")


def article_html(rng: random.Random, feed: int, n_articles: int) -> str:
    """One article body: about 500-1,500 words in 2-6 sections, mostly about
    a few topic concepts (so concepts co-occur as in real posts), with the
    markup density of real blog HTML (see ``bench/corpus_stats.py``):
    inline emphasis, code and links, anchored headings, highlighted code
    blocks, figures, quotes and the odd table."""
    topics: list[str] = []
    while len(topics) < TOPICS:
        (term,) = rng.choices(_POPULAR, cum_weights=_CUM_WEIGHTS)
        if term not in topics:
            topics.append(term)

    def para(lo: int, hi: int) -> str:
        n = rng.randint(lo, hi)
        return f"<p>{' '.join(_sentence(rng, feed, n_articles, topics) for _ in range(n))}</p>"

    parts = [para(3, 6)]
    for _ in range(rng.randint(2, 6)):
        heading = f"{html.escape(rng.choice(topics))} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        slug = _slug(heading)
        parts.append(
            f'<h2 id="{slug}"><a name="{slug}" href="#{slug}" class="anchor"></a>{heading}</h2>'
        )
        for _ in range(rng.randint(2, 4)):
            parts.append(para(3, 7))
        r = rng.random()
        if r < 0.5:
            tag = rng.choice(("ul", "ol"))
            items = "".join(
                f"<li>{_sentence(rng, feed, n_articles, topics)}</li>"
                for _ in range(rng.randint(2, 5))
            )
            parts.append(f"<{tag}>{items}</{tag}>")
        elif r < 0.6:
            parts.append(f"<blockquote>{para(1, 2)}</blockquote>")
        elif r < 0.65:
            rows = "".join(
                "<tr>" + "".join(f"<td>{rng.choice(WORDS)}</td>" for _ in range(3)) + "</tr>"
                for _ in range(rng.randint(2, 5))
            )
            parts.append(
                f"<table><thead><tr><th>{rng.choice(topics)}</th><th>before</th><th>after</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>"
            )
        for _ in range(rng.choice((0, 1, 1, 2))):
            parts.append(_code_block(rng))
        if rng.random() < 0.3:
            img = f"{BASE.format(feed=feed)}/images/{rng.randrange(10**6)}.png"
            parts.append(
                f'<figure><img src="{img}" alt="{rng.choice(WORDS)} diagram" loading="lazy" '
                f'width="800" height="450"><figcaption>{rng.choice(WORDS)} '
                f"{rng.choice(WORDS)}</figcaption></figure>"
            )
    return "\n".join(parts)


def _date(rng: random.Random) -> float:
    return 1_546_300_800 + rng.randrange(6 * 365 * 86400)  # 2019..2024


def _item(rng: random.Random, feed: int, i: int, fmt: str, n_articles: int, edit: str = "") -> str:
    url = f"{BASE.format(feed=feed)}/posts/{i}"
    title = html.escape(
        f"{rng.choice(TERMS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {edit}".strip()
    )
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    tags = [*rng.sample(TERMS, 2), rng.choice(WORDS)]
    when = _date(rng)
    body = article_html(rng, feed, n_articles)
    if edit:
        body += f"\n<p>{html.escape(edit)}</p>"
    if fmt == "atom":
        cats = "".join(f'<category term="{html.escape(t)}"/>' for t in tags)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
        return (
            f"<entry><title>{title}</title><id>{url}</id>"
            f'<link rel="alternate" href="{url}"/><updated>{stamp}</updated>'
            f"<published>{stamp}</published><author><name>{author}</name></author>{cats}"
            f'<content type="html">{html.escape(body)}</content></entry>\n'
        )
    cats = "".join(f"<category>{html.escape(t)}</category>" for t in tags)
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
    field = (
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<description>{html.escape(body[:200])}</description>"
        if fmt == "rss-content"
        else f"<description>{html.escape(body)}</description>"
    )
    return (
        f"<item><title>{title}</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>{stamp}</pubDate><dc:creator>{author}</dc:creator>{cats}{field}</item>\n"
    )


def feed_xml(feed: int, per_feed: int, seed: int, n_articles: int, edit: str = "") -> str:
    """The whole feed number ``feed``; ``edit`` changes its first article's text."""
    rng = random.Random(f"{seed}:{feed}")
    fmt = ("rss-content", "rss-description", "atom")[feed % 3]
    items = "".join(
        _item(rng, feed, i, fmt, n_articles, edit if i == 0 else "") for i in range(per_feed)
    )
    home = BASE.format(feed=feed)
    if fmt == "atom":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Blog {feed}</title><id>{home}/</id>"
            f'<link rel="alternate" href="{home}/"/><link rel="self" href="{home}/atom.xml"/>'
            f"<updated>2025-01-01T00:00:00Z</updated>\n{items}</feed>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Blog {feed}</title><link>{home}/</link><description>Posts</description>\n"
        f"{items}</channel></rss>\n"
    )


def feed_path(out: Path, feed: int) -> Path:
    return out / f"feed-{feed:05d}.xml"


def make_corpus(out: Path, size: int, seed: int = 1, per_feed: int = 100) -> list[Path]:
    """Write ``size`` articles as feeds of ``per_feed`` items into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    n_feeds = max(1, -(-size // per_feed))
    for feed in range(n_feeds):
        n = min(per_feed, size - feed * per_feed)
        path = feed_path(out, feed)
        path.write_text(feed_xml(feed, n, seed, size), encoding="utf-8")
        paths.append(path)
    return paths


def touch_feed(
    out: Path, feed: int, size: int, seed: int = 1, per_feed: int = 100, revision: int = 1
) -> Path:
    """Rewrite one feed with its first article edited (for incremental builds)."""
    n = min(per_feed, size - feed * per_feed)
    path = feed_path(out, feed)
    path.write_text(
        feed_xml(feed, n, seed, size, edit=f"Updated, revision {revision}."), encoding="utf-8"
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="number of articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-feed", type=int, default=100, help="articles per feed")
    parser.add_argument("--out", type=Path, help="folder (default: a new temp folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix=f"kgraph-corpus-{args.size}-"))
    started = time.perf_counter()
    paths = make_corpus(out, args.size, args.seed, args.per_feed)
    mb = sum(p.stat().st_size for p in paths) / 1e6
    print(
        f"{args.size} articles in {len(paths)} feeds ({mb:.1f} MB) -> {out} "
        f"in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
