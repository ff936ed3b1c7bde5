"""The review workflow over a real workspace: states, history, memory, alignment, flags, effort."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.records import BlockKind, Segment, Status
from workbench.review.effort import diff_markup, effort, word_diff
from workbench.review.quality import LOW_SCORE, numbers_differ, quality_flags, repeated_ngram, segment_flags


@pytest.mark.parametrize(
    ("source", "target", "missing"),
    [
        ("11.000 Soldaten", "11,000 soldiers", []),
        ("11.000 Soldaten", "11.000 soldiers", []),
        ("12.000 Soldaten", "10,000 soldiers", ["12.000", "+10,000"]),
        ("Die Inflation lag bei 3,5 Prozent.", "Inflation was 3.5 percent.", []),
        ("Die Inflation lag bei 3,5 Prozent.", "Inflation was 35 percent.", ["3,5", "+35"]),
        ("Am 3. März 2024 kamen 20 Menschen.", "On 3 March 2024, 20 people came.", []),
        ("Am 3. März kamen 20 Menschen.", "On March 3, people came.", ["20"]),
        ("2 und 2 Soldaten", "2 soldiers", ["2"]),  # each target number answers one source number
        ("Viele Soldaten", "11,000 soldiers", ["+11,000"]),  # a number the source does not have
        ("1,5 Millionen", "1.5 million", []),
    ],
)
def test_number_check(source: str, target: str, missing: list[str]) -> None:
    assert numbers_differ(source, target) == missing


def test_repeats_and_other_flags() -> None:
    assert repeated_ngram("in the city in the city in the city") == "in the city"
    assert repeated_ngram("no no no no") == "no"
    assert repeated_ngram("It was a very, very long day.") is None
    source = "Die Regierung hat am Montag neue Regeln beschlossen."
    codes = lambda target, score=-0.2: [f.code for f in quality_flags(source, target, score)]  # noqa: E731
    assert codes("The government adopted new rules on Monday.") == []
    assert codes("The government the government the government rules.") == ["repeat"]
    assert codes("The government adopted new rules on Monday.", score=-2.5) == ["low-score"]
    assert codes("Rules.") == ["length"]
    assert quality_flags(source, None, None) == ()


def test_ter_and_character_edits_on_hand_checked_examples() -> None:
    # one substitution over 7 reference words
    assert effort([("The cat sat on the mat .", "The cat sat on a mat .")]).hter == 14.29
    # one shift over 6 words
    assert effort([("on the mat the cat sat", "the cat sat on the mat")]).hter == 16.67
    # corpus level: an insertion and a substitution over 14 reference words
    both = effort(
        [
            ("He said it was fine .", "He said that it was fine ."),
            ("The cat sat on the mat .", "The cat sat on a mat ."),
        ]
    )
    assert (both.segments, both.changed, both.hter, both.char_edits) == (2, 2, 14.29, 5 + 3)
    assert effort([("Same.", "Same.")]).hter == 0.0
    diff = word_diff("The cat sat on the mat .", "The black cat sat on a mat .")
    assert diff_markup(diff) == "The {+black+} cat sat on [-the-] {+a+} mat ."


def test_model_confidence_flags_machine_output_only() -> None:
    """The row marks of the TUI come from segment_flags: a low score flags MT, never a reviewer's text."""
    source = "Die Regierung hat am Montag neue Regeln beschlossen."
    machine = Segment(
        1, 1, 0, 0, source, BlockKind.BODY, "", "de", False, Status.MT,
        "The government adopted new rules on Monday.", score=LOW_SCORE - 0.5,
    )  # fmt: skip
    assert [f.code for f in segment_flags(machine)] == ["low-score"]
    assert segment_flags(replace(machine, score=LOW_SCORE + 0.5)) == ()
    assert segment_flags(replace(machine, status=Status.EDITED)) == ()
    assert segment_flags(replace(machine, kind=BlockKind.BOILERPLATE)) == ()
