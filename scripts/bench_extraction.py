"""Extraction quality on German news pages (issue 18): precision, recall and F1 of the text the
workbench keeps as article body, against gold snippets per page.

A "must" snippet found in the body is a true positive, one missing a false negative; a
"must not" snippet (menus, share bars, related links, comments, imprint...) found in the body is
a false positive. The pages: scripts/extraction_pages.py (6 articles x 6 layouts) and the
hand-written fixtures of tests/fixtures/web with tests/fixtures/web/gold.json. Compared with
taking all visible text of the page as the article. A page whose recall is under 0.5 counts as
an article lost.

    python scripts/bench_extraction.py [--pages]    # --pages: one line per page
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from extraction_pages import HELD_OUT, pages  # noqa: E402

from workbench.ingest.article import parse_article  # noqa: E402
from workbench.ingest.webpage import extract_page  # noqa: E402
from workbench.records import BlockKind  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "web"


def _all_pages():
    yield from pages()
    for name, gold in json.loads((FIXTURES / "gold.json").read_text(encoding="utf-8")).items():
        yield name, (FIXTURES / f"{name}.html").read_text(encoding="utf-8"), gold["must"], gold["must_not"]


def _normal(text: str) -> str:
    return " ".join(text.split())


def workbench_body(markup: str) -> str:
    article = parse_article(markup, "page.html", "-", suffix=".html")
    return _normal(" ".join(b.text for b in article.blocks if b.kind is BlockKind.BODY and not b.is_title))


def all_visible(markup: str) -> str:
    return _normal(" ".join(b.text for b in extract_page(markup).blocks))


def _found(snippet: str, body: str) -> bool:
    """The snippet as whole words: "Presse" (a menu item) is not found in "Pressemitteilung"."""
    return re.search(rf"(?<!\w){re.escape(_normal(snippet))}(?!\w)", body) is not None


def score(body: str, must: list[str], must_not: list[str]) -> tuple[int, int, int]:
    tp = sum(_found(s, body) for s in must)
    return tp, sum(_found(s, body) for s in must_not), len(must) - tp


def measure(selected, per_page: bool) -> None:
    totals = {"workbench": [0, 0, 0], "all visible text": [0, 0, 0]}
    lost = dict.fromkeys(totals, 0)
    count = 0
    for name, markup, must, must_not in selected:
        count += 1
        bodies = (("workbench", workbench_body(markup)), ("all visible text", all_visible(markup)))
        for method, body in bodies:
            tp, fp, fn = score(body, must, must_not)
            totals[method] = [a + b for a, b in zip(totals[method], (tp, fp, fn), strict=True)]
            lost[method] += tp < 0.5 * len(must)
            if per_page and method == "workbench":
                print(f"  {name:28s} tp {tp:2d}  fp {fp:2d}  fn {fn:2d}")
    print(f"{count} pages")
    print(f"{'method':18s} {'precision':>9s} {'recall':>7s} {'F1':>6s}  articles lost")
    for method, (tp, fp, fn) in totals.items():
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
        print(f"{method:18s} {precision:9.3f} {recall:7.3f} {f1:6.3f}  {lost[method]}")


def main() -> int:
    per_page = "--pages" in sys.argv
    print("Pages the rules were developed on (6 layouts x 6 articles, and the 3 fixtures):")
    measure(_all_pages(), per_page)
    print("\nHeld out (3 layouts x 6 articles, written after the rules were settled):")
    measure(pages(HELD_OUT), per_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
