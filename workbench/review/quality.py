"""Quality flags: the reasons a translated segment should be looked at before the others.

Each check reads only the source, the translation and its score, so the same flags serve the
TUI, `workbench review` and the statistics.
"""

from __future__ import annotations

import re

from workbench.records import BlockKind, Flag, Segment, Status

LOW_SCORE = -1.5
"""Mean log-probability per token below which a translation is marked for a second look."""
LENGTH_RATIO = (0.5, 2.0)
"""Acceptable target/source length in characters (German to English runs about 0.9-1.1)."""
MIN_LENGTH_CHECKED = 20
"""Sources shorter than this (datelines, names) vary too much in length to judge."""

_NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d+)*")
_GROUPED = re.compile(r"\d{1,3}(?:([.,\u202f\u00a0 ])\d{3})+")


def number_readings(token: str) -> set[float]:
    """Every value a written number can mean in German or English.

    "11.000" is eleven thousand in German and eleven in English; "3,5" is three and a half in
    German. Matching by any shared reading accepts the conventions of both languages while
    "12.000" against "10,000" still differs.
    """
    readings: set[float] = set()
    if _GROUPED.fullmatch(token):
        readings.add(float(re.sub(r"[.,\u202f\u00a0 ]", "", token)))
    parts = re.split(r"[.,]", token)
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        readings.add(float(f"{parts[0]}.{parts[1]}"))
    if token.isdigit():
        readings.add(float(token))
    return readings


def numbers_differ(source: str, target: str) -> list[str]:
    """Numbers without a counterpart on the other side: source ones as written, target ones with "+".

    Each number answers for one number on the other side.
    """
    remaining = [(match.group().strip(), readings) for match, readings in _numbers(target)]
    missing = []
    for match, readings in _numbers(source):
        partner = next((i for i, (_, other) in enumerate(remaining) if readings & other), None)
        if partner is None:
            missing.append(match.group().strip())
        else:
            remaining.pop(partner)
    return missing + [f"+{text}" for text, _ in remaining]


def _numbers(text: str) -> list[tuple[re.Match[str], set[float]]]:
    return [(match, number_readings(match.group().strip())) for match in _NUMBER.finditer(text)]


def repeated_ngram(text: str, max_n: int = 4) -> str | None:
    """A word n-gram repeated back to back (three times, or four for single words): a decoding loop."""
    words = text.lower().split()
    for n in range(1, max_n + 1):
        needed = 4 if n == 1 else 3
        for start in range(len(words) - n * needed + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(needed)):
                return " ".join(gram)
    return None


def unusual_repetition(source: str, target: str) -> str | None:
    """A back-to-back repeat in the target that the source does not have."""
    repeated = repeated_ngram(target)
    if repeated is None or repeated_ngram(source):
        return None
    return repeated


def quality_flags(source: str, target: str | None, score: float | None) -> tuple[Flag, ...]:
    """The flags of one translated segment, most telling first; none for an untranslated one."""
    if not target:
        return ()
    flags = []
    if missing := numbers_differ(source, target):
        flags.append(Flag("numbers", f"numbers differ from the source: {', '.join(missing)}"))
    if repeated := unusual_repetition(source, target):
        flags.append(Flag("repeat", f"repeats '{repeated}'"))
    if score is not None and score < LOW_SCORE:
        flags.append(Flag("low-score", f"low model confidence ({score:.2f})"))
    if len(source) >= MIN_LENGTH_CHECKED:
        ratio = len(target) / len(source)
        if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
            flags.append(Flag("length", f"length ratio {ratio:.2f} to the source"))
    return tuple(flags)


def segment_flags(segment: Segment) -> tuple[Flag, ...]:
    """A segment's flags. The model's confidence speaks for machine output only: a reviewer's
    text is unlikely under the model precisely where the reviewer corrected it."""
    if segment.kind is not BlockKind.BODY:
        return ()
    score = segment.score if segment.status is Status.MT else None
    return quality_flags(segment.source, segment.target, score)
