"""Regenerate docs/concept_page.png: a concept page of the static site
(``kgraph site``) of the sample graph, in headless Chromium.

Builds the two bundled sample feeds, writes the site to a temporary folder and
saves the top of one concept's page (default: AWS, the sample's broadest
concept, so the page shows narrower concepts, the chart and evidence).

Needs the test extras (Playwright for Python, used only as a driver: never run
``playwright install``) and Debian's Chromium::

    python scripts/screenshot_site.py                      # writes docs/concept_page.png
    python scripts/screenshot_site.py --concept amazon-s3 -o /tmp/s3.png

Set KGRAPH_CHROMIUM to use a Chromium somewhere other than /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's kgraph, not an installed one

import kgraph  # noqa: E402
from kgraph.export.html import HEADLESS_CHROMIUM_ARGS  # noqa: E402
from kgraph.export.safe_text import file_slug  # noqa: E402
from kgraph.export.site import write_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concept", default="aws", help="concept id of the page")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "concept_page.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("KGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    work = Path(tempfile.mkdtemp(prefix="kgraph-site-shot-"))
    try:
        kg = kgraph.build()
        write_site(kg.graph, work, index=kg.index)
        page_path = work / "concepts" / f"{file_slug(args.concept)}.html"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=list(HEADLESS_CHROMIUM_ARGS)
            )
            page = browser.new_page(viewport={"width": 1000, "height": 1250})
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            page.screenshot(path=str(args.output))
            browser.close()
        print(f"wrote {args.output}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
