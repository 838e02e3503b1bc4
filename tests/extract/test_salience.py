"""Salience says what an article is about (issue 21): position, frequency,
spread and specificity put the subject on top; the evidence is the sentence
that best shows the concept."""

from __future__ import annotations

from kgraph.catalogue.load import load_catalogue
from kgraph.extract.extractor import Extractor
from kgraph.extract.salience import salience, specificity
from kgraph.ingest.text import to_text
from kgraph.records import Article

POST = """
<p>In this post we run PostgreSQL in Docker with Compose, so every developer gets the same database.</p>
<h2>Why a container for the database?</h2>
<p>Security, performance, documentation and scalability all matter, but the main reason is that the
setup is the same on every laptop.</p>
<p>PostgreSQL is an open-source relational database with a long record of reliability.</p>
<p>We start from the official postgres image on Docker Hub and mount a volume for the data.</p>
<pre>sudo apt-get update
sudo apt-get install -y curl
curl -fsSL https://get.docker.com | sh</pre>
<h2>The Compose file</h2>
<p>Docker Compose starts PostgreSQL and the app together; the app connects with psql settings from the
environment.</p>
<p>When the Docker container restarts, PostgreSQL finds its data in the volume.</p>
"""


def test_the_subject_is_on_top():
    art = Article(
        id="p", url="https://blog.example.com/pg", title="Running PostgreSQL in Docker", html=POST
    )
    mentions = Extractor().extract(to_text(art))
    order = [m.concept for m in mentions]
    assert set(order[:3]) >= {"postgresql", "docker"}
    weight = {m.concept: m.weight for m in mentions}
    # an umbrella topic named in a list ranks below the specific concepts
    for broad in ("security", "documentation", "scalability", "database"):
        if broad in weight:
            assert weight[broad] < weight["postgresql"]
    # a package manager used in a shell snippet is not the subject
    assert weight.get("apt", 0.0) < weight["docker"]
    assert order.index("apt") > order.index("docker-hub") if "apt" in order else True
    # the evidence is the sentence that says what the concept is, not the first
    evidence = {m.concept: m.evidence for m in mentions}
    assert evidence["postgresql"].startswith("PostgreSQL is an open-source relational database")


def test_salience_grows_with_position_frequency_and_spread():
    once = salience(False, 0, 1, 0, 0.8, False, 0.05)
    assert salience(True, 0, 1, 0, 0.8, False, 0.05) > once  # in the title
    assert salience(False, 1, 1, 0, 0.8, False, 0.05) > once  # in a heading
    assert salience(False, 0, 1, 0, 0.8, True, 0.05) > once  # in the lead
    assert salience(False, 0, 5, 0, 0.8, False, 0.05) > once  # more often
    assert salience(False, 0, 1, 0, 0.8, False, 0.5) > once  # spread out
    assert salience(False, 0, 1, 0, 0.8, False, 0.05, spec=0.5) < once  # broad
    assert salience(False, 0, 0, 20, 0.8, False, 0.05) < salience(False, 0, 3, 0, 0.8, False, 0.05)


def test_specificity_comes_from_the_catalogue():
    spec = specificity(load_catalogue())
    assert spec["amazon-s3"] > spec["aws"]
    assert spec["postgresql"] > spec["database"] > 0
    assert spec["go-goroutine"] > spec["concurrency"]
    assert spec["security"] < spec["tls"]
