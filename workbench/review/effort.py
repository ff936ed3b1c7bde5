"""Post-editing effort and word diffs between a machine translation and its edited text.

HTER is TER (sacrebleu) of the machine output against the post-edited text as reference: the
share of words a reviewer had to insert, delete, substitute or shift. Character edit distance
is rapidfuzz's Levenshtein distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz.distance import Levenshtein

from workbench.records import Effort


@dataclass(frozen=True)
class DiffPart:
    """A run of words: "equal", "delete" (only in the machine output) or "insert" (only in the edit)."""

    op: str
    text: str


def word_diff(machine: str, edited: str) -> list[DiffPart]:
    """The word-level diff that turns the machine output into the edited text."""
    old, new = machine.split(), edited.split()
    parts: list[DiffPart] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(DiffPart("delete", " ".join(old[a1:a2])))
        if b2 > b1:
            parts.append(DiffPart("insert", " ".join(new[b1:b2])))
    return parts


def diff_markup(parts: list[DiffPart]) -> str:
    """A diff as plain text in wdiff's notation: [-deleted-] {+inserted+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[part.op].format(part.text) for part in parts)


def effort(pairs: list[tuple[str, str]]) -> Effort:
    """Post-editing effort over (machine output, edited text) pairs."""
    if not pairs:
        return Effort(0, 0, 0.0, 0)
    from sacrebleu.metrics import TER  # 50 ms to import: not on the TUI's start-up path

    machine = [m for m, _ in pairs]
    edited = [e for _, e in pairs]
    ter = TER().corpus_score(machine, [edited]).score
    return Effort(
        segments=len(pairs),
        changed=sum(m != e for m, e in pairs),
        hter=round(ter, 2),
        char_edits=sum(Levenshtein.distance(m, e) for m, e in pairs),
    )
