"""Build the tiny models the tests and the offline demo use.

    python scripts/make_test_model.py OUT_DIR [--kind marian|bart] [--pairs tests/fixtures/de_en_news.tsv]
        [--languages de-en] [--reverse]

marian: a translation model that reproduces the fixture (`--reverse` swaps its columns, so one
fixture gives fr->en and en->fr; `--languages` names the pair). bart: a summarizer shaped like
distilbart-cnn that writes the lead of English fixture text. Skips the work when OUT_DIR already
holds a model built from the same fixture and builder. Exits 1 when the model did not learn
(chrF below --min-chrf).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAIRS = ROOT / "tests" / "fixtures" / "de_en_news.tsv"
REFERENCE = ROOT / "scripts" / "reference" / "opus-mt-de-en"
TRAINING = ROOT / "workbench" / "engines" / "tiny_training.py"
BUILDERS = {
    "marian": ROOT / "workbench" / "engines" / "tiny_marian.py",
    "bart": ROOT / "workbench" / "engines" / "tiny_bart.py",
}


def recipe_hash(pairs_file: Path, kind: str = "marian", variant: str = "") -> str:
    """Changes whenever the fixture, the builder, the reference config or the variant changes."""
    digest = hashlib.sha256(variant.encode())
    for path in (pairs_file, BUILDERS[kind], TRAINING, *sorted(REFERENCE.glob("*.json"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_marian(pairs_file: Path, out_dir: Path, languages: tuple[str, str], reverse: bool) -> float:
    from workbench.engines.tiny_marian import build_tiny_marian, read_pairs

    pairs = [(b, a) if reverse else (a, b) for a, b in read_pairs(pairs_file)]
    return build_tiny_marian(pairs, out_dir, reference_dir=REFERENCE, languages=languages).chrf


def _build_bart(pairs_file: Path, out_dir: Path, languages: tuple[str, str], reverse: bool) -> float:
    from workbench.engines.tiny_bart import build_tiny_bart
    from workbench.engines.tiny_marian import read_pairs

    return build_tiny_bart([target for _, target in read_pairs(pairs_file)], out_dir)


_BUILD: dict[str, Callable[[Path, Path, tuple[str, str], bool], float]] = {
    "marian": _build_marian,
    "bart": _build_bart,
}


def ensure_model(
    out_dir: Path,
    pairs_file: Path = DEFAULT_PAIRS,
    min_chrf: float = 90.0,
    kind: str = "marian",
    languages: tuple[str, str] = ("de", "en"),
    reverse: bool = False,
) -> Path:
    """Build the model into out_dir unless an identical build is already there."""
    stamp = out_dir / "recipe.txt"
    variant = "" if (languages, reverse) == (("de", "en"), False) else f"{'-'.join(languages)}:{reverse}"
    wanted = recipe_hash(pairs_file, kind, variant)
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return out_dir
    chrf = _BUILD[kind](pairs_file, out_dir, languages, reverse)
    if chrf < min_chrf:
        raise SystemExit(f"{out_dir}: chrF {chrf:.1f} < {min_chrf}: the model did not learn the fixture")
    stamp.write_text(wanted + "\n")
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--kind", choices=sorted(_BUILD), default="marian")
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--min-chrf", type=float, default=90.0)
    parser.add_argument("--languages", default="de-en", help="source-target codes of the pair")
    parser.add_argument("--reverse", action="store_true", help="translate the fixture's second column")
    args = parser.parse_args()
    source, _, target = args.languages.partition("-")
    ensure_model(args.out_dir, args.pairs, args.min_chrf, args.kind, (source, target), args.reverse)
    print(args.out_dir)


if __name__ == "__main__":
    main()
