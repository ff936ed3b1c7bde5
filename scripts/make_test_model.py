"""Build the tiny models the tests and the offline demo use.

    python scripts/make_test_model.py OUT_DIR [--kind marian|bart] [--pairs tests/fixtures/de_en_news.tsv]
        [--languages de-en] [--reverse]

marian: a translation model that reproduces the fixture (`--reverse` swaps its columns, so one
fixture gives fr->en and en->fr; `--languages` names the pair). bart: a summarizer shaped like
distilbart-cnn that writes the lead of English fixture text.

Every model is built by a fixed recipe (seeds, epochs, one thread: see
workbench/testing/tiny_training.py), so a busy machine builds the same model as an idle one, only
slower. OUT_DIR is reused while its recipe stamp matches: the fixture, the builder code (all of
workbench/testing/), the reference config and the versions of
torch, transformers, tokenizers and sentencepiece. A build happens in a temporary directory
under a lock and is renamed into place only when it passes its quality gate (chrF at least
--min-chrf on what it was trained on); otherwise it exits 1 with one line and keeps nothing.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAIRS = ROOT / "tests" / "fixtures" / "de_en_news.tsv"
REFERENCE = ROOT / "scripts" / "reference" / "opus-mt-de-en"
BUILDER = ROOT / "workbench" / "testing"
"""The builders' package. Every module of it is part of every kind's recipe: the builders import
each other (bart takes marian's shape), and a module added there is covered without a list to keep."""


RECIPE_PACKAGES = ("torch", "transformers", "tokenizers", "sentencepiece")


class QualityGateError(Exception):
    """A build finished its recipe but did not learn what it was trained on."""


def recipe_hash(pairs_file: Path, kind: str = "marian", variant: str = "") -> str:
    """Changes whenever the fixture, the builder, the reference config, a version or the variant does."""
    versions = " ".join(f"{name}={importlib.metadata.version(name)}" for name in RECIPE_PACKAGES)
    digest = hashlib.sha256(f"{variant}\n{versions}".encode())
    inputs = [pairs_file, *sorted(BUILDER.glob("*.py")), *sorted(REFERENCE.glob("*.json"))]
    if kind == "marian" and gold_file(pairs_file).is_file():
        inputs.append(gold_file(pairs_file))
    for path in inputs:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def gold_file(pairs_file: Path) -> Path:
    """The fixture's gold word alignments (Pharaoh), beside it: `de_en_news.align`."""
    return pairs_file.with_suffix(".align")


def _build_marian(pairs_file: Path, out_dir: Path, languages: tuple[str, str], reverse: bool) -> float:
    from workbench.engines.alignment_eval import read_pharaoh
    from workbench.testing.tiny_marian import build_tiny_marian, read_pairs

    pairs = [(b, a) if reverse else (a, b) for a, b in read_pairs(pairs_file)]
    # Guided alignment where the fixture has gold links in its own direction.
    gold = read_pharaoh(gold_file(pairs_file)) if gold_file(pairs_file).is_file() and not reverse else None
    return build_tiny_marian(pairs, out_dir, reference_dir=REFERENCE, languages=languages, gold=gold).chrf


def _build_bart(pairs_file: Path, out_dir: Path, languages: tuple[str, str], reverse: bool) -> float:
    from workbench.testing.tiny_bart import build_tiny_bart
    from workbench.testing.tiny_marian import read_pairs

    return build_tiny_bart([target for _, target in read_pairs(pairs_file)], out_dir)


MIN_CHRF = {"marian": 97.0, "bart": 95.0}
"""Quality gates: tests compare exact fixture sentences and leads, so the gates are high."""

_BUILD: dict[str, Callable[[Path, Path, tuple[str, str], bool], float]] = {
    "marian": _build_marian,
    "bart": _build_bart,
}


def ensure_model(
    out_dir: Path,
    pairs_file: Path = DEFAULT_PAIRS,
    min_chrf: float | None = None,
    kind: str = "marian",
    languages: tuple[str, str] = ("de", "en"),
    reverse: bool = False,
) -> Path:
    """Build the model into out_dir unless an identical build is already there.

    Raises QualityGateError when the build misses `min_chrf`, and again without rebuilding for as
    long as the recipe is the same (a fixed recipe gives the same model). Concurrent callers (two
    test runs, a test run and `make run`) wait on one lock and the second finds the first's build.
    """
    min_chrf = MIN_CHRF[kind] if min_chrf is None else min_chrf
    wanted = recipe_of(pairs_file, kind, languages, reverse)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    failed = out_dir.parent / f".{out_dir.name}.failed"
    with (out_dir.parent / f".{out_dir.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamp(out_dir) == wanted:
            return out_dir
        if failed.is_file() and failed.read_text().startswith(wanted):  # deterministic: no retry
            raise QualityGateError(failed.read_text().partition("\n")[2].strip())
        for leftover in out_dir.parent.glob(f".{out_dir.name}-*"):  # from a build that was killed
            shutil.rmtree(leftover, ignore_errors=True)
        with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=f".{out_dir.name}-") as scratch:
            built = Path(scratch) / "model"
            chrf = _BUILD[kind](pairs_file, built, languages, reverse)
            if chrf < min_chrf:
                reason = (
                    f"{out_dir.name}: chrF {chrf:.1f} < {min_chrf} after its fixed recipe: "
                    f"the model did not learn {pairs_file.name}"
                )
                failed.write_text(f"{wanted}\n{reason}\n")
                raise QualityGateError(reason)
            (built / "recipe.txt").write_text(wanted + "\n")
            shutil.rmtree(out_dir, ignore_errors=True)
            built.rename(out_dir)
    return out_dir


def is_built(
    out_dir: Path,
    pairs_file: Path = DEFAULT_PAIRS,
    kind: str = "marian",
    languages: tuple[str, str] = ("de", "en"),
    reverse: bool = False,
) -> bool:
    """Whether out_dir holds a model built by the current recipe (cheap: no torch)."""
    return _stamp(out_dir) == recipe_of(pairs_file, kind, languages, reverse)


def recipe_of(
    pairs_file: Path = DEFAULT_PAIRS,
    kind: str = "marian",
    languages: tuple[str, str] = ("de", "en"),
    reverse: bool = False,
) -> str:
    """The recipe hash of a model as ensure_model's arguments describe it."""
    variant = "" if (languages, reverse) == (("de", "en"), False) else f"{'-'.join(languages)}:{reverse}"
    return recipe_hash(pairs_file, kind, variant)


def _stamp(out_dir: Path) -> str:
    stamp = out_dir / "recipe.txt"
    return stamp.read_text().strip() if stamp.is_file() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--kind", choices=sorted(_BUILD), default="marian")
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--min-chrf", type=float, help="quality gate (default: 97 marian, 95 bart)")
    parser.add_argument("--languages", default="de-en", help="source-target codes of the pair")
    parser.add_argument("--reverse", action="store_true", help="translate the fixture's second column")
    args = parser.parse_args()
    source, _, target = args.languages.partition("-")
    try:
        ensure_model(args.out_dir, args.pairs, args.min_chrf, args.kind, (source, target), args.reverse)
    except QualityGateError as error:
        sys.exit(f"error: {error}")
    print(args.out_dir)


if __name__ == "__main__":
    main()
