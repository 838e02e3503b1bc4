"""Turn candidate concepts from open sources into catalogue entries.

Each source module (``_src_*.py``) yields :class:`Candidate` objects: an id,
a display name, a type, parents, a url, the source and its licence, the other
names the source gives, and context words. :func:`resolve` then decides, for
all sources together and in their order of precedence, what becomes of each:

* a candidate whose name another catalogue file (hand-written, AWS, GCP) or an
  earlier candidate already owns is *folded* into that concept: the existing
  entry wins and keeps its aliases (nothing is added to hand-written files);
* every other surface form is a plain alias only when it is safe: longer than
  three letters, not a common English word (``wordfreq`` Zipf < 2.2 for a
  word, < 3.0 for a phrase), owned by no other concept. Otherwise it becomes an ``ambiguous``
  alias that needs a related concept (its parents) in the article or a cue
  word in the sentence, exact-case when the source writes it with a capital;
  common words (Zipf >= 3.3) count only with a cue. A product named only with
  dictionary words ("Telepresence", "Stateful Functions") counts only as
  written, capitalised, and in context. Short lowercase codes that are not
  the name ("pl", "kt") and one-letter names are dropped.

>>> c = Candidate("falco", "Falco", "tool", ["kubernetes"], cues=["runtime security"])
>>> c.needs = ["kubernetes"]
>>> plan_form("Falco", c, owners={}, taken=set(), is_name=True)
('ambiguous', {'alias': 'Falco', 'case': 'exact', 'needs': ['kubernetes'], 'cues': ['runtime security']})
>>> plan_form("Harbor", c, owners={}, taken=set(), is_name=True)[1]["cues"]
['runtime security']
>>> plan_form("Kubeflow", c, owners={}, taken=set(), is_name=True)
('plain', None)
>>> plan_form("OpenBSD", c, owners={}, taken=set(), is_name=True)  # coined, not a word
('plain', None)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from _gen_common import RARE, zipf

from kgraph.catalogue.concepts import normalise, surface_variants

#: Zipf frequency at and above which a phrase is common English
COMMON = 3.0
#: ... and a single word (as the AWS/GCP generators: "Jaeger", "Presto", "Coder")
COMMON_WORD = RARE
#: every word of a product name at or above this: the name needs context
EVERYDAY = 4.3
#: parents too broad to support an ambiguous alias ("needs" would hold everywhere)
UMBRELLA = {
    "software-development", "topic-root", "company", "file-format", "programming-language",
    "operating-systems", "software-architecture", "cloud-computing", "open-source",
    "web-development", "security", "networking", "database", "artificial-intelligence",
    "machine-learning", "cloud-native", "containers", "data-science", "google",
}  # fmt: skip
#: at and above this, an ambiguous single word needs a cue in its sentence
VERY_COMMON = 3.3
#: a word at or above this is in the dictionary ("stateful" 1.8, "kubeflow" 0)
DICTIONARY = 1.5


#: generated concept id -> the hand-written concept it is, where the catalogue
#: names it with a qualifier the source lacks ("kind" is "kind (Kubernetes in
#: Docker)", "Less" is "Less (CSS)"), reviewed by hand: without this each
#: would be a second node for one thing
SAME = {
    "kind": "kind-k8s",
    "carbon": "carbon-language",
    "composer": "composer-php",
    "less": "less-css",
    "medium": "medium-platform",
    "zip": "zip-format",
    "elastic": "elastic-co",
}

#: concept id -> (description, source, licence) for candidates folded into a
#: concept that another file holds (written to ``models/descriptions.jsonl``)
FOLDED_DESCRIPTIONS: dict[str, tuple[str, str, str]] = {}


@dataclass
class Candidate:
    """One concept proposed by a source, before aliases are judged."""

    id: str
    name: str
    type: str
    parents: list[str]
    url: str = ""
    source: str = ""
    license: str = ""
    #: what the source says the concept is, one or two sentences
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    #: concept ids whose presence supports an ambiguous alias (default: parents)
    needs: list[str] | None = None
    #: source keys (topic slug, lexer name) that map to this concept
    keys: list[str] = field(default_factory=list)
    #: forms that always need context, whatever their frequency ("Endpoints")
    guarded: list[str] = field(default_factory=list)
    #: forms of at most this many letters and digits need context
    short: int = 3
    #: a product (its multi-word name may be everyday words) or a concept phrase
    product: bool = True
    #: id of an existing concept this one is the same as (reviewed by hand)
    fold: str | None = None
    #: forms another file reads only as an ambiguous alias, that this concept
    #: may read too, in its own context ("CronJob")
    share: list[str] = field(default_factory=list)


#: a lowercase letter followed by a capital inside one word: a coined name
_COINED = re.compile(r"[a-z][A-Z]")


def _letters(form: str) -> int:
    return len(re.sub(r"[^A-Za-z0-9]", "", form))


def plan_form(
    form: str, c: Candidate, owners: dict[str, set[str]], taken: set[str], is_name: bool
) -> tuple[str, dict | None]:
    """('plain' | 'ambiguous' | 'drop', ambiguous rule) for one surface form."""
    key = normalise(form)
    if not key or key in taken or _letters(form) < 2:
        return "drop", None
    shared = len(owners.get(key, ())) > 1
    short = _letters(form) <= c.short
    freq = zipf(key)
    has_cap = any(ch.isupper() for ch in form)
    words = [w for w in re.findall(r"[a-z0-9]+", key) if w not in {"the", "of", "for", "and"}]
    multi = " " in key
    if multi:
        # wordfreq rates a phrase by its words: "Image processing", "Google Calendar"
        # score high. A concept phrase names its concept; a product name made
        # only of everyday words ("Open Network") needs context.
        common = c.product and min((zipf(w) for w in words), default=9) >= EVERYDAY
    else:  # "GPL-3.0-only", "MIDI 2.0": a version number is no English word
        common = freq >= COMMON_WORD and not re.search(r"\d", key)
    # a product named only with dictionary words ("Telepresence", "Stateful
    # Functions") is the product when capitalised, and in its context
    dictionary = c.product and has_cap and all(zipf(w) >= DICTIONARY for w in words)
    if not multi and _COINED.search(form) and _letters(form) >= 5 and freq < COMMON:
        # one coined word with an inner capital ("OpenBSD", "DuckDuckGo",
        # "WebKit") is no dictionary word, however often the web names it
        # (four letters or fewer may be one: "DoiT", "NoC", "kOps"):
        # wordfreq counts the product, and the matcher's word rules still ask
        # for its exact spelling where the lowercase form is a common word
        common = dictionary = False
    if not (shared or short or common or dictionary or form in c.guarded):
        return "plain", None
    if not is_name and (not has_cap or (short and common)):
        return "drop", None  # "pl", "kt", "Set": codes and words only the name may keep
    if (not multi and freq >= VERY_COMMON) or _letters(form) <= 2:
        needs = []  # "Palette", "Harbor": only a cue in the sentence will do
    elif multi and has_cap and not shared:
        # a capitalised phrase is strong evidence: any parent supports it
        needs = [p for p in c.parents if p not in {"software-development", "topic-root"}]
        needs = list(dict.fromkeys([*needs, *(c.needs or [])]))
    else:
        needs = list(c.needs or [])
    cues = [w for w in c.cues if normalise(w) != key]
    if not needs and not cues:
        return "drop", None
    rule: dict = {"alias": form}
    if has_cap:
        rule["case"] = "exact"
    if needs:
        rule["needs"] = needs
    if cues:
        rule["cues"] = cues
    return "ambiguous", rule


def resolve(
    candidates: list[Candidate],
    plain: dict[str, str],
    amb: dict[str, str],
    ids: set[str],
) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Entries per source (in candidate order) and key -> concept id for every
    source key, folded ones included (so later sources can find parents)."""
    fixed = set(plain) | set(amb)
    keymap: dict[str, str] = {}
    kept: list[Candidate] = []
    by_name: dict[str, str] = {}
    for c in candidates:
        key = normalise(c.name)
        fold = c.fold or SAME.get(c.id)
        hit = fold if fold in ids else None
        hit = hit or plain.get(key) or by_name.get(key)
        if hit is None and c.name not in c.share:
            hit = amb.get(key)
        if hit is None and c.id in ids:
            hit = c.id
        if hit is not None:
            for k in c.keys:
                keymap.setdefault(k, hit)
            if c.description and hit in (c.id, SAME.get(c.id)) and hit not in FOLDED_DESCRIPTIONS:
                # what the source says of a concept another file already holds
                FOLDED_DESCRIPTIONS[hit] = (c.description, c.source, c.license)
            continue
        ids.add(c.id)
        by_name[key] = c.id
        for k in c.keys:
            keymap.setdefault(k, c.id)
        kept.append(c)
    # which new concepts claim each form (shared forms are never plain)
    owners: dict[str, set[str]] = defaultdict(set)
    for c in kept:
        for form in [c.name, *c.aliases]:
            owners[normalise(form)].add(c.id)
    taken = set(fixed)
    out: dict[str, list[dict]] = defaultdict(list)
    dropped: set[str] = set()
    for c in kept:
        c.parents = [p for p in dict.fromkeys(c.parents) if p in ids and p != c.id]
        if c.needs is None:
            c.needs = [p for p in c.parents if p not in UMBRELLA]
        c.needs = [n for n in c.needs if n in ids and n != c.id]
        aliases: list[str] = []
        rules: list[dict] = []
        seen: set[str] = set()
        for i, form in enumerate([c.name, *c.aliases]):
            form = " ".join(form.split())
            key = normalise(form)
            if key in seen:
                continue
            seen.add(key)
            free = set(map(normalise, c.share))  # curated: ambiguous in the other file
            mine = taken - free if free else taken
            verdict, rule = plan_form(form, c, owners, mine, is_name=i == 0)
            if i == 0 and verdict == "drop":
                if key in taken:  # a variant of another concept's alias: guard it
                    verdict, rule = plan_form(form, c, {key: {"", c.id}}, set(), is_name=True)
                if verdict == "drop":  # no context to tell it from the word: leave it out
                    rules = []
                    break
            if verdict == "plain" and i > 0:
                aliases.append(form)
            elif verdict == "ambiguous":
                rules.append(rule)
        name_ok = any(normalise(r["alias"]) == normalise(c.name) for r in rules) or (
            normalise(c.name) not in taken
            and plan_form(c.name, c, owners, taken, True)[0] == "plain"
        )
        if not name_ok:
            dropped.add(c.id)
            continue  # its name is another concept's alias: nothing safe to match
        entry: dict = {"id": c.id, "name": c.name, "type": c.type, "aliases": aliases}
        entry["parents"] = c.parents
        if c.url:
            entry["url"] = c.url
        if c.description:
            entry["description"] = c.description
        if rules:
            entry["ambiguous"] = rules
        entry["source"] = c.source
        entry["license"] = c.license
        out[c.source].append(entry)
        plain_keys = {normalise(a) for a in aliases}
        if not any(normalise(r["alias"]) == normalise(c.name) for r in rules):
            plain_keys.add(normalise(c.name))
        for a in list(plain_keys):
            taken.update(normalise(v) for v in surface_variants(a))
        taken.update(normalise(r["alias"]) for r in rules if len(owners[normalise(r["alias"])]) < 2)
    for entries in out.values():
        for e in entries:
            e["parents"] = [p for p in e["parents"] if p not in dropped]
            assert e["parents"], f"{e['id']}: every parent was left out"
            for r in e.get("ambiguous", []):
                r["needs"] = [n for n in r.get("needs", []) if n not in dropped]
                if not r["needs"]:
                    del r["needs"]
    return dict(out), {k: v for k, v in keymap.items() if v not in dropped}
