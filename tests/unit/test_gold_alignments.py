"""The hand-written gold alignments of the tiny model's fixture, their reader, and AER scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.engines.alignment_eval import (
    AlignmentFileError,
    LinkCounts,
    aer,
    parse_pharaoh,
    precision,
    read_pharaoh,
    recall,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAIRS = FIXTURES / "de_en_news.tsv"
GOLD = FIXTURES / "de_en_news.align"


def fixture_pairs() -> list[tuple[list[str], list[str]]]:
    """(source words, target words) of each fixture line, split as the gold indices count them."""
    lines = PAIRS.read_text(encoding="utf-8").splitlines()
    return [tuple(side.split() for side in line.split("\t")) for line in lines]


@pytest.fixture(scope="module")
def gold():
    return read_pharaoh(GOLD)


def aligned(gold):
    """(line number, source words, target words, sure, possible) of each gold-aligned pair."""
    for number, (pair, links) in enumerate(zip(fixture_pairs(), gold, strict=True), 1):
        if links is not None:
            yield number, *pair, *links


def test_one_gold_line_per_fixture_pair(gold):
    assert len(gold) == len(fixture_pairs()) == 123


def test_at_least_80_pairs_aligned(gold):
    assert sum(links is not None for links in gold) >= 80


def test_links_index_words_of_their_pair(gold):
    for number, source, target, sure, possible in aligned(gold):
        assert sure <= possible, number
        for i, j in possible:
            assert i < len(source) and j < len(target), f"line {number}: {i}-{j} out of range"


def test_aligned_pairs_cover_their_source_words(gold):
    for number, source, _target, sure, possible in aligned(gold):
        linked = {i for i, _ in possible}
        assert len(linked) * 2 >= len(source), f"line {number}: only {sorted(linked)} of {source} linked"
        assert sure, f"line {number} has no sure link"


def test_separable_verb_links_both_parts_to_the_english_verb(gold):
    # "Russland lehnt Kommentar zu nordkoreanischen Soldaten ab" / "Russia declines to comment on ..."
    sure, _ = gold[0]
    assert {(1, 1), (6, 1)} <= sure


def test_parse_sure_and_possible_links():
    sure, possible = parse_pharaoh("0-0 2?1 1-2\n")
    assert sure == {(0, 0), (1, 2)}
    assert possible == {(0, 0), (1, 2), (2, 1)}
    assert parse_pharaoh("   ") is None


def test_malformed_link_names_file_and_line(tmp_path):
    path = tmp_path / "bad.align"
    path.write_text("0-0\n1:2\n", encoding="utf-8")
    with pytest.raises(AlignmentFileError, match=r"bad\.align:2: '1:2'"):
        read_pharaoh(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(AlignmentFileError, match=r"missing\.align"):
        read_pharaoh(tmp_path / "missing.align")


# Two sentences, scored by hand:
#   1: S={0-0, 1-1}, P=S+{2-1}, A={0-0, 2-1, 2-2}: |A∩S|=1, |A∩P|=2, |A|=3, |S|=2 -> AER 1-3/5 = 0.4
#   2: S=P={0-0}, A={0-0}: AER 0
# Corpus: |A∩S|=2, |A∩P|=3, |A|=4, |S|=3 -> AER 1-5/7 = 2/7 (the mean of the two ratios would be 0.2),
# precision |A∩P|/|A| = 3/4, recall |A∩S|/|S| = 2/3.
SURE = [{(0, 0), (1, 1)}, {(0, 0)}]
POSSIBLE = [{(0, 0), (1, 1), (2, 1)}, {(0, 0)}]
PREDICTED = [{(0, 0), (2, 1), (2, 2)}, {(0, 0)}]


def test_scores_of_one_sentence():
    assert aer(SURE[:1], POSSIBLE[:1], PREDICTED[:1]) == pytest.approx(0.4)
    assert precision(SURE[:1], POSSIBLE[:1], PREDICTED[:1]) == pytest.approx(2 / 3)
    assert recall(SURE[:1], POSSIBLE[:1], PREDICTED[:1]) == pytest.approx(1 / 2)


def test_scores_sum_counts_over_the_corpus():
    assert LinkCounts.over(SURE, POSSIBLE, PREDICTED) == LinkCounts(4, 3, 2, 3)
    assert aer(SURE, POSSIBLE, PREDICTED) == pytest.approx(2 / 7)
    assert precision(SURE, POSSIBLE, PREDICTED) == pytest.approx(3 / 4)
    assert recall(SURE, POSSIBLE, PREDICTED) == pytest.approx(2 / 3)


def test_sure_links_count_as_possible_even_if_left_out_of_p():
    assert aer([{(0, 0)}], [set()], [{(0, 0)}]) == 0.0


def test_gold_scores_itself_perfectly(gold):
    rows = [(s, p) for _n, _src, _tgt, s, p in aligned(gold)]
    sure, possible = [s for s, _ in rows], [p for _, p in rows]
    assert aer(sure, possible, sure) == 0.0
    assert recall(sure, possible, possible) == 1.0


def test_mismatched_corpora_and_empty_scores_are_errors():
    with pytest.raises(ValueError, match="sentence counts differ"):
        aer(SURE, POSSIBLE, PREDICTED[:1])
    with pytest.raises(ValueError, match="no predicted links"):
        precision([{(0, 0)}], [{(0, 0)}], [set()])
