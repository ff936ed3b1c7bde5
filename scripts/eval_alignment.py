"""Score the workbench's word alignment against gold alignments: AER, precision, recall.

    python scripts/eval_alignment.py MODEL GOLD [--pairs TSV] [--backend auto]
        [--lines held-out|guided|all] [--json]

MODEL is a model directory; GOLD a Pharaoh file (`i-j` sure, `i?j` possible), one line per line
of the parallel TSV beside it (`de_en_news.align` -> `de_en_news.tsv`, or --pairs). Each gold
target is aligned by forced decoding through the app's own translator, reading the attention the
app reads (workbench.toml's `[alignment]` is not consulted: the model's default, head 0 of the
last decoder layer). A model built by scripts/make_test_model.py records which gold lines its
guided-alignment training never saw: by default only those are scored (`--lines guided` scores
the others, `--lines all` every line; a model without that record is scored on every line).

--json prints {"aer", "precision", "recall", "pairs", "source", "other_heads_min_aer",
"other_heads"}: the last two score every other (layer, head) of the decoder through the
transformers backend, so the output shows whether the head read is the best one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file from any directory
    sys.path.insert(0, str(ROOT))

from workbench.engines.alignment_eval import LinkCounts, read_pharaoh, score_aligner  # noqa: E402
from workbench.engines.model_files import read_json  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.records import GUIDED_HEAD, AlignmentSource  # noqa: E402
from workbench.testing.tiny_marian import read_pairs  # noqa: E402


def scored_lines(model: Path, gold_size: int, which: str) -> list[int]:
    """The lines to score: held out of the model's guided training, guided, or all of them."""
    held_out = read_json(model / "training.json").get("alignment_held_out")
    if which == "all" or not held_out:
        return list(range(gold_size))
    if which == "held-out":
        return list(held_out)
    return [line for line in range(gold_size) if line not in set(held_out)]


def other_heads(model: Path, pairs, gold, lines: list[int]) -> dict[str, float]:
    """AER of every single (layer, head) but the one the workbench reads, via transformers."""
    from workbench.engines.marian import MarianTranslator

    config = read_json(model / "config.json")
    layers, heads = int(config["decoder_layers"]), int(config["decoder_attention_heads"])
    translator = MarianTranslator(model, beam_size=1)
    read = AlignmentSource(GUIDED_HEAD.layer % layers, GUIDED_HEAD.heads)
    scores = {}
    for layer in range(layers):
        for head in range(heads):
            if AlignmentSource(layer, (head,)) == read:
                continue
            translator.alignment = AlignmentSource(layer, (head,))
            scores[translator.alignment.label()] = score_aligner(translator.align, pairs, gold, lines).aer
    return scores


def report(counts: LinkCounts, lines: int, others: dict[str, float] | None) -> dict[str, object]:
    result: dict[str, object] = {
        "aer": round(counts.aer, 4),
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "pairs": lines,
        "source": GUIDED_HEAD.label(),
    }
    if others is not None:
        result["other_heads_min_aer"] = round(min(others.values()), 4)
        result["other_heads"] = {label: round(value, 4) for label, value in sorted(others.items())}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("model", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--pairs", type=Path, help="the parallel TSV (default: GOLD with .tsv)")
    parser.add_argument("--backend", default="auto", help="the translator backend (default: auto)")
    parser.add_argument(
        "--lines", choices=("held-out", "guided", "all"), default="held-out", help="which gold lines to score"
    )
    parser.add_argument("--json", action="store_true", help="print JSON with every other head's AER")
    args = parser.parse_args()
    try:
        from workbench.engines.translator import load_translator

        gold = read_pharaoh(args.gold)
        pairs = read_pairs(args.pairs or args.gold.with_suffix(".tsv"))
        if len(pairs) != len(gold):
            raise WorkbenchError(f"{args.gold}: {len(gold)} lines for {len(pairs)} pairs")
        lines = [line for line in scored_lines(args.model, len(gold), args.lines) if gold[line] is not None]
        with tempfile.TemporaryDirectory() as scratch:  # a CTranslate2 copy, only for this run
            translator = load_translator(
                args.model, args.backend, beam_size=1, converted_dir=Path(scratch) / "ct2"
            )
            counts = score_aligner(translator.align, pairs, gold, lines)
        others = other_heads(args.model, pairs, gold, lines) if args.json else None
    except (WorkbenchError, OSError, ValueError) as error:
        sys.exit(f"error: {error}")
    result = report(counts, len(lines), others)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['source']}: AER {counts.aer:.3f}, precision {counts.precision:.3f}, "
            f"recall {counts.recall:.3f} on {len(lines)} pairs"
        )


if __name__ == "__main__":
    main()
