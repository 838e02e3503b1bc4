"""Code read as code (issue 21): a code block names a concept by what it runs,
imports or calls, never by a string, a key, a flag, a class or a path."""

from __future__ import annotations

import pytest

from kgraph.extract.code import is_command, names_concept
from kgraph.extract.extractor import Extractor
from kgraph.records import ArticleText, Block


def _at(line: str, word: str) -> tuple[str, int, int]:
    start = line.index(word)
    return line, start, start + len(word)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("    'statusCode' : 200,", "statusCode"),  # a string literal
        ("'address': '735 Jasmine Village Apt. 009'", "Apt"),
        ('curl -H "Authorization: Bearer $TOKEN" https://api.example.com', "Authorization"),
        ("Authorization: Bearer abc", "Authorization"),  # a header name
        ("logging:", "logging"),  # a mapping key
        ("  - backend:", "backend"),
        (".container { display: flex; }", "container"),  # a CSS class
        ("./configure --arch=amd64 --enable-gpl", "arch"),  # a flag
        ("curl --ssl-reqd smtp://mail.example.com", "ssl"),
        ("└── nodejs/", "nodejs"),  # a file listing
        ("image: kindest/node:v1.25.11@sha256:227fa11c", "sha256"),
        ("platform: linux/amd64", "linux"),  # a path
        ("secretName: default-workshop-example-tls", "tls"),  # a longer name
        ("--layers arn:aws:lambda:eu-west-1:123:layer", "lambda"),  # an ARN
        ("cp config.yaml deploy/index.html", "html"),  # a file name
    ],
)
def test_code_tokens_that_name_nothing(line, word):
    assert not names_concept(*_at(line, word))


@pytest.mark.parametrize(
    ("line", "word", "command"),
    [
        ("import json", "json", True),
        ('    "net/http"', "net/http", False),  # a Go import block
        ("pip install requests", "pip", True),
        ("$ sudo apt install nginx", "apt", True),
        ("kubectl apply -f deploy.yaml", "kubectl", True),
        ("data = json.loads(body)", "json", False),  # an API call
        ('log.Print(fmt.Sprintf("%d", n))', "fmt.Sprintf", False),
    ],
)
def test_code_that_names_a_concept(line, word, command):
    assert names_concept(*_at(line, word))
    assert is_command(*_at(line, word)) is command


def test_extraction_reads_a_code_block_as_code():
    code = "\n".join(
        [
            "import json",
            'resp = requests.get(url, headers={"Authorization": "Bearer x"})',
            "logging:",
            "  driver: json-file",
            "containers:",
            "  - name: web",
            "├── nodejs/",
            "curl --ssl-reqd https://example.com",
            "sudo apt install nginx",
        ]
    )
    text = ArticleText("a", (Block("paragraph", "A small service."), Block("code", code)))
    found = {m.concept for m in Extractor().extract(text)}
    assert {"json", "requests-lib", "apt", "nginx"} <= found
    assert not {"logging", "containers", "nodejs", "tls", "authorization"} & found
