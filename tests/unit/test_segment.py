"""Sentence splitting on German news: a table of tricky cases and a no-text-lost property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.ingest import segment
from workbench.ingest.segment import split_sentences

CASES = [
    # abbreviations
    ("Das ist z. B. ein Test. Und noch einer.", ["Das ist z. B. ein Test.", "Und noch einer."]),
    ("Dr. Müller kam nach Berlin. Er blieb.", ["Dr. Müller kam nach Berlin.", "Er blieb."]),
    ("Die Zahl stieg bzw. sank je nach Quelle. Gut.", ["Die Zahl stieg bzw. sank je nach Quelle.", "Gut."]),
    ("Es kamen u. a. Diplomaten. Dann Soldaten.", ["Es kamen u. a. Diplomaten.", "Dann Soldaten."]),
    ("Nr. 5 ist frei. Nr. 6 nicht.", ["Nr. 5 ist frei.", "Nr. 6 nicht."]),
    (
        "Prof. Dr. Schmidt sprach ca. 3 Std. lang. Danach war Schluss.",
        ["Prof. Dr. Schmidt sprach ca. 3 Std. lang.", "Danach war Schluss."],
    ),
    ("Die USA, d. h. Washington, reagierten. Gut so.", ["Die USA, d. h. Washington, reagierten.", "Gut so."]),
    ("Es kostet 3,5 Mio. Euro. Das ist teuer.", ["Es kostet 3,5 Mio. Euro.", "Das ist teuer."]),
    (
        "Die XY GmbH & Co. KG meldete Gewinne. Die Aktie stieg.",
        ["Die XY GmbH & Co. KG meldete Gewinne.", "Die Aktie stieg."],
    ),
    ("Siehe S. 12 ff. für Details. Danke.", ["Siehe S. 12 ff. für Details.", "Danke."]),
    ("Das sagte er (vgl. Abb. 3). Dann ging es los.", ["Das sagte er (vgl. Abb. 3).", "Dann ging es los."]),
    (
        "Laut Art. 5 des Vertrags gilt dies. Auch sonst.",
        ["Laut Art. 5 des Vertrags gilt dies.", "Auch sonst."],
    ),
    ("Er wohnt in der Hauptstr. 5 in Berlin. Schön.", ["Er wohnt in der Hauptstr. 5 in Berlin.", "Schön."]),
    ("Bis Jan. 2025 soll es fertig sein. Mal sehen.", ["Bis Jan. 2025 soll es fertig sein.", "Mal sehen."]),
    # dates and ordinals
    (
        "Er kam am 17. Oktober 2024 nach Brüssel. Er blieb.",
        ["Er kam am 17. Oktober 2024 nach Brüssel.", "Er blieb."],
    ),
    (
        "Die Truppen kamen im August. Dann zogen sie ab.",
        ["Die Truppen kamen im August.", "Dann zogen sie ab."],
    ),
    ("Am 1. Mai ist Feiertag. Am 3. Oktober auch.", ["Am 1. Mai ist Feiertag.", "Am 3. Oktober auch."]),
    ("Er wurde 2. Sieger. Der 3. Platz ging an Anna.", ["Er wurde 2. Sieger.", "Der 3. Platz ging an Anna."]),
    (
        "Das geschah im 20. Jahrhundert. Heute nicht mehr.",
        ["Das geschah im 20. Jahrhundert.", "Heute nicht mehr."],
    ),
    ("Am 100. Tag sprach er. Dann nicht mehr.", ["Am 100. Tag sprach er.", "Dann nicht mehr."]),
    ("Die Temperatur stieg auf 20. Dann fiel sie.", ["Die Temperatur stieg auf 20.", "Dann fiel sie."]),
    ("Er kam um 14.30 Uhr an. Sie um 15 Uhr.", ["Er kam um 14.30 Uhr an.", "Sie um 15 Uhr."]),
    # numbers
    (
        "11.000 Soldaten seien in Kursk. Es gab Verluste.",
        ["11.000 Soldaten seien in Kursk.", "Es gab Verluste."],
    ),
    (
        "Nordkorea unterhält rund 1,28 Millionen Soldaten. Das ist viel.",
        ["Nordkorea unterhält rund 1,28 Millionen Soldaten.", "Das ist viel."],
    ),
    ("Mehr als 6.500 Medien. 86.000 Redakteure.", ["Mehr als 6.500 Medien.", "86.000 Redakteure."]),
    # quotes
    (
        "„Wir wissen von 10.000 Soldaten“, sagte er. Dann ging er.",
        ["„Wir wissen von 10.000 Soldaten“, sagte er.", "Dann ging er."],
    ),
    ("Er sagte: «Das ist gut.» Danach schwieg er.", ["Er sagte: «Das ist gut.»", "Danach schwieg er."]),
    (
        '"Einige haben teilgenommen. Es gab Verluste", sagte Selenskyj.',
        ['"Einige haben teilgenommen. Es gab Verluste", sagte Selenskyj.'],
    ),
    (
        "Der Kremlchef gratulierte zum «Sieg». Das Abenteuer sei gescheitert.",
        ["Der Kremlchef gratulierte zum «Sieg».", "Das Abenteuer sei gescheitert."],
    ),
    # other punctuation
    (
        "Wie geht es weiter? Niemand weiß es! Doch wir hoffen.",
        ["Wie geht es weiter?", "Niemand weiß es!", "Doch wir hoffen."],
    ),
    ("Das U.S.-Militär reagierte. Punkt.", ["Das U.S.-Militär reagierte.", "Punkt."]),
    ("Ein Satz ohne Punkt am Ende", ["Ein Satz ohne Punkt am Ende"]),
    (
        "Siehe https://www.seaprwire.com/ für mehr. Danke.",
        ["Siehe https://www.seaprwire.com/ für mehr.", "Danke."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_german_news_sentences(text: str, expected: list[str]) -> None:
    assert [s.strip() for s in split_sentences(text, "de")] == expected


@pytest.mark.parametrize("rule", ["_join_ordinals", "_split_before_numbers"])
def test_each_project_rule_is_needed_by_the_table(monkeypatch, rule) -> None:
    """Without either of the two German news rules some cases split wrongly: the table tests both."""
    monkeypatch.setattr(segment, rule, lambda value: value if rule == "_join_ordinals" else [value])
    wrong = [text for text, expected in CASES if [s.strip() for s in split_sentences(text, "de")] != expected]
    assert wrong, f"no case in the table needs {rule}"


_WORDS = st.sampled_from(
    [
        "Der",
        "Kreml",
        "z. B.",
        "am",
        "17.",
        "Oktober",
        "11.000",
        "„Wir",
        "sagte",
        "er.",
        "Dr.",
        "1,28",
        "Soldaten",
        "«Sieg».",
        "Dann",
        "?",
        "!",
        "…",
        "  ",
        "\t",
    ]
)


@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_joining_segments_restores_the_paragraph(text: str) -> None:
    assert "".join(split_sentences(text, "de")) == text


@given(st.text(max_size=200))
def test_no_text_lost_on_arbitrary_input(text: str) -> None:
    assert "".join(split_sentences(text, "de")) == text
