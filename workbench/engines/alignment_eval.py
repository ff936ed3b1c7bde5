"""Gold word alignments and the scores that compare a predicted alignment with them.

Gold files are in Pharaoh format, one line per sentence pair: `i-j` is a sure link and `i?j` a
possible one (Och & Ney 2003), with 0-based indices of whitespace-split source and target words;
an empty line means the pair has no gold alignment. Scores are summed over a corpus before the
ratio is taken (the standard AER definition), so long sentences weigh as much as their links.

Torch-free: the evaluation script and unit tests read gold files without loading a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.records import Translation

Link = tuple[int, int]  # (source word, target word), the order of records.WordPair
Links = set[Link]
GoldLine = tuple[Links, Links] | None  # (sure, possible) with possible ⊇ sure; None: not aligned

_LINK = re.compile(r"(\d+)([-?])(\d+)")


class AlignmentFileError(WorkbenchError):
    """A gold alignment file that is not in Pharaoh format."""


def parse_pharaoh(line: str, where: str = "<line>") -> GoldLine:
    """(sure, possible) links of one Pharaoh line; None for an empty line.

    Every sure link is also added to the possible set, so callers can rely on P ⊇ S.
    """
    sure: Links = set()
    possible: Links = set()
    for token in line.split():
        match = _LINK.fullmatch(token)
        if match is None:
            raise AlignmentFileError(f"{where}: {token!r} is not a link like 3-4 (sure) or 3?4 (possible)")
        link = (int(match[1]), int(match[3]))
        possible.add(link)
        if match[2] == "-":
            sure.add(link)
    return (sure, possible) if possible else None


def read_pharaoh(path: str | Path) -> list[GoldLine]:
    """Gold alignments of a Pharaoh file, one entry per line (None where a line is empty)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AlignmentFileError(f"{path}: cannot read gold alignments ({error.strerror})") from error
    return [parse_pharaoh(line, f"{path}:{number}") for number, line in enumerate(text.splitlines(), 1)]


@dataclass(frozen=True)
class LinkCounts:
    """The link counts AER, precision and recall are ratios of, summed over sentences."""

    predicted: int  # |A|
    sure: int  # |S|
    predicted_sure: int  # |A ∩ S|
    predicted_possible: int  # |A ∩ P|

    @classmethod
    def over(cls, sure: Sequence[Links], possible: Sequence[Links], predicted: Sequence[Links]) -> LinkCounts:
        """Counts over a corpus: one (sure, possible, predicted) set per sentence."""
        if not len(sure) == len(possible) == len(predicted):
            raise ValueError(
                f"sentence counts differ: {len(sure)} sure, {len(possible)} possible, "
                f"{len(predicted)} predicted"
            )
        rows = list(zip(sure, possible, predicted, strict=True))
        return cls(
            predicted=sum(len(a) for _, _, a in rows),
            sure=sum(len(s) for s, _, _ in rows),
            predicted_sure=sum(len(a & s) for s, _, a in rows),
            predicted_possible=sum(len(a & (p | s)) for s, p, a in rows),
        )

    @property
    def aer(self) -> float:
        """Alignment error rate: 1 - (|A∩S| + |A∩P|) / (|A| + |S|); 0 is perfect."""
        return 1.0 - (self.predicted_sure + self.predicted_possible) / _nonzero(
            self.predicted + self.sure, "links"
        )

    @property
    def precision(self) -> float:
        """Share of predicted links that are at least possible: |A∩P| / |A|."""
        return self.predicted_possible / _nonzero(self.predicted, "predicted links")

    @property
    def recall(self) -> float:
        """Share of sure links that were predicted: |A∩S| / |S|."""
        return self.predicted_sure / _nonzero(self.sure, "sure links")


def _nonzero(denominator: int, what: str) -> int:
    """The denominator, or an error: a score over no links is a caller's mistake, not a 0 or a 1."""
    if denominator == 0:
        raise ValueError(f"no {what} to score")
    return denominator


def aer(sure: Sequence[Links], possible: Sequence[Links], predicted: Sequence[Links]) -> float:
    """Corpus alignment error rate (Och & Ney 2003) of per-sentence link sets."""
    return LinkCounts.over(sure, possible, predicted).aer


def precision(sure: Sequence[Links], possible: Sequence[Links], predicted: Sequence[Links]) -> float:
    """Corpus precision of predicted links against the possible links."""
    return LinkCounts.over(sure, possible, predicted).precision


def recall(sure: Sequence[Links], possible: Sequence[Links], predicted: Sequence[Links]) -> float:
    """Corpus recall of the sure links."""
    return LinkCounts.over(sure, possible, predicted).recall


Aligner = Callable[[Sequence[tuple[str, str]]], Sequence[Translation | None]]
"""A translator's forced-decoding alignment (`Translator.align`): what the app computes."""


def score_aligner(
    align: Aligner, pairs: Sequence[tuple[str, str]], gold: Sequence[GoldLine], lines: Sequence[int]
) -> LinkCounts:
    """Align the gold target of each chosen line by forced decoding and count links against gold.

    The source text and the gold target are both given, so the score measures the alignment
    alone, not the translation. A line the aligner cannot take counts as no links predicted.
    """
    chosen = [line for line in lines if gold[line] is not None]
    results = align([pairs[line] for line in chosen])
    sure, possible, predicted = [], [], []
    for line, result in zip(chosen, results, strict=True):
        gold_line = gold[line]
        assert gold_line is not None
        sure.append(gold_line[0])
        possible.append(gold_line[1])
        predicted.append(set(result.alignment) if result else set())
    return LinkCounts.over(sure, possible, predicted)
