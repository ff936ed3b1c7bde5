"""Several languages: detection, a model per pair, pivoting through English, other targets.

Three tiny real models: de->en and fr->en (each reproduces its fixture) and en->fr (the French
fixture the other way round), so de->fr has no direct model and goes through English.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT
from workbench.engines.model_files import ModelError
from workbench.errors import WorkbenchError
from workbench.export.files import output_stem
from workbench.records import BlockKind, Status
from workbench.service import Workbench
from workbench.settings import load_workspace

FIXTURES = ROOT / "tests" / "fixtures"
WORKBENCH = Path(sys.executable).parent / "workbench"


def _read(name: str) -> list[tuple[str, str]]:
    rows = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [tuple(row.split("\t")) for row in rows if row.strip()]


DE_EN = dict(_read("de_en_news.tsv"))
FR_EN = dict(_read("fr_en_news.tsv"))
EN_FR = {english: french for french, english in FR_EN.items()}
# German sentences whose English the French fixture also has: de->en->fr lands on known French
GERMAN = [de for de, en in DE_EN.items() if en in EN_FR][:12]
FRENCH = list(FR_EN)[12:24]


def _article(folder: Path, name: str, title: str, sentences: list[str], extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    path = folder / name
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + ("\n\n" + extra if extra else "") + "\n")
    return path


@pytest.fixture
def workspace(tmp_path, tiny_model, tiny_fr_en, tiny_en_fr):
    """A workspace whose workbench.toml names the fr-en and en-fr models; de-en is --model."""

    def open_bench(target: str = "en", **flags) -> Workbench:
        path = tmp_path / "W"
        path.mkdir(exist_ok=True)
        (path / "workbench.toml").write_text(
            f'target_language = "{target}"\n[models]\n"fr-en" = "{tiny_fr_en}"\n"en-fr" = "{tiny_en_fr}"\n'
        )
        flags = {"model": str(tiny_model), "models_dir": str(tmp_path / "models"), "offline": True, **flags}
        return Workbench(load_workspace(str(path), flags, env={}))

    return open_bench


def _body(bench: Workbench, article_id: int, target: str | None = None):
    return [s for s in bench.segments(article_id, target) if s.kind is BlockKind.BODY and not s.is_title]


def test_a_mixed_folder_goes_to_each_languages_model(workspace, tmp_path) -> None:
    folder = tmp_path / "in"
    _article(folder, "de.txt", "Die Lage in Kursk", GERMAN)
    _article(folder, "fr.txt", "La situation en Europe", FRENCH)
    _article(folder, "en.txt", "The situation in Europe", [FR_EN[f] for f in FRENCH[:6]])
    with workspace() as bench:
        results = {Path(r.path).stem: r.article_id for r in bench.import_paths([folder])}
        assert {a.language for a in bench.articles()} == {"de", "fr", "en"}
        reports = {stem: bench.translate_article(i) for stem, i in results.items()}
        assert reports["en"].segments == 0  # already in the target language
        for stem, expected in (("de", DE_EN), ("fr", FR_EN)):
            body = _body(bench, results[stem])
            assert body and all(s.status is Status.MT for s in body)
            exact = sum(s.target == expected[s.source] for s in body)
            assert exact >= len(body) - 1, stem
        english = _body(bench, results["en"])  # already in the target language: its own translation
        assert english and all((s.status, s.target) == (Status.MT, s.source) for s in english)


def test_a_french_quote_in_a_german_article_uses_the_french_model(workspace, tmp_path) -> None:
    quote = " ".join(FRENCH[:3])
    path = _article(tmp_path / "in", "mixed.txt", "Die Lage in Kursk", GERMAN[:8], extra=quote)
    with workspace() as bench:
        (result,) = bench.import_paths([path])
        bench.translate_article(result.article_id)
        quoted = [s for s in _body(bench, result.article_id) if s.language == "fr"]
        assert [s.target for s in quoted] == [FR_EN[f] for f in FRENCH[:3]]


def test_no_direct_model_pivots_through_english(workspace, tmp_path) -> None:
    path = _article(tmp_path / "in", "de.txt", "Die Lage in Kursk", GERMAN)
    with workspace(target="fr") as bench:
        (result,) = bench.import_paths([path])
        report = bench.translate_article(result.article_id)
        body = _body(bench, result.article_id)
        assert report.pivoted == len(body) + 1 and "through English" in report.line()  # and the title
        assert all(s.pivoted and s.status is Status.MT for s in body)
        exact = sum(s.target == EN_FR[DE_EN[s.source]] for s in body)
        assert exact >= len(body) - 2
        assert all(s.alignment for s in body)  # chained through the English words
        assert all(
            t < len(s.target.split()) and w < len(s.source.split()) for s in body for w, t in s.alignment
        )
        # both legs are cached: the English of the first leg serves an English target too
        route = bench.route("de", "fr")
        assert set(bench.store.cached_translations(route.steps[0].key, [s.source for s in body])) == {
            s.source for s in body
        }


def test_another_target_is_machine_only_and_leaves_reviewed_work_alone(
    workspace, tmp_path, tiny_model
) -> None:
    path = _article(tmp_path / "in", "de.txt", "Die Lage in Kursk", GERMAN)
    with workspace() as bench:
        (result,) = bench.import_paths([path])
        bench.translate_article(result.article_id)
        first = _body(bench, result.article_id)[0]
        bench.edit_segment(first.id, "A reviewer's English.")
        bench.translate_article(result.article_id, target="fr")
        french = _body(bench, result.article_id, "fr")
        assert french[0].target == EN_FR[DE_EN[first.source]]  # machine French, not the English edit
        assert all(s.status is Status.MT for s in french)
        english = _body(bench, result.article_id)
        assert (english[0].status, english[0].target) == (Status.EDITED, "A reviewer's English.")
        summary = bench.summarize(result.article_id, target="fr", mode="extractive")
        assert summary.language == "fr" and {s.text for s in summary.sentences} <= {s.target for s in french}
    with (
        pytest.raises(WorkbenchError, match="holds reviewed en translations"),
        workspace(target="fr") as other,
    ):
        other.translate_article(result.article_id)


def test_translate_to_writes_outputs_in_that_language(workspace, tmp_path, tiny_model) -> None:
    path = _article(tmp_path / "in", "de.txt", "Die Lage in Kursk", GERMAN)
    workspace().close()  # writes workbench.toml
    out = tmp_path / "out"
    flags = [
        "-w",
        str(tmp_path / "W"),
        "--model",
        str(tiny_model),
        "--offline",
        "--models-dir",
        str(tmp_path / "models"),
    ]
    result = subprocess.run(
        [str(WORKBENCH), *flags, "translate", str(path), "--to", "fr", "--out", str(out), "--format", "jsonl,tmx"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "through English" in result.stdout
    rows = [
        json.loads(line) for line in (out / f"{output_stem(str(path), '')}.jsonl").read_text().splitlines()
    ]
    translated = [r for r in rows if r.get("target")]
    assert translated
    assert sum(r["target"] in EN_FR.values() for r in translated) >= len(translated) - 2
    assert 'xml:lang="fr"' in (out / f"{output_stem(str(path), '')}.tmx").read_text()


def test_a_language_without_a_model(workspace, tmp_path) -> None:
    spanish = "El gobierno anunció nuevas medidas económicas para el próximo año en Madrid."
    path = _article(tmp_path / "in", "mixed.txt", "Die Lage in Kursk", GERMAN[:8], extra=spanish)
    alone = _article(tmp_path / "in", "es.txt", "Noticias de Madrid", [spanish] * 2)
    with workspace() as bench:
        (mixed, only) = bench.import_paths([path, alone])
        report = bench.translate_article(mixed.article_id)
        assert report.no_model == {"es": 1} and "1 in es left: no model" in report.line()
        with pytest.raises(ModelError, match="workbench models pull Helsinki-NLP/opus-mt-es-en"):
            bench.translate_article(only.article_id)


def test_target_prefix_reaches_the_model(tiny_model) -> None:
    from workbench.engines.marian import MarianTranslator

    plain = MarianTranslator(tiny_model)
    prefixed = MarianTranslator(tiny_model, target_prefix="</s>")  # any token the vocabulary has
    assert prefixed.with_prefix("Der Kreml schweigt.") == "</s> Der Kreml schweigt."
    assert prefixed.max_source_tokens == plain.max_source_tokens - 1
    (result,) = prefixed.translate(["Der Kreml schweigt."])
    assert all(s < 3 for s, _ in result.alignment)  # the prefix token is never a source word


def test_models_list_shows_pairs_and_pull_takes_pairs(tmp_path, tiny_fr_en) -> None:
    models = tmp_path / "models"
    (models / "fr-en").parent.mkdir(parents=True)
    import shutil

    shutil.copytree(tiny_fr_en, models / "tiny-fr-en")
    listing = subprocess.run(
        [str(WORKBENCH), "--models-dir", str(models), "models", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "fr-en" in listing.stdout and "tiny-fr-en" in listing.stdout
    pull = subprocess.run(
        [str(WORKBENCH), "--models-dir", str(models), "models", "pull", "es-en"],
        capture_output=True, text=True, timeout=120, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert pull.returncode == 1 and "Helsinki-NLP/opus-mt-es-en" in pull.stderr
