"""Broken and hostile input: each file imports or fails in one line naming it; nothing stored is lost."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.paths import SEEDS

_WORDS = ["Der", "Kreml", "schweigt", "und", "die", "Lage", "ist", "ernst", "Soldaten", "kämpfen"]


def _words(count: int, seed: int = 0) -> str:
    generator = random.Random(seed)
    return " ".join(generator.choice(_WORDS) for _ in range(count))


CASES = [
    # (file name, content, None when it must import, else the one-line reason)
    ("empty.txt", b"", "no text in file"),
    ("blank.txt", b"  \n\t\n", "no text in file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image, not a text file"),
    ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document, not a text file"),
    ("nul.txt", b"Titel\nDer Kreml\x00 schweigt.\n", "binary content (NUL bytes), not a text file"),
    ("latin1.txt", "Grüße aus Köln\nDer Kreml schweigt.\n".encode("latin-1"), None),
    ("invalid.txt", b"Titel\nDer Kreml \xff\xfe schweigt.\n", None),
    ("utf16.txt", "Titel\nDer Kreml schweigt.\n".encode("utf-16"), None),
    ("crlf.txt", b"Titel\r\nDer Kreml schweigt.\r\n", None),
    ("control.txt", b"Titel\nDer \x07Kreml\x1b[31m schweigt.\n", None),
    ("emoji.txt", "Titel 🎉\nDer Kreml 🇷🇺 schweigt\u200b heute. שלום עולם. مرحبا.\n".encode(), None),
    ("page.html", b"<html><script>x()</script><body><p>Der Kreml schweigt.</p></body></html>", None),
    ("note.md", b"# Titel\n\nDer Kreml\nschweigt.\n", None),
    ("french.txt", "Le Kremlin refuse\nLe Kremlin a refusé vendredi de commenter.\n".encode(), None),
    ("longsentence.txt", ("Titel\n" + _words(5000) + "\n").encode(), None),
]


@pytest.fixture
def seeded(make_bench):
    bench = make_bench()
    bench.import_paths([SEEDS / "000_bb1e4186efedc55e.txt"])
    return bench


@pytest.mark.parametrize(("name", "content", "error"), CASES, ids=[c[0] for c in CASES])
def test_each_file_imports_or_fails_in_one_line(seeded, tmp_path, name, content, error) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = seeded.segments(1)
    (result,) = seeded.import_paths([path])
    if error is None:
        assert result.error is None and result.article_id == 2
        assert seeded.segments(2)
    else:
        assert result.error == error and result.article_id is None
    assert seeded.segments(1) == before
    assert seeded.store.integrity_ok()


def test_a_batch_goes_on_past_bad_files_and_links(seeded, tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content, _ in CASES:
        (folder / name).write_bytes(content)
    (folder / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "loop").mkdir()
    (folder / "loop" / "again").symlink_to(folder / "loop")
    results = {Path(r.path).name: r for r in seeded.import_paths([folder])}
    assert results["dangling.txt"].error == "No such file or directory"
    failed = {name for name, r in results.items() if r.error}
    assert failed == {name for name, _, error in CASES if error} | {"dangling.txt"}
    assert len(seeded.articles()) == 1 + len(CASES) - len(failed) + 1


def test_a_10_mb_file_imports(seeded, tmp_path) -> None:
    path = tmp_path / "big.txt"
    lines = [_words(60, seed) + "." for seed in range(25_000)]
    path.write_text("Titel\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 8_000_000
    (result,) = seeded.import_paths([path])
    assert result.error is None
    assert len(seeded.segments(result.article_id)) == 25_001
