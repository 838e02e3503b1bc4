"""Regenerate docs/graph.png: the HTML page of the sample graph in headless Chromium.

Builds the two bundled sample feeds, writes the page to a temporary folder,
opens it at 1400x900, waits for the layout to settle, selects a concept (so the
side panel lists its articles and evidence sentences) and saves a PNG.

Needs the test extras (Playwright for Python, used only as a driver: never run
``playwright install``) and Debian's Chromium::

    apt-get install -y chromium
    python scripts/screenshot.py                     # writes docs/graph.png
    python scripts/screenshot.py -o /tmp/g.png --concept concept:aws-iam

Set KGRAPH_CHROMIUM to use a Chromium somewhere other than /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's kgraph, not an installed one

import kgraph  # noqa: E402
from kgraph.export.html import HEADLESS_CHROMIUM_ARGS, write_html  # noqa: E402

# Decodes a PNG in a blank page (no CSP there) and returns its RGBA pixels as base64.
_PIXELS_JS = """async src => {
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, c.width, c.height).data;
  let s = ''; for (let i = 0; i < px.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, px.subarray(i, i + 0x8000)); }
  return [c.width, c.height, btoa(s)]; }"""

CHROMIUM_ARGS = list(HEADLESS_CHROMIUM_ARGS)


def wait_until(page, expression: str, timeout: float) -> bool:
    """Poll a JS expression (page.wait_for_function needs eval, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def palette_png(rgb: np.ndarray, colours: int = 256) -> bytes:
    """Encode an ``(h, w, 3)`` uint8 image as an 8-bit palette PNG.

    The palette is the image's most frequent colours (a screenshot is mostly flat
    UI colours); every other colour maps to its nearest palette entry. The result
    is a third to a quarter of Chromium's truecolour PNG and looks the same.
    """
    h, w, _ = rgb.shape
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
    packed |= rgb[..., 2]
    uniq, inverse, counts = np.unique(packed.ravel(), return_inverse=True, return_counts=True)
    u = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1).astype(np.int32)
    order = np.argsort(-counts, kind="stable")
    chosen = list(order[: colours * 5 // 8])
    # Then colours unlike any chosen one (small legend swatches, say), most frequent first.
    for i in order[colours * 5 // 8 :]:
        if len(chosen) == colours or counts[i] < 8:
            break
        if ((u[chosen] - u[i]) ** 2).sum(axis=1).min() > 24**2:
            chosen.append(i)
    taken = set(chosen)
    for i in order:  # fill up with the most frequent of the rest
        if len(chosen) == colours:
            break
        if i not in taken:
            chosen.append(i)
    pal = u[np.sort(np.array(chosen[:colours]))]
    nearest = np.empty(len(uniq), dtype=np.uint8)
    for i in range(0, len(uniq), 4096):  # chunks keep memory small
        d = ((u[i : i + 4096, None, :] - pal[None, :, :]) ** 2).sum(axis=2)
        nearest[i : i + 4096] = d.argmin(axis=1)
    index = nearest[inverse].reshape(h, w)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), index], axis=1).tobytes()  # filter 0

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 3, 0, 0, 0])
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", ihdr),
            chunk(b"PLTE", pal.astype(np.uint8).tobytes()),
            chunk(b"IDAT", zlib.compress(raw, 9)),
            chunk(b"IEND", b""),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "graph.png")
    parser.add_argument("--concept", default="concept:amazon-s3", help="node to select")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds to wait for physics to rest"
    )
    args = parser.parse_args()

    chromium = os.environ.get("KGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    kg = kgraph.build()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_path = write_html(kg.graph, Path(tmp) / "graph.html", title="kgraph: sample feeds")
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        if not wait_until(page, "window.kgraphReady === true", 30):
            print("error: the page never became ready", file=sys.stderr)
            return 1
        if not wait_until(page, "window.kgraphStable === true", args.settle):
            print(f"note: physics still moving after {args.settle:.0f}s; stopping it")
        page.evaluate("kgraphViewer.network.stopSimulation()")
        page.evaluate("id => kgraphViewer.focusNode(id)", args.concept)
        if page.evaluate("kgraphViewer.selected()") != args.concept:
            print(f"error: no node {args.concept!r} in the sample graph", file=sys.stderr)
            return 1
        page.wait_for_timeout(800)  # the focus animation takes 300 ms
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
        shot = page.screenshot()
        blank = browser.new_page()
        url = "data:image/png;base64," + base64.b64encode(shot).decode("ascii")
        w, h, pixels = blank.evaluate(_PIXELS_JS, url)
        rgba = np.frombuffer(base64.b64decode(pixels), np.uint8).reshape(h, w, 4)
        browser.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(palette_png(rgba[..., :3]))
    if errors:
        print("error: console errors on the page:", *errors, sep="\n  ", file=sys.stderr)
        return 1
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({args.width}x{args.height}, {size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
