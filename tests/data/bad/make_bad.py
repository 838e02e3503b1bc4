"""Write the corpus of bad inputs in this folder and its ``manifest.json``.

Run from the project root: ``python tests/data/bad/make_bad.py``. The files
are committed; this script is their one source of truth, so a reviewer can
see what each file holds and why it is expected to fail or warn.

Each manifest entry: ``file``, ``outcome`` (``error``: the feed fails and the
build exits 1; ``warning``: the feed is read with a warning; ``ok``: read
without a message), ``message`` (a substring expected in the error or in one
of the warnings), ``articles`` (how many articles survive), optionally
``limits`` (``Limits`` fields used for that file only, so huge-input cases
stay small on disk), ``urls`` (article URLs expected) and ``names`` (what the
error names when it is not the file, e.g. the URL an OPML list gave).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
MARKER = "KGRAPH-XXE-MARKER-7f3a"

ITEM = (
    "<item><title>{title}</title><link>https://bad.example/{n}</link>"
    "<guid>https://bad.example/{n}</guid><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>"
    "<dc:creator>Ann Author</dc:creator><category>golang</category>"
    "<description>{body}</description></item>"
)


def item(n: int, title: str = "", body: str = "Go and Kubernetes in production.") -> str:
    return ITEM.format(n=n, title=title or f"Post {n} about Docker", body=body)


def rss(
    items: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n', channel: str = ""
) -> str:
    return (
        f'{prolog}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Bad feed</title><link>https://bad.example/</link>{channel}{items}</channel></rss>\n"
    )


def atom(entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Bad atom</title><link href="https://bad.example/"/><id>urn:bad</id>{entries}</feed>\n'
    )


def bare(inner: str) -> str:
    """An RSS item without the standard fields; ``inner`` adds what it has."""
    return f"<item>{inner}<description>Some text about Python.</description></item>"


CASES: list[dict] = []


def case(
    name: str, data: str | bytes, outcome: str, message: str | None, articles: int, **extra
) -> None:
    # each file gets its own URLs, so a build over the whole corpus does not
    # take one file's items for duplicates of another's
    stem = name.rsplit(".", 1)[0]
    encoding = extra.pop("encoding", None)
    prefix = extra.pop("prefix", b"")
    if isinstance(data, str):
        data = data.replace("https://bad.example/", f"https://bad.example/{stem}/")
        if encoding:
            data = prefix + data.encode(encoding)
    extra = {
        k: [u.replace("https://bad.example/", f"https://bad.example/{stem}/") for u in v]
        if k == "urls"
        else v
        for k, v in extra.items()
    }
    CASES.append(
        {
            "file": name,
            "data": data,
            "outcome": outcome,
            "message": message,
            "articles": articles,
            **extra,
        }
    )


LOL = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
ENT = "declares XML entities"

# --- not a feed at all
case("empty.xml", b"", "error", "empty file", 0)
case("whitespace-only.xml", b"  \n\t \n", "error", "empty file", 0)
case(
    "html-page.xml",
    "<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Hi</p></body></html>",
    "error",
    "an HTML page",
    0,
)
case(
    "html-no-doctype.rss",
    "<html lang=en><head><meta charset=utf-8><title>x</title></head><body>x</body></html>",
    "error",
    "an HTML page",
    0,
)
case(
    "html-body-only.xml",
    "<body><h1>Welcome</h1><p>Not a feed</p></body>",
    "error",
    "an HTML page",
    0,
)
case(
    "plain-text.xml",
    "This is not XML, just a note someone saved as feed.xml\n",
    "error",
    "not an RSS or Atom feed",
    0,
)
case(
    "json-feed.xml",
    '{"version": "https://jsonfeed.org/version/1.1", "items": []}',
    "error",
    "not an RSS or Atom feed",
    0,
)
case(
    "other-xml.xml",
    '<?xml version="1.0"?><note><to>Tove</to><body>Hi</body></note>',
    "error",
    "not an RSS or Atom feed",
    0,
)
case(
    "binary-garbage.xml",
    bytes(random.Random(8).randrange(256) for _ in range(2000)),
    "error",
    "not an RSS or Atom feed",
    0,
)
case(
    "gzipped-feed.xml",
    gzip.compress(rss(item(1)).encode(), mtime=0),
    "error",
    "not an RSS or Atom feed",
    0,
)
case(
    "unterminated-doctype.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY a "x">\n<rss version="2.0"><channel></channel></rss>',
    "error",
    "DOCTYPE declaration never ends",
    0,
)
case(
    "opml-as-feed.rss",
    '<?xml version="1.0"?><opml version="2.0"><body><outline text="x"/></body></opml>',
    "warning",
    "OPML list names no feed URL",
    0,
)

# --- malformed XML: feedparser's bozo; readable items kept
case("truncated.xml", rss(item(1) + item(2) + item(3))[:-200], "warning", "malformed XML", 3)
case(
    "unclosed-tags.rss",
    rss(item(1) + "<item><title>Broken<link>https://bad.example/2</link></item>"),
    "warning",
    "malformed XML",
    1,
)
case(
    "bare-ampersand.xml", rss(item(1, title="Tom & Jerry deploy Go")), "warning", "malformed XML", 1
)
case(
    "undefined-entity.xml",
    rss(item(1, title="Go&nbsp;tips &copy; 2024")),
    "warning",
    "malformed XML",
    1,
)
case(
    "raw-control-chars.xml",
    rss(item(1, title="Go\x01 tips\x1b[31m red", body="x\x00y Rust")),
    "warning",
    "malformed XML",
    1,
)
case(
    "mismatched-tags.atom",
    atom(
        "<entry><title>A</title><id>urn:a</id><link href='https://bad.example/a'/></entry><entry><title>B</titel><id>urn:b</id></entry>"
    ),
    "warning",
    "malformed XML",
    1,
)

# --- encodings
case(
    "latin1-declared-utf8.xml",
    rss(item(1, title="Café con Go")),
    "warning",
    "wrong encoding declared",
    1,
    encoding="latin-1",
)
case(
    "utf16-bom.xml",
    rss(item(1, title="Ünïcode Go"), prolog='<?xml version="1.0" encoding="utf-16"?>\n'),
    "ok",
    None,
    1,
    encoding="utf-16",
)
case(
    "utf16be-no-bom.xml",
    rss(item(1, title="Big endian"), prolog='<?xml version="1.0" encoding="utf-16be"?>\n'),
    "ok",
    None,
    1,
    encoding="utf-16-be",
)
case("utf8-bom.xml", rss(item(1)), "ok", None, 1, encoding="utf-8", prefix=b"\xef\xbb\xbf")
case(
    "latin1-no-declaration.xml",
    rss(item(1, title="Naïve Go"), prolog=""),
    "warning",
    "",
    1,
    encoding="latin-1",
)
case(
    "bad-charrefs.xml",
    rss(item(1, title="A &#xD800; B &#1; C &#99999999;")),
    "warning",
    "character reference(s) to characters XML forbids removed",
    1,
)

# --- missing fields
case(
    "no-link-guid-only.xml",
    rss(
        bare(
            "<title>Guid only</title><guid isPermaLink='false'>tag:bad,2024:1</guid><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate><author>a@b.c (Ann)</author>"
        )
    ),
    "warning",
    "no link (no article URL)",
    1,
)
case(
    "no-link-no-guid.xml",
    rss(bare("<title>Only a title</title>")),
    "warning",
    "no link or guid; identified by feed and title",
    1,
)
case(
    "no-link-guid-title.xml",
    rss(bare("") + item(2)),
    "warning",
    "no link, guid or title; skipped",
    1,
)
case(
    "no-title.xml", rss(bare("<link>https://bad.example/nt</link>")), "warning", "have no title", 1
)
case(
    "no-date.xml",
    rss(bare("<title>Undated</title><link>https://bad.example/nd</link>")),
    "warning",
    "have no date",
    1,
)
case(
    "no-author.xml",
    rss(bare("<title>Anonymous</title><link>https://bad.example/na</link>")),
    "warning",
    "have no author",
    1,
)
case("rss-no-items.rss", rss(""), "warning", "feed has no items", 0)
case("atom-no-entries.atom", atom(""), "warning", "feed has no items", 0)

# --- dates: never invented
for name, date in [
    ("date-garbage.xml", "last tuesday"),
    ("date-month-13.xml", "2024-13-45"),
    ("date-feb-30.xml", "Fri, 30 Feb 2024 10:00:00 GMT"),
    ("date-epoch.xml", "1715000000"),
    ("date-zeros.xml", "0000-00-00 00:00:00"),
]:
    case(
        name,
        rss(item(1).replace("Mon, 06 May 2024 10:00:00 GMT", date)),
        "warning",
        "unreadable date",
        1,
    )

# --- duplicates, links
case(
    "duplicate-items.xml",
    rss(item(1) + item(1) + item(2)),
    "warning",
    "duplicate of an earlier item",
    2,
)
case(
    "duplicate-of-sample.xml",
    rss(
        item(1).replace(
            "https://bad.example/1",
            "https://forem.com/kodecapsule/stop-storing-aws-access-keys-in-github-secrets-use-oidc-instead-to-authenticate-github-actions-to-47g9",
        )
    ),
    "ok",
    None,
    1,
)
case(
    "relative-links.xml",
    rss(item(1).replace("https://bad.example/1", "posts/1")),
    "ok",
    None,
    1,
    urls=["https://bad.example/posts/1"],
)  # resolved against the channel link
case(
    "relative-link-no-base.atom",
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>Rel</title><link href="posts/2"/><id>urn:r</id></entry></feed>',
    "warning",
    "not an absolute http(s) URL",
    1,
    urls=[""],
)
case(
    "javascript-link.xml",
    rss(
        item(1).replace("https://bad.example/1</link>", "javascript:alert(document.cookie)</link>")
    ),
    "warning",
    "not an absolute http(s) URL",
    1,
    urls=["https://bad.example/1"],
)
case(
    "data-uri-link.xml",
    rss(
        bare("<title>Data</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link>")
    ),
    "warning",
    "not an absolute http(s) URL",
    1,
    urls=[""],
)

# --- limits (small files, small limits: the same code paths as huge ones)
case(
    "enormous-item.xml",
    rss(item(1, body="Go " * 5000)),
    "warning",
    "cut to 1,000 (raise with --max-article-chars)",
    1,
    limits={"max_article_chars": 1000},
)
case(
    "many-items.xml",
    rss("".join(item(n) for n in range(1, 31))),
    "warning",
    "30 items, read the first 10 (raise with --max-items)",
    10,
    limits={"max_items_per_feed": 10},
)
case(
    "oversize-feed.xml",
    rss("".join(item(n) for n in range(1, 21))),
    "error",
    "byte limit; raise it with --max-feed-bytes",
    0,
    limits={"max_feed_bytes": 2000},
)

# --- hostile XML
case(
    "billion-laughs.xml",
    rss(
        item(1, body="&lol9;"),
        prolog=f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol "lol">{LOL}]>\n',
    ),
    "warning",
    ENT,
    1,
)
case(
    "quadratic-blowup.xml",
    rss(
        item(1, body="&a;" * 2000),
        prolog=f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{"B" * 2000}">]>\n',
    ),
    "warning",
    ENT,
    1,
)
case(
    "xxe-file.xml",
    rss(
        item(1, title="Leak &x;", body="&x;"),
        prolog='<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "secret.txt">]>\n',
    ),
    "warning",
    ENT,
    1,
)
case(
    "xxe-parameter-entity.xml",
    rss(
        item(1),
        prolog='<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % p SYSTEM "secret.txt"> %p;]>\n',
    ),
    "warning",
    ENT,
    1,
)
case(
    "xxe-tricky-subset.xml",
    rss(
        item(1, body="&x;"),
        prolog='<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY q "]>"><!-- ]> --><!ENTITY x SYSTEM "secret.txt">]>\n',
    ),
    "warning",
    ENT,
    1,
)
case(
    "external-dtd.xml",
    rss(
        item(1),
        prolog='<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n',
    ),
    "ok",
    None,
    1,
)

# --- hostile text: must come out inert and readable
case(
    "html-payloads.xml",
    rss(
        "<item><title>&lt;script&gt;alert(1)&lt;/script&gt; Go</title><link>https://bad.example/x</link>"
        "<guid>https://bad.example/x</guid><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>"
        "<dc:creator>&lt;img src=x onerror=alert(2)&gt;</dc:creator>"
        "<category>&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;</category>"
        '<description>&lt;p onclick=alert(4)&gt;Docker &lt;script&gt;alert(5)&lt;/script&gt;&lt;a href="javascript:alert(6)"&gt;x&lt;/a&gt;&lt;/p&gt;</description></item>'
    ),
    "ok",
    None,
    1,
)

# --- OPML lists
case(
    "opml-file-urls.opml",
    '<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="file:///etc/passwd"/><outline xmlUrl="ftp://bad.example/f.xml"/><outline xmlUrl="gopher://x"/></body></opml>',
    "error",
    "only http(s) URLs are read from OPML",
    0,
)
case(
    "opml-link-local.opml",
    '<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="http://169.254.169.254/latest/meta-data/"/></body></opml>',
    "error",
    "link-local",
    0,
    names="http://169.254.169.254/latest/meta-data/",  # the error names the URL the OPML list gave
)
case(
    "opml-with-entities.opml",
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "secret.txt">]><opml version="2.0"><body><outline xmlUrl="&x;"/></body></opml>',
    "error",
    "OPML list refused",
    0,
)
case(
    "opml-malformed.opml",
    '<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="x"',
    "error",
    "not valid OPML/XML",
    0,
)


def main() -> None:
    (HERE / "secret.txt").write_text(MARKER + "\n")
    manifest = []
    for entry in CASES:
        data = entry.pop("data")
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        (HERE / entry["file"]).write_bytes(raw)
        manifest.append(entry)
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(manifest)} bad inputs and manifest.json to {HERE}")


if __name__ == "__main__":
    main()
