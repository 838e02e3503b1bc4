"""GitHub Explore topics (``scripts/sources/github-explore-topics.jsonl``).

Attribution: GitHub Explore topics, github/explore, CC BY 4.0.

Reviewed by hand: topics that are no concept a tech blog names (games and game
genres, events and awards, universities, vague words such as "app" or
"software", disambiguation pages) are dropped (``DROP``, ``DROP_RE``). The
type comes from ``TYPES`` when set by hand, else from the words of the short
description ("framework", "library", "database", ...). Parents are the
related topics that are broader concepts already in the catalogue (a language,
an OS, a platform, a topic), else a broad concept for the type.

>>> guess_type("A JavaScript library for building user interfaces.")
'library'
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _gen_common import zipf
from _gen_open import Candidate

from kgraph.catalogue.concepts import normalise, slugify

SOURCE = "github-explore"
LICENSE = "CC-BY-4.0"
FILE = Path(__file__).parent / "sources" / "github-explore-topics.jsonl"

# fmt: off
DROP = set("""
3d 3ds-homebrew 4d-component 4x action-adventure action-game action-role-playing adventure-game adventure-
game-interpreter adventurex2025 adventurex2026 advent-of-code agenticsfoundation ai-marketing alternate-
reality-game animal-crossing anime anidb anyland argo-floats art art-net artillery-game astronomy astrophysics
awesome basic8 battle-royale battlesnake bcsamples beat-em-up bedrock-dedicated-server biological-expression-
language biological-simulation blazing-fast bluearchive board-game bootcamp browser-game calculate-pi casual-
game cd christianity citizen-science city-building-game climate-change climate-change-mitigation collectible-
card-game combat-flight-simulator community-driven computercraft computercraft-tweaked coregames corruptor
covid-19 craftstudio dcode-2025 demo dungeon-crawl dwd education edupage einstein-problem eksisozluk elite-
dangerous endless-sky endless-sky-plugins ensisa epitech escape-the-room esprit example extension fantasy-game
fighting-game finance first first-person-shooter first-robotics-competition first-tech-challenge flight
flight-simulator for-the-love-of-code game-jam game-jam-game game-off gameboy generator genshin-impact geode-
mods geometry-dash getting-things-done global-game-jam god-game golfing-language gradescope guildwars2 hack-
and-slash hackathon-kit hackathon-organiser hackathon hackclub hacksquad hacktoberfest hammer handshake hdu
identicons image incremental-game interactive-film interview io ioc itmo js13kgames julia-sets kart-racing
kerbal-space-program kerbal-space-program-2 koans league-of-legends learning learning-by-doing life-simulator
light-gun-shooter linux-learning loop-engineering ludum-dare machinima mada marketing massively-multiplayer-
online maze metroidvania mount-and-blade-bannerlord mud-game music-game nasa nasa-pace nashville neo netfree
no-ai noaa-nsap pepeland physics platform-game point-and-click portfolio programming project project-demo
protocol puzzle-game queer query racing-game racing-simulator randomizer real-time-strategy real-time-tactics
retro-game rhythm-game riot-games robomaster rocketseat roguelike roguelite role-playing-game routing
scambaiting screenwriting shoot-em-up shooter social-simulator software software-challenge-germany space-
engineers space-flight-simulator spacetraders sports sports-game ss13 stealth-game stem strategy-game support
survival survival-horror tactical-role-playing tactical-shooter teamfight-tactics text-adventure thedreamlab
third-person-shooter time-management-game todo touhou tower-defense transgender tridecco turn-based turn-
based-strategy turn-based-tactics tutorial undertale unipi university-of-texas-arlington valorant vehicle-
simulator vehicular-combat video vr-game vut wargame whistleblowing wow yugioh zork chemistry mathematics data
code client server app web website tool library framework script template utility development deployment
configuration desktop mobile network font emoji satellite molecule dmx512 epics eeg golem hms iris glam mcnp
mill-plugin minecraft minecraft-addon minecraft-bedrock-edition minecraft-forge minecraft-mod minecraft-plugin
minecraft-server minetest factorio garrysmod teeworlds bzflag sauerbraten vrchat arcade simulation simulator
automaton cheatsheet dataset boilerplate bot crawler emulator kernel parser parsing privacy publishing sdk
terminal testing wiki hacking exploit recon spreadsheet interactive-fiction fantasy-console pixel-art graphic-
design stylus ukagaka utau openutau pixiv myanimelist infoarena online-judge codechef leetcode hackerrank
coursera digital-public-goods digital-signage open-access open-data fediverse indieweb movable-type zscript
zenscript anki boinc software-engineering sovereign-ai world-models perceptual-hashing error-propagation
entity-resolution qft retrocomputing tas pim ton roomba ui shell goldsrc scpsl-labapi pewpew-live wiiconnect24
ublock-origin-filters dsh agent-harness data-space kiota-index netbox-plugin xontrib nexus-mods obofoundry
mathcomp molecular-dynamics synthetic-biology pixel-vision-8 liko-12 fabricmc quiltmc pmmp opencomputers
bonsai-rx plover superproductivity deta deta-space visual-novel z-machine dle gcj02 portapps wordplate
animation password-store nanocurrency sui move-sui flow-blockchain m3o msp-mcp runtime-node webapp source-port rocket neo
readme internal-tools
""".split())  # noqa: SIM905
# fmt: on
#: topics that are an existing concept under another name (reviewed by hand)
FOLD = {
    "frontend": "frontend-development",
    "backend": "backend-development",
    "pubsub": "pub-sub",
    "algorithm": "algorithms",
    "actions": "github-actions",
    "promise": "js-promises",
    "transformer": "transformer-model",
}
#: display names that say which product it is
NAMES = {"edge": "Microsoft Edge", "atom": "Atom editor", "canvas": "HTML Canvas"}
PRODUCT_TYPES = {
    "tool",
    "platform",
    "library",
    "framework",
    "database",
    "company",
    "language",
    "os",
}
DROP_RE = re.compile(
    r"-game$|^game-(?!engine|development)|shooter|simulator$|-engine$|^minecraft|hackathon"
)

#: hand-set types where the description misleads
TYPES = {
    "api": "concept",
    "ajax": "concept",
    "algorithm": "topic",
    "android": "os",
    "ios": "os",
    "linux": "os",
    "macos": "os",
    "windows": "os",
    "ubuntu": "os",
    "debian": "os",
    "fedora": "os",
    "openbsd": "os",
    "archlinux": "os",
    "linuxmint": "os",
    "lineageos": "os",
    "grapheneos": "os",
    "sailfishos": "os",
    "riscos": "os",
    "tvos": "os",
    "watchos": "os",
    "visionos": "os",
    "zephyr-rtos": "os",
    "riot-os": "os",
    "json": "format",
    "yaml": "format",
    "xml": "format",
    "csv": "format",
    "markdown": "format",
    "geojson": "format",
    "svg": "format",
    "zip": "format",
    "musicxml": "format",
    "mdx": "format",
    "http": "protocol",
    "mqtt": "protocol",
    "xmpp": "protocol",
    "irc": "protocol",
    "coap": "protocol",
    "websocket": "protocol",
    "webrtc": "protocol",
    "atproto": "protocol",
    "activitypub": "protocol",
    "nostr": "protocol",
    "tls": "protocol",
    "oauth2": "standard",
    "oidc": "standard",
    "jwt": "standard",
    "openapi": "standard",
    "asyncapi": "standard",
    "json-schema": "standard",
    "json-api": "standard",
    "cors": "standard",
    "iso-8601": "standard",
    "webauthn": "standard",
    "passkeys": "standard",
    "rdf": "standard",
    "ecmascript": "standard",
    "web-assembly": "standard",
    "uefi": "standard",
    "riscv": "standard",
    "dom": "standard",
    "web-components": "standard",
    "oai-pmh": "protocol",
    "psr-4": "standard",
    "psr-7": "standard",
    "psr-11": "standard",
    "psr-15": "standard",
    "gpl": "standard",
    "creative-commons": "standard",
    "rss": "format",
    "atom-feed": "format",
    "json-feed": "format",
    "docker": "tool",
    "kubernetes": "tool",
    "git": "tool",
    "github": "platform",
    "gitlab": "platform",
    "npm": "tool",
    "yarn": "tool",
    "pip": "tool",
    "composer": "tool",
    "maven": "tool",
    "gradle": "tool",
    "nuget": "tool",
    "homebrew": "tool",
    "conan": "tool",
    "cuda": "platform",
    "llvm": "tool",
    "v8": "platform",
    "webkit": "platform",
    "chromium": "platform",
    "chrome": "tool",
    "firefox": "tool",
    "vim": "tool",
    "neovim": "tool",
    "emacs": "tool",
    "xcode": "tool",
    "mongodb": "database",
    "mysql": "database",
    "postgresql": "database",
    "redis": "database",
    "sqlite": "database",
    "mariadb": "database",
    "neo4j": "database",
    "cassandra": "database",
    "sql-server": "database",
    "oracle-database": "database",
    "elasticsearch": "database",
    "meilisearch": "database",
    "nebula-graph": "database",
    "rockset": "database",
    "sql": "language",
    "nosql": "concept",
    "microsoft": "company",
    "apple": "company",
    "google": "company",
    "facebook": "company",
    "nvidia": "company",
    "mozilla": "company",
    "netflix": "company",
    "cloudflare": "platform",
    "binance": "company",
    "reddit": "platform",
    "spotify": "platform",
    "twitter": "platform",
    "machine-learning": "topic",
    "deep-learning": "topic",
    "ai": "topic",
    "llm": "topic",
    "data-science": "topic",
    "security": "topic",
    "cybersecurity": "topic",
    "cryptography": "topic",
    "blockchain": "topic",
    "iot": "topic",
    "robotics": "topic",
    "bioinformatics": "topic",
    "quantum-computing": "topic",
    "computer-vision": "topic",
    "nlp": "topic",
    "devops": "practice",
    "agile": "practice",
    "tdd": "practice",
    "bdd": "practice",
    "gitops": "practice",
    "sre": "practice",
    "devsecops": "practice",
    "dataops": "practice",
    "cicd": "practice",
    "continuous-integration": "practice",
    "continuous-delivery": "practice",
    "continuous-deployment": "practice",
    "unit-testing": "practice",
    "integration-testing": "practice",
    "test-automation": "practice",
    "code-review": "practice",
    "fuzzing": "practice",
    "mvc": "architecture",
    "microservice": "architecture",
    "serverless": "architecture",
    "jamstack": "architecture",
    "spa": "architecture",
    "pwa": "concept",
    "rest-api": "architecture",
    "pubsub": "architecture",
    "lamp": "architecture",
    "mean-stack": "architecture",
    "mern": "architecture",
    "t3-stack": "architecture",
    "remix-stack": "architecture",
    "bitcoin": "platform",
    "ethereum": "platform",
    "solana": "platform",
    "arduino": "platform",
    "raspberry-pi": "platform",
    "esp32": "platform",
    "esp8266": "platform",
    "flipperzero": "platform",
    "cryptocurrency": "concept",
    "pycharm": "tool",
    "inkscape": "tool",
    "imagenet": "concept",
    "xampp": "tool",
    "computer-science": "topic",
    "fluent-design": "concept",
    "chatgpt-api": "cloud-service",
    "whisper": "concept",
    "ebpf": "concept",
    "steam": "platform",
    "sdn": "concept",
    "grid-computing": "concept",
    "instrumentation": "concept",
    "smoke-tests": "practice",
    "green-software": "practice",
    "self-hosted": "concept",
    "postcss": "tool",
    "ipython": "tool",
    "jetbrains-mps": "tool",
    "playdate-sdk": "library",
    "playdate": "platform",
    "freeswitch": "tool",
    "fair-source": "concept",
    "data-recovery": "practice",
    "sketch": "tool",
    "latex": "language",
    "ll-parser": "concept",
    "mcp": "protocol",
    "mcp-server": "concept",
    "nunjucks": "library",
    "zsh": "tool",
    "wayland": "protocol",
    "statistics": "topic",
    "image-processing": "topic",
    "edge": "tool",
    "atom": "tool",
}
WORDS = [  # description word -> type, first match wins
    (r"programming language|\blanguage\b", "language"),
    (r"\bframework\b", "framework"),
    (r"\blibrary\b|\bmodule\b|\bpackage\b|\btoolkit\b|\bsdk\b", "library"),
    (r"\bdatabase\b", "database"),
    (r"operating system|linux distribution|\bdistro\b", "os"),
    (r"\bprotocol\b", "protocol"),
    (r"\bformat\b", "format"),
    (r"\bspecification\b|\bstandard\b", "standard"),
    (r"\bcompany\b|\bcorporation\b", "company"),
    (r"\bplatform\b|\bservice\b|\bsocial network\b|\bwebsite\b|\bnetwork\b", "platform"),
    (
        r"\btool\b|\beditor\b|\bide\b|\bapplication\b|\bsoftware\b|\bprogram\b|\bclient\b|\bmanager\b",
        "tool",
    ),
    (r"\bpractice\b|\bmethodology\b|\bprocess\b|\btechnique\b", "practice"),
    (r"\barchitecture\b|\bpattern\b|\bparadigm\b", "architecture"),
]
#: fallback parent per type (ids of the hand-written catalogue)
BROAD = {
    "language": "programming-language",
    "framework": "software-development",
    "library": "software-development",
    "database": "database",
    "os": "operating-systems",
    "protocol": "networking",
    "format": "file-format",
    "standard": "software-development",
    "company": "company",
    "platform": "software-development",
    "tool": "software-development",
    "practice": "software-development",
    "architecture": "software-architecture",
    "concept": "software-development",
    "topic": "topic-root",
}
#: types that may be a topic's parent when a related topic resolves to them
PARENT_TYPES = {"language", "os", "platform", "topic", "database", "tool", "framework"}


def guess_type(description: str) -> str:
    low = description.lower()
    for pattern, ctype in WORDS:
        if re.search(pattern, low):
            return ctype
    return "concept"


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9+#]", "", text.lower())


def _same(name: str, slug: str, alias: str) -> bool:
    """True when a topic alias is a spelling of the name ("reactjs", "nodejs",
    "golang"), not a narrower or related topic ("3d-printing" of "3d").

    >>> _same("React", "react", "reactjs"), _same("3D", "3d", "3d-printing")
    (True, False)
    """
    a = _squash(alias)
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", name)).lower()
    for n in {_squash(name), _squash(slug)}:
        if a == n or a in {n + s for s in ("js", "lang", "db", "io", "css", "sh", "app")}:
            return True
        if n in {a + s for s in ("js", "lang", "db")}:
            return True
    return len(initials) >= 3 and a == initials


def rows() -> list[dict]:
    return [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines() if line]


def _display(row: dict) -> str:
    name = re.sub(r"\s*\((disambiguation|software)\)\s*$", "", row["display_name"], flags=re.I)
    return name.rstrip(".").strip()


def candidates(keymap: dict[str, str], types: dict[str, str]) -> list[Candidate]:
    """``keymap``: source keys already resolved (lexer names, kinds) -> id;
    ``types``: id -> type of every concept known so far."""
    out = []
    for row in rows():
        slug = row["topic"]
        if slug in DROP or DROP_RE.search(slug):
            continue
        name = NAMES.get(slug) or _display(row)
        desc = row.get("short_description", "")
        ctype = TYPES.get(slug) or guess_type(desc)
        if ctype == "concept" and any(k in row for k in ("github_url", "created_by", "released")):
            ctype = "tool"  # someone made it: a product
        # "Foo (FOO)": the parenthesised part is an alias
        aliases = []
        m = re.match(r"^(.*?)\s*\(([^)]+)\)$", name)
        if m:
            name, aliases = m.group(1).strip(), [m.group(2).strip()]
        if normalise(name) != slug.replace("-", " "):
            aliases.append(slug.replace("-", " "))
        aliases += [a.replace("-", " ") for a in row.get("aliases", []) if _same(name, slug, a)]
        parents = []
        for rel in row.get("related", []):
            pid = keymap.get(rel) or keymap.get(rel.replace("-", " "))
            if pid and types.get(pid) in PARENT_TYPES and types.get(pid) != ctype:
                parents.append(pid)
        parents = parents[:2] or [BROAD[ctype]]
        words = re.findall(r"[a-z][a-z+#.-]*[a-z0-9+#]", desc.lower())
        cues = [w for w in dict.fromkeys(words) if len(w) >= 5 and w not in STOP and zipf(w) < 4.0][
            :4
        ]
        out.append(
            Candidate(
                id=slugify(slug),
                name=name,
                type=ctype,
                parents=parents,
                url=row.get("url") or row.get("wikipedia_url") or "",
                source=SOURCE,
                license=LICENSE,
                description=" ".join(desc.split())[:400],
                aliases=aliases,
                cues=[*cues, *[r.replace("-", " ") for r in row.get("related", [])[:4]]],
                keys=[slug],
                product=ctype in PRODUCT_TYPES,
                fold=FOLD.get(slug),
            )
        )
    return out


STOP = set(
    [
        "about",
        "their",
        "there",
        "which",
        "these",
        "those",
        "other",
        "using",
        "based",
        "which",
        "where",
        "while",
        "being",
        "allows",
        "various",
        "often",
        "known",
        "called",
        "refers",
        "their",
        "users",
        "build",
        "create",
        "widely",
        "design",
        "system",
        "systems",
        "provides",
        "popular",
        "used",
    ]
)
