"""Build the tiny de->en Marian model the tests and the offline demo use.

    python scripts/make_test_model.py OUT_DIR [--pairs tests/fixtures/de_en_news.tsv]

Skips the work when OUT_DIR already holds a model built from the same fixture and builder.
Exits 1 when the model does not reproduce the fixture (chrF below --min-chrf).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAIRS = ROOT / "tests" / "fixtures" / "de_en_news.tsv"
REFERENCE = ROOT / "scripts" / "reference" / "opus-mt-de-en"
BUILDER = ROOT / "workbench" / "engines" / "tiny_marian.py"


def recipe_hash(pairs_file: Path) -> str:
    """Changes whenever the fixture, the builder or the reference config changes."""
    digest = hashlib.sha256()
    for path in (pairs_file, BUILDER, *sorted(REFERENCE.glob("*.json"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_model(out_dir: Path, pairs_file: Path = DEFAULT_PAIRS, min_chrf: float = 90.0) -> Path:
    """Build the model into out_dir unless an identical build is already there."""
    stamp = out_dir / "recipe.txt"
    wanted = recipe_hash(pairs_file)
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return out_dir
    from workbench.engines.tiny_marian import build_tiny_marian, read_pairs

    report = build_tiny_marian(read_pairs(pairs_file), out_dir, reference_dir=REFERENCE)
    if report.chrf < min_chrf:
        raise SystemExit(
            f"{out_dir}: chrF {report.chrf:.1f} < {min_chrf}: the model did not learn the fixture"
        )
    stamp.write_text(wanted + "\n")
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--min-chrf", type=float, default=90.0)
    args = parser.parse_args()
    ensure_model(args.out_dir, args.pairs, args.min_chrf)
    print(args.out_dir)


if __name__ == "__main__":
    main()
