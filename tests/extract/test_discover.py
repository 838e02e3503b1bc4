"""Term discovery (kgraph.discover, kgraph.terms): the rules, the judged list, the graph."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from kgraph.catalogue import load_catalogue
from kgraph.extract.discover import find_terms, load_lexicon
from kgraph.extract.tally import TermStats, TermTally, keeps
from kgraph.extract.terms import article_terms, code_names, is_term
from kgraph.records import ArticleText, Block, Mention

JUDGED = Path(__file__).resolve().parents[1] / "data" / "discovered_terms.jsonl"


def _judged(source: str) -> list[dict]:
    rows = [json.loads(line) for line in JUDGED.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["source"] == source]


def _surfaces(text: str, heading: bool = False) -> list[str]:
    return [f.surface for f in find_terms(text, heading=heading)]


# -- the rule, one piece at a time


def test_shapes_of_names_are_found():
    text = "We tunnel with WireGuard, parse PE32 files, ship to FerretDB and Node.js via MS-DOS."
    assert _surfaces(text) == ["WireGuard", "PE32", "FerretDB", "Node.js", "MS-DOS"]


def test_rare_capitalised_word_is_a_name_common_one_is_not():
    assert _surfaces("Logs go through Promtail before storage.") == ["Promtail"]
    assert _surfaces("Logs go through Storage before Promtail.") == ["Promtail"]


def test_sentence_openers_and_stop_list_words_are_not_names():
    # sentence-initial capital, month, weekday, greeting, generic acronyms
    assert _surfaces("Maatkit rocks. We met in January on a Monday. Thanks! The URL and CPU.") == []


def test_capital_at_the_start_of_a_heading_may_be_a_name():
    assert _surfaces("Promtail", heading=True) == ["Promtail"]
    assert _surfaces("Promtail") == []  # in prose, a capital opening a sentence says nothing


def test_person_names_are_left_out():
    assert _surfaces("Then we met Quentin Hardy and Vadim said it works.") == []
    assert _surfaces("Photo by Drew McLellan.") == []
    assert _surfaces("I extended Vadim's query.") == []


def test_code_identifiers_are_not_names():
    text = "Call sendLoop, read SizeOfRawData and ParseFile, then Event.addBehavior in Chart.yaml."
    assert _surfaces(text) == []
    assert _surfaces("LoaderFlags: a reserved field.") == []


def test_shouted_text_gives_no_acronyms():
    assert _surfaces("INSERT BUFFER AND ADAPTIVE HASH INDEX") == []


def test_a_capitalised_word_also_written_in_lowercase_is_ordinary():
    assert _surfaces("Call the Decrypt function to decrypt it.") == []


def test_catalogue_matches_are_never_overlapped():
    text = "Deploy WireGuard Tools today."
    assert _surfaces(text) == ["WireGuard Tools"] or _surfaces(text) == ["WireGuard"]
    at = text.index("WireGuard")
    assert find_terms(text, [(at, at + len("WireGuard"))]) == []


def test_code_names_installs_imports_and_commands():
    code = (
        "$ pip install httpx==0.27 rich\n"
        "$ sudo apt install libssl-dev -y\n"
        "$ go get github.com/spf13/cobra/cmd\n"
        "$ kubectl get pods\n"
        "$ cd /tmp && ls\n"
        "import os\n"
        "from pydantic import BaseModel\n"
        "const x = require('left-pad');\n"
    )
    assert code_names(code) == [
        ("httpx", "install"),
        ("rich", "install"),
        ("libssl-dev", "install"),
        ("cobra", "module"),
        ("kubectl", "command"),
        ("pydantic", "import"),
        ("left-pad", "import"),
    ]


def test_go_imports_of_the_standard_library_are_not_packages():
    code = 'package main\n\nimport (\n\t"fmt"\n\t"github.com/peterbourgon/g2s"\n)\n'
    assert code_names(code) == [("g2s", "module")]


# -- one article, many articles


def _article(*blocks: tuple[str, str], code: tuple[str, ...] = ()) -> ArticleText:
    return ArticleText("a", tuple(Block(k, t) for k, t in blocks), code=code)


def test_article_terms_are_marked_mentions_with_evidence():
    text = _article(
        ("title", "Shipping logs with Promtail"),
        ("paragraph", "We run Promtail on every node. Promtail tails files."),
        ("code", "$ helm repo add grafana x\n$ promtool check config"),
    )
    found = {m.concept: m for m in article_terms(text, {}, load_catalogue())}
    assert set(found) == {"promtail", "promtool"}
    promtail = found["promtail"]
    # the title and "We run Promtail" (a capital opening a sentence is no evidence)
    assert is_term(promtail) and promtail.count == 2 and promtail.alias == "Promtail"
    assert promtail.evidence == "We run Promtail on every node."
    assert "title" in promtail.extra[0][1] and "prose" in promtail.extra[0][1]


def test_catalogue_names_are_never_terms():
    text = _article(("paragraph", "We deploy with Kubernetes and FlowGuard."))
    assert [m.concept for m in article_terms(text, {}, load_catalogue())] == ["flowguard"]


def test_a_known_name_with_a_version_glued_to_it_is_no_term():
    text = _article(
        ("paragraph", "We harden PHP8.3 and python3.12 with Snuffleupagus on RAID5 arrays.")
    )
    found = [m.concept for m in article_terms(text, {}, load_catalogue())]
    # a release of PHP or Python is no new name; RAID5 is a level of RAID (a concept, no software)
    assert "php8.3" not in found and "python3.12" not in found
    assert "raid5" in found and "snuffleupagus" in found


def test_a_snake_case_name_in_the_title_is_a_term_when_the_post_names_it_again():
    text = _article(
        ("title", "An open_basedir bypass with ini_set"),
        ("paragraph", "PHP checks open_basedir when a script opens a file."),
        ("code", "ini_set('open_basedir', '..');"),
    )
    found = {m.concept: m for m in article_terms(text, {}, load_catalogue())}
    assert set(found) == {"open-basedir", "ini-set"}
    assert found["open-basedir"].evidence == "PHP checks open_basedir when a script opens a file."
    assert keeps(TermStats(1, found["open-basedir"].count, {"snake", "title", "prose"}))
    # named only in the title, it says nothing more about the post
    once = _article(("title", "Notes on page_size"), ("paragraph", "Nothing else here."))
    assert article_terms(once, {}, load_catalogue()) == []


def test_identifiers_of_the_articles_code_are_not_terms():
    text = _article(
        ("paragraph", "The DynArray grows; DynArray doubles its SizeHint."),
        ("code", "type DynArray struct { SizeHint int }"),
    )
    assert article_terms(text, {}, load_catalogue()) == []


def test_tally_keeps_repeated_shaped_and_packaged_terms():
    def mention(name: str, kinds: str, count: int = 1) -> Mention:
        return Mention(name.lower(), count, 0.5, f"about {name}", name, (("term", kinds),))

    tally = TermTally()
    tally.add([mention("Merb", "cap+prose"), mention("Zork", "cap+prose")])
    tally.add([mention("Merb", "cap+prose"), mention("httpx", "install")])
    tally.add([mention("libfoo-devel", "install")])  # only installed, once: a dependency
    tally.add([mention("WireGuard", "camel+prose", 2), mention("ABC", "acronym+prose")])
    tally.add([mention("Quux", "cap+heading")])  # headings only: not enough
    tally.add([Mention("go", 3, 0.9, "Go.", "Go")])  # a catalogue mention: not counted
    assert tally.kept() == ["httpx", "merb", "wireguard"]
    assert [k for k, _ in tally.ranked()] == ["merb", "wireguard", "httpx"]
    merb = tally.stats["merb"]
    assert (merb.articles, merb.count, merb.name) == (2, 2, "Merb")


# -- precision held on the judged list (tests/data/discovered_terms.jsonl)


_CODE_KINDS = {"install", "module", "command", "import", "code"}


def _found_by_rule(row: dict) -> bool:
    """Whether the rules still find a judged term in its evidence."""
    kinds = set(row.get("kinds", [row.get("kind")]))
    if kinds & _CODE_KINDS and row["term"] in {n for n, _ in code_names(row["evidence"])}:
        return True
    heading = row.get("block") in ("title", "heading") or (
        "title" in kinds and "prose" not in kinds
    )
    return any(
        f.surface.startswith(row["term"]) or row["term"].startswith(f.surface)
        for f in find_terms(row["evidence"], heading=heading)
    )


def test_judged_build_terms_hold_precision():
    """The terms a build showed as nodes on the non-held-out dev feeds, each
    judged by reading (58 of 61 right, 3 of them trivial): what the rules
    still keep of them (found in their evidence, and kept by the tally on
    their recorded counts) is at least 0.85 right, and they still keep 0.9
    of the right ones that are not trivial."""
    rows = _judged("build")
    assert len(rows) >= 60
    kept = []
    for row in rows:
        stats = TermStats(row["articles"], row["count"], set(row["kinds"]), Counter([row["term"]]))
        if keeps(stats) and _found_by_rule(row):
            kept.append(row)
    right = sum(r["right"] for r in kept)
    assert right / len(kept) >= 0.85
    # a right name that is trivial (a build dependency in an install line)
    # may go: what must stay is 0.9 of the others
    useful = [r for r in rows if r["right"] and not r.get("trivial")]
    assert sum(1 for r in kept if r in useful) / len(useful) >= 0.9


def test_judged_document_terms_hold_precision():
    """A random sample of the per-document names (what the spaCy component
    puts in ``doc.spans["terms"]``), judged by reading: 0.60 right as judged;
    the rules must not fall below that nor lose the right ones."""
    rows = _judged("document")
    assert len(rows) >= 60
    found = [r for r in rows if _found_by_rule(r)]
    right = sum(r["right"] for r in found)
    assert right / len(found) >= 0.60
    assert right / sum(r["right"] for r in rows) >= 0.9


def test_lexicon_comes_from_the_models_folder():
    lex = load_lexicon()
    assert lex.common("directories") and not lex.common("promtail")
    assert "january" in lex.stop and "kubectl" not in lex.stop
    with pytest.raises(FileNotFoundError):
        load_lexicon("/nonexistent-models")


# -- the graph, the spaCy component, candidates


def _feed_articles() -> list:
    from kgraph.records import Article

    html = (
        "<h2>Shipping logs with Promtail</h2><p>We run Promtail on every node with "
        "<code>kubectl</code>. Our Grafana dashboards read it.</p>"
        "<pre>$ pip install frobnik\n$ promtool check config</pre>"
    )
    return [
        Article(
            f"https://e.org/{i}", f"https://e.org/{i}", f"Post {i}", ("Ann",), feed="f", html=html
        )
        for i in range(2)
    ]


def test_build_shows_kept_terms_as_uncurated_term_nodes():
    from kgraph.graph.builder import GraphBuilder
    from kgraph.ingest.text import to_text
    from kgraph.records import Feed

    cat = load_catalogue()
    from kgraph.extract.extractor import get_extractor

    def graph(discover: bool):
        builder = GraphBuilder(cat, discover=discover)
        builder.add_feed(Feed("f", "F"))
        arts = _feed_articles()
        ex = get_extractor(cat, discover=True)
        for art, mentions in zip(arts, ex.extract_many(to_text(a) for a in arts), strict=True):
            builder.add_article(art, to_text(art), mentions)
        return builder.finish()

    g = graph(True)
    terms = {n: d for n, d in g.nodes(data=True) if d.get("type") == "term"}
    assert set(terms) == {"concept:promtail", "concept:frobnik", "concept:promtool"}
    p = terms["concept:promtail"]
    assert (p["curated"], p["label"], p["article_count"], p["parents"]) == (
        "false",
        "Promtail",
        2,
        "",
    )
    edges = [d for u, v, d in g.in_edges("concept:promtail", data=True)]
    assert len(edges) == 2 and all(d["kind"] == "mentions" for d in edges)
    assert (
        edges[0]["evidence"] == "We run Promtail on every node with kubectl."
        and edges[0]["count"] == 2
    )
    assert all(
        d["curated"] == "true"
        for n, d in g.nodes(data=True)
        if n not in terms and d["kind"] == "concept"
    )
    keys = [k for *_, k in g.edges(keys=True)]
    assert len(keys) == len(set(keys))
    plain = graph(False)
    assert not [n for n, d in plain.nodes(data=True) if d.get("type") == "term"]
    assert set(plain.nodes) == set(g.nodes) - set(terms)


def test_spacy_component_puts_terms_beside_concepts():
    from kgraph.extract.spacy_component import make_nlp

    doc = make_nlp()("We deploy with kubectl and ship logs with Promtail to FerretDB.")
    concepts = [(s.text, s.kb_id_) for s in doc.spans["concepts"]]
    terms = [(s.text, s.label_, s.kb_id_) for s in doc.spans["terms"]]
    assert ("kubectl", "kubernetes") in concepts
    assert terms == [("Promtail", "cap", "promtail"), ("FerretDB", "camel", "ferretdb")]
    taken = {i for s in doc.spans["concepts"] for i in range(s.start, s.end)}
    assert not any(i in taken for s in doc.spans["terms"] for i in range(s.start, s.end))


def test_spacy_component_discovery_can_be_turned_off():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("kgraph_concepts", config={"discover": False})
    doc = nlp("Logs go through Promtail.")
    assert "terms" not in doc.spans


def test_candidates_are_kept_terms_ranked_then_unresolved_tags():
    from kgraph.extract.evaluate import candidates
    from kgraph.records import Article

    arts = [
        *_feed_articles(),
        Article("x", title="t", html="<p>Nothing here.</p>", tags=("zorblax",)),
    ]
    found = candidates(arts, load_catalogue())
    names = [c["name"] for c in found]
    assert names[-1] == "zorblax" and set(names[:-1]) == {"Promtail", "frobnik", "promtool"}
    promtail = next(c for c in found if c["name"] == "Promtail")
    assert promtail["type"] == "TODO" and promtail["id"] == "promtail"
    assert promtail["note"].startswith("2 articles, 4 times, found as cap, heading, prose; e.g.")


_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://e.org/</link>
{items}</channel></rss>"""
_ITEM = """<item><title>Post {i}</title><link>https://e.org/{i}</link>
<description><![CDATA[<p>We ship logs with Promtail to Amazon S3.</p>
<p>Promtail tails files; our Promtail agents run everywhere.</p>]]></description></item>"""


