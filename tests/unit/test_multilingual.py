"""Several languages: detection, a model per pair, pivoting through English, other targets.

Three tiny real models: de->en and fr->en (each reproduces its fixture) and en->fr (the French
fixture the other way round), so de->fr has no direct model and goes through English.
"""

from __future__ import annotations

import json

from workbench.engines.registry import compose, pair_model, target_prefix
from workbench.ingest.language import detect_language
from workbench.records import Translation


def test_detection_on_short_and_mixed_text() -> None:
    assert detect_language("Der Kreml schweigt zu den Berichten über Soldaten.") == "de"
    assert detect_language("Le Kremlin refuse de commenter les informations.") == "fr"
    assert detect_language("Ja.", default="de") == "de"  # too short to tell: the article's language
    assert detect_language("Putin, Kursk", default="und") == "und"
    assert detect_language("Die Lage in Kursk", default="de") == "de"  # lingua alone says Swedish
    assert detect_language("Les soldats combattent à Koursk.", default="de") == "fr"  # clearly French
    mixed = "Der Sprecher sagte: the situation is under control, und ging."
    assert detect_language(mixed) in ("de", "en")


def test_pair_model_precedence_and_target_tokens(tmp_path) -> None:
    configured = {"fr-en": "/models/my-fr-en"}
    assert (
        pair_model("fr", "en", configured, "Helsinki-NLP/opus-mt-de-en", ("de", "en")) == "/models/my-fr-en"
    )
    assert pair_model("de", "en", configured, "Helsinki-NLP/opus-mt-de-en", ("de", "en")) == (
        "Helsinki-NLP/opus-mt-de-en"
    )
    assert pair_model("es", "en", {}, "x", ("de", "en")) == "Helsinki-NLP/opus-mt-es-en"
    (tmp_path / "vocab.json").write_text(json.dumps({">>fr<<": 5, ">>es<<": 6, "▁le": 7}))
    assert target_prefix(tmp_path, "fr") == ">>fr<<"
    assert target_prefix(tmp_path, "de") is None


def test_compose_chains_alignments_through_the_pivot() -> None:
    first = Translation("Russia attacks", ((0, 0), (1, 1)), -0.2, 3)
    second = Translation("la Russie attaque", ((0, 0), (0, 1), (1, 2)), -0.4, 4)
    pivot = compose(first, second)
    assert pivot.text == "la Russie attaque" and pivot.score == -0.4
    assert pivot.alignment == ((0, 0), (0, 1), (1, 2))
