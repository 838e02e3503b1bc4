"""Deterministic corpus of real articles for the benchmarks: real feeds copied
until the corpus has ``--size`` articles, each copy with distinct text.

Real articles are longer and messier than the synthetic ones
(:mod:`make_corpus`): real markup, real boilerplate, real code blocks. Each
source feed (RSS 2.0, RSS 1.0 or Atom) becomes one feed of the corpus holding
copies of its items; in copy ``c`` of an item a seeded share of its
lower-case words is swapped for other words of the same feed (markup,
entities and capitalised names are kept, so the concepts stay where they
were), its title, link and id get the copy's number. Nothing is fetched and
nothing is committed: the corpus is made where it is asked for.

    python bench/make_real_corpus.py --size 2000 --out /tmp/real kgraph/samples DIR...
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
import zlib
from pathlib import Path

from lxml import etree

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")
_WORD = re.compile(r"\b[a-z]{4,}\b")
_URL_HOST = re.compile(r"^(\w+://[^/\s]+)")
_BODIES = ("description", "encoded", "content", "summary")
#: share of an item's lower-case words swapped in each copy but the first
SWAP = 0.4


def source_feeds(given: list[Path]) -> list[Path]:
    """The feed files of ``given`` (files, or folders: their ``*.xml``)."""
    out: list[Path] = []
    for path in given:
        out += sorted(path.glob("*.xml")) if path.is_dir() else [path]
    return out


def _items(root: etree._Element) -> tuple[etree._Element, list[etree._Element]]:
    """The element holding a feed's items, and the items."""
    if root.tag == f"{_ATOM}feed":
        return root, root.findall(f"{_ATOM}entry")
    if root.tag == f"{_RDF}RDF":
        return root, root.findall(f"{_RSS1}item")
    channel = root.find("channel")
    if channel is None:
        raise ValueError(f"not a feed: {root.tag}")
    return channel, channel.findall("item")


def _vary_text(text: str, rng: random.Random, pool: list[str]) -> str:
    parts = _MARKUP.split(text)
    for k in range(0, len(parts), 2):  # text between tags and entities
        parts[k] = _WORD.sub(
            lambda m: rng.choice(pool) if rng.random() < SWAP else m.group(0), parts[k]
        )
    return "".join(parts)


def _copy_url(url: str, copy: int) -> str:
    moved, n = _URL_HOST.subn(rf"\1/copy-{copy}", url.strip(), count=1)
    return moved if n else f"{url.strip()}-copy-{copy}"


def _copy_item(
    item: etree._Element, copy: int, seed: int, pool: list[str], edit: str = ""
) -> etree._Element:
    new = etree.fromstring(etree.tostring(item))
    rng = random.Random(seed * 1_000_003 + copy)
    for el in new.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        for attr in ("href", f"{_RDF}about"):
            if attr in el.attrib:
                el.set(attr, _copy_url(el.get(attr, ""), copy))
        if not el.text or not el.text.strip():
            continue
        if name in ("link", "guid", "id", "comments"):
            el.text = _copy_url(el.text, copy)
        elif name == "title":
            el.text = f"{el.text.strip()} ({copy})" if copy else el.text
        elif copy and pool and name in _BODIES:
            el.text = _vary_text(el.text, rng, pool)
    if edit:  # in every body the item has (the parser picks the richest)
        for el in new.iter():
            if isinstance(el.tag, str) and etree.QName(el).localname in _BODIES:
                el.text = f"{el.text or ''}<p>{edit}</p>"
    return new


def real_feed_xml(source: Path, copies: int, seed: int, edit: str = "") -> bytes:
    """``source`` with each item replaced by ``copies`` copies (the first item's
    first copy with ``edit`` appended)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(source), parser).getroot()
    parent, items = _items(root)
    feed_seed = zlib.crc32(source.name.encode()) ^ seed
    pool = sorted({w for item in items for w in _WORD.findall(" ".join(item.itertext()))})
    for n, item in enumerate(items):
        at = parent.index(item)
        parent.remove(item)
        for c in range(copies):
            copy = _copy_item(item, c, feed_seed + n, pool, edit if n == 0 and c == 0 else "")
            parent.insert(at + c, copy)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def copies_for(sources: list[Path], size: int) -> int:
    """Copies of each item that give at least ``size`` articles."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    items = sum(len(_items(etree.parse(str(p), parser).getroot())[1]) for p in sources)
    return max(1, -(-size // max(1, items)))


def make_real_corpus(out: Path, size: int, sources: list[Path], seed: int = 1) -> list[Path]:
    """Write the real-article corpus of about ``size`` articles into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    copies = copies_for(sources, size)
    paths = []
    for k, source in enumerate(sources):
        path = out / f"real-{k:03d}-{source.stem}.xml"
        path.write_bytes(real_feed_xml(source, copies, seed))
        paths.append(path)
    return paths


def touch_real_feed(
    out: Path, k: int, size: int, sources: list[Path], seed: int = 1, revision: int = 1
) -> Path:
    """Rewrite feed ``k`` of the corpus with its first article edited."""
    source = sources[k]
    path = out / f"real-{k:03d}-{source.stem}.xml"
    edit = f"Updated, revision {revision}."
    path.write_bytes(real_feed_xml(source, copies_for(sources, size), seed, edit))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", type=Path, nargs="+", help="feed files or folders")
    parser.add_argument("--size", type=int, default=2000, help="articles (at least)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder (default: a new temp folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix=f"kgraph-real-{args.size}-"))
    started = time.perf_counter()
    paths = make_real_corpus(out, args.size, source_feeds(args.sources), args.seed)
    mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} feeds ({mb:.1f} MB) -> {out} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