def test_cli_build_draws_terms_distinctly_and_no_discover_leaves_them_out(tmp_path):
    from click.testing import CliRunner

    from kgraph.cli.app import main
    from tests.export.test_export_html import page_data

    feed = tmp_path / "feed.xml"
    feed.write_text(_RSS.format(items="".join(_ITEM.format(i=i) for i in range(2))))
    args = ["build", str(feed), "--format", "json,html", "--no-cache"]
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "on")])
    assert result.exit_code == 0, result.output
    graph = json.loads((tmp_path / "on" / "graph.json").read_text(encoding="utf-8"))
    terms = [n for n in graph["nodes"] if n.get("type") == "term"]
    assert [(n["id"], n["curated"], n["article_count"]) for n in terms] == [
        ("concept:promtail", "false", 2)
    ]
    page = page_data((tmp_path / "on" / "graph.html").read_text(encoding="utf-8"))
    drawn = {n["id"]: n for n in page["nodes"]}
    assert drawn["concept:promtail"]["curated"] == "false"
    assert drawn["concept:amazon-s3"]["curated"] == "true"
    assert page["type_colours"]["term"] != page["type_colours"]["aws-service"]
    result = CliRunner().invoke(main, [*args, "--no-discover", "-o", str(tmp_path / "off")])
    assert result.exit_code == 0, result.output
    graph = json.loads((tmp_path / "off" / "graph.json").read_text(encoding="utf-8"))
    assert not [n for n in graph["nodes"] if n.get("type") == "term"]
    assert any(n["id"] == "concept:amazon-s3" for n in graph["nodes"])


def test_an_article_naming_no_catalogue_concept_keeps_its_names_only_if_another_does():
    """A record review on a tech blog names its album and band, capitalised,
    in the title and repeated: in an article naming no catalogue concept they
    are terms only if another article names them too (a company blog's own
    product, Spinn3r, in its hiring post); beside a catalogue concept they are."""
    from kgraph.extract.extractor import get_extractor

    review = _article(
        ("title", "Netra - Ingrats"),
        ("paragraph", "Ingrats is the third album from Netra. The material on Ingrats is bleak."),
    )
    tech = _article(
        ("title", "Netra - Ingrats"),
        ("paragraph", "Ingrats is the third release of Netra, written in Rust. Ingrats is fast."),
    )
    extractor = get_extractor(discover=True)
    alone_tally, tech_tally, both = TermTally(), TermTally(), TermTally()
    alone_tally.add(extractor.extract(review))
    tech_tally.add(extractor.extract(tech))
    both.add(extractor.extract(review))
    both.add(extractor.extract(review))
    assert not {"ingrats", "netra"} & set(alone_tally.kept())
    assert "netra" in tech_tally.kept()
    assert "netra" in both.kept()
