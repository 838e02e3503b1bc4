"""Boilerplate out (issue 21): share, follow, footer, navigation and related-post
blocks and social-profile links give no text, so no mentions."""

from __future__ import annotations

from kgraph.extract.extractor import Extractor
from kgraph.ingest.boilerplate import is_call_to_action, is_social_link, looks_like_command
from kgraph.ingest.text import to_text
from kgraph.records import Article

PAGE = """
<p>Kafka Streams joins two topics into a table; here is how we run it in production.</p>
<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3>
  <ul><li><a href="https://twitter.com/intent/tweet?url=x">Twitter</a></li>
  <li><a href="https://www.reddit.com/submit?url=x">Reddit</a></li>
  <li><a href="mailto:?subject=Kafka">Email</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3>
  <p><a href="/docker-tips">Docker tips</a></p></div>
<p>Thanks for reading, feel free to follow me on <a href="https://twitter.com/someone">Twitter</a>
 and subscribe to my newsletter.</p>
<p>Watch the <a href="https://www.youtube.com/watch?v=abc">talk on YouTube</a> for the details.</p>
<p>Kafka was originally published in Engineering on Medium, where people are continuing the conversation.</p>
<section class="author-bio"><p>Jane writes about Kubernetes.</p></section>
<article class="post tag-social category-security"><p>Kafka Connect moves the data out.</p></article>
"""


def test_boilerplate_gives_no_text_and_no_mentions():
    art = Article(
        id="a", url="https://blog.example.com/kafka", title="Kafka Streams in production", html=PAGE
    )
    text = to_text(art)
    body = " ".join(b.text for b in text.blocks)
    assert "Kafka Streams joins two topics" in body
    assert "Kafka Connect moves the data out" in body  # tag classes are no boilerplate
    assert "talk on YouTube" in body  # a link to one video is content
    for gone in (
        "Share this",
        "Reddit",
        "Related",
        "Docker tips",
        "follow me",
        "originally published",
        "Jane",
    ):
        assert gone not in body
    assert "https://www.youtube.com/watch?v=abc" in text.links
    found = {m.concept for m in Extractor().extract(text)}
    assert {"kafka-streams", "kafka-connect"} <= found  # the products the content names
    assert not {"twitter", "reddit", "email", "docker", "kubernetes", "medium-platform"} & found


def test_social_links_and_calls_to_action():
    assert is_social_link("https://www.linkedin.com/in/someone/")
    assert is_social_link("https://medium.com/@someone")
    assert not is_social_link("https://x.com/someone/status/123")  # one post is content
    assert not is_social_link("https://docs.docker.com/engine/")
    assert is_call_to_action("If you enjoyed this post, share it with your friends!")
    assert not is_call_to_action("Followers read from the leader and follow its log.")


def test_a_shell_session_set_as_text_is_code():
    art = Article(
        id="a",
        url="https://blog.example.com/go",
        title="TIME_WAIT",
        html="<p>netstat -n | grep -i 8080 | wc -l</p><p>We count sockets with netstat and grep.</p>",
    )
    kinds = [b.kind for b in to_text(art).blocks]
    assert kinds == ["title", "code", "paragraph"]
    assert looks_like_command("$ docker ps -a")
    assert not looks_like_command("Docker lists containers when you run docker ps.")


def test_where_the_code_lives_is_boilerplate_not_a_mention():
    """ "The complete code is available in my GitHub repository" says where the
    code is hosted, not that the post is about GitHub; a sentence about
    GitHub's own features is content."""
    from kgraph.ingest.boilerplate import is_call_to_action

    assert is_call_to_action("The code of this project can be found on my github profile.")
    assert is_call_to_action("Complete code is available in its own git repository.")
    assert is_call_to_action("The source code is hosted on github.")
    assert not is_call_to_action("GitHub hosts the source of most Go modules.")
    assert not is_call_to_action(
        "We moved the project to GitLab and the code in our repository is mirrored."
    )


def test_long_lines_of_flags_take_linear_time() -> None:
    """Regression: the command regexes backtracked exponentially on a line of
    flags that fails to match (20 flags took a minute in a <p>)."""
    import time

    flags = " --ab 1" * 200
    start = time.perf_counter()
    assert not looks_like_command("run" + flags + " and then some prose.")
    assert not looks_like_command("x" + " --ab" * 200 + " | y")
    assert looks_like_command("run" + flags)
    assert looks_like_command("ps aux --sort -rss | head -n 5")
    assert time.perf_counter() - start < 1.0
