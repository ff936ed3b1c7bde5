"""`workbench adapt`: the tiny model learns a house spelling from reviewers' approvals.

Reviewers correct "Zelensky" to "Zelenskyy" in sentences naming Selenskyj and approve them; the
adapted model must then write "Zelenskyy" for those sentences and for a fixture sentence with
the name that it never saw corrected, while the fixture's other sentences keep chrF >= 90 (the
rest of the fixture is replayed against forgetting). Training is seeded and runs on one thread
(the fastest on a busy machine). It is not bit-reproducible across machines, so the checks are
what any run past the quality gate gives: sentences the model was trained on come out as
approved, and the new spelling (not the exact wording) in the sentence it never saw corrected;
sixteen distinct approved sentences with the name make the spelling a rule the model learns
rather than a handful of memorised sentences.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sacrebleu.metrics import CHRF

from tests.paths import FIXTURES
from tests.tiny_models import DE_EN_PAIRS
from workbench.cli import main
from workbench.engines.model_files import list_models
from workbench.service.adaptation import ADAPTED_DIR, METADATA_FILE, AdaptOptions
from workbench.settings import TOML_NAME, load_workspace
from workbench.testing.tiny_marian import read_pairs

HELD_OUT = "Der ukrainische Präsident Wolodymyr Selenskyj hält eine Pressekonferenz in Brüssel."
"""A fixture sentence naming Selenskyj that no reviewer corrected: the spelling must carry over."""
NEW_SENTENCES = {
    # New articles' sentences, written from the fixture's vocabulary; the reviewer translated them.
    "Selenskyj sprach am Freitag in Moskau.": "Zelenskyy spoke in Moscow on Friday.",
    "Selenskyj wollte sich nicht äußern.": "Zelenskyy did not want to comment.",
    "Selenskyj kündigte eine Untersuchung an.": "Zelenskyy announced an investigation.",
    "Das Abenteuer Kiews sei gescheitert, sagte Selenskyj.": "Kyiv's adventure has failed, Zelenskyy said.",
    "Selenskyj zeigte sich besorgt.": "Zelenskyy expressed concern.",
    "Präsident Selenskyj traf den Bundeskanzler in Berlin.": (
        "President Zelenskyy met the Federal Chancellor in Berlin."
    ),
    "Der ukrainische Präsident Selenskyj zeigte sich besorgt.": (
        "Ukrainian President Zelenskyy expressed concern."
    ),
    "Selenskyj reagierte am Montag.": "Zelenskyy reacted on Monday.",
    "Die Opposition fordert Selenskyjs Rücktritt.": "The opposition is demanding Zelenskyy's resignation.",
    "Eine Bestätigung von Selenskyj gab es zunächst nicht.": (
        "There was initially no confirmation from Zelenskyy."
    ),
    "Selenskyj legte einen Bericht vor.": "Zelenskyy presented a report.",
    "Selenskyj warnt vor Betrug im Internet.": "Zelenskyy warns of fraud on the internet.",
    "Selenskyj will die Steuern senken.": "Zelenskyy wants to cut taxes.",
    "Selenskyj und der Minister unterzeichneten ein Abkommen.": (
        "Zelenskyy and the minister signed an agreement."
    ),
    "Es gibt eine Reaktion von Selenskyj.": "There is a reaction from Zelenskyy.",
    "Nach Angaben von Selenskyj seien die Truppen in Kursk.": (
        "According to Zelenskyy, the troops are in Kursk."
    ),
}
TRAINING = ("--learning-rate", "1e-3", "--epochs", "30", "--patience", "30", "--seed", "0", "--threads", "1")
"""The tiny model needs a far higher learning rate than the 5e-5 default for real models (and,
with its embedding frozen as by default, 1e-3 rather than 5e-4)."""


def _spelled(text: str) -> bool:
    """The house spelling, and not the old one."""
    return "Zelenskyy" in text and not re.search(r"Zelensky\b", text)


def _named(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(source, target) for source, target in pairs if "Selenskyj" in source]


def _approve(bench, tmp_path: Path, corrections: dict[str, str], title: str = "Selenskyj") -> None:
    """Import the sources as an article, then edit and approve each segment as a reviewer would."""
    article = tmp_path / "in" / f"{title}.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(f"{title}\n\n" + "\n\n".join(corrections) + "\n", encoding="utf-8")
    (result,) = bench.import_paths([article])
    segments = {s.source: s for s in bench.segments(result.article_id)}
    for source, target in corrections.items():
        bench.edit_segment(segments[source].id, target)
        bench.approve_segment(segments[source].id)


@pytest.fixture
def replay(tmp_path: Path, pairs) -> Path:
    """The fixture without the sentences naming Selenskyj: generic data against forgetting."""
    path = tmp_path / "replay.tsv"
    path.write_text("".join(f"{s}\t{t}\n" for s, t in pairs if "Selenskyj" not in s), encoding="utf-8")
    return path


def _cli(bench, *args: str) -> int:
    workspace = bench.workspace
    return main(
        ["-w", str(workspace.path), "--model", workspace.settings.model, "--models-dir",
         workspace.settings.models_dir, *args]
    )  # fmt: skip


def test_adapted_model_learns_the_house_spelling(make_bench, tmp_path, pairs, replay, capsys) -> None:
    from workbench.engines.marian import MarianTranslator

    bench = make_bench(reviewer="ana", backend="transformers")
    corrected = {s: t.replace("Zelensky", "Zelenskyy") for s, t in _named(pairs)}
    _approve(bench, tmp_path, {s: t for s, t in corrected.items() if s != HELD_OUT} | NEW_SENTENCES)
    memory = len(NEW_SENTENCES) + 2
    assert len(bench.adaptation_pairs()) == memory

    assert _cli(bench, "adapt", "--replay", str(replay), "--use", *TRAINING) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    (adapted,) = (tmp_path / "models" / ADAPTED_DIR).iterdir()
    assert last.startswith(f"adapted model: {adapted} (chrF ") and last.endswith(" on 2 held-out pairs)")
    meta = json.loads((adapted / METADATA_FILE).read_text(encoding="utf-8"))
    validation = set(meta["pairs"]["held_out_sources"])  # approved, but kept out of training

    # Sentences the model was trained on come out as the reviewers approved them; in the fixture
    # sentence no reviewer corrected, the name is spelled the new way too. The rest is kept.
    translator = MarianTranslator(adapted)
    approved = corrected | NEW_SENTENCES
    outputs = dict(zip(approved, (t.text for t in translator.translate(list(approved))), strict=True))
    trained = [source for source in corrected if source not in validation | {HELD_OUT}]
    assert trained and [outputs[source] for source in trained] == [corrected[source] for source in trained]
    assert [s for s in approved if s not in validation and not _spelled(outputs[s])] == []
    assert _spelled(outputs[HELD_OUT]), outputs[HELD_OUT]
    others = [(s, t) for s, t in pairs if "Selenskyj" not in s]
    kept = [t.text for t in translator.translate([s for s, _ in others])]
    assert CHRF().corpus_score(kept, [[t for _, t in others]]).score >= 90

    assert meta["base_model"] == str(bench.settings.model)
    assert meta["base_sha256"].startswith(bench.model().sha256) and len(meta["base_sha256"]) == 64
    assert {k: v for k, v in meta["pairs"].items() if k != "held_out_sources"} == {
        "memory": memory, "training": memory - 2, "held_out": 2, "replay": len(others), "replay_ratio": 3.0,
        "include_imported": False, "replay_file": str(replay),
    }  # fmt: skip
    assert meta["training"]["learning_rate"] == float(TRAINING[1]) and meta["training"]["steps"] > 0
    assert meta["languages"] == ["de", "en"] and meta["training"]["train_embeddings"] is False
    assert meta["validation"]["loss_after"] < meta["validation"]["loss_before"]

    # --use: the workspace's settings now name the adapted model; a translation goes through the
    # ordinary model path and cache, keyed by the adapted model's hash.
    settings = load_workspace(str(bench.workspace.path), env={}).settings
    assert settings.model == str(adapted.absolute())
    switched = make_bench(model=settings.model, backend="transformers")
    assert switched.model_is_adapted() and not bench.model_is_adapted()
    assert switched.model().key != bench.model().key
    (result,) = switched.import_paths([_article(tmp_path, HELD_OUT)])
    switched.translate_article(result.article_id)
    (segment,) = [s for s in switched.segments(result.article_id) if s.source == HELD_OUT]
    assert _spelled(segment.target)

    assert _cli(bench, "models", "list") == 0
    listing = capsys.readouterr().out
    assert f"{ADAPTED_DIR}/{adapted.name}" in listing
    assert f"adapted from {bench.settings.model} on {meta['created']}" in listing


def _article(tmp_path: Path, sentence: str) -> Path:
    path = tmp_path / "in" / "held-out.txt"
    path.write_text(f"Pressekonferenz\n\n{sentence}\n", encoding="utf-8")
    return path


def test_fewer_than_three_pairs_is_refused(make_bench, tmp_path, pairs, capsys) -> None:
    bench = make_bench(reviewer="ana")
    _approve(bench, tmp_path, dict(list(NEW_SENTENCES.items())[:2]))
    assert _cli(bench, "adapt") == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "only 2 approved de-en pairs in the translation memory" in error and "at least 3" in error
    assert not (tmp_path / "models").exists() or not list_models(tmp_path / "models")


def test_an_interrupted_run_leaves_no_model_and_keeps_the_settings(make_bench, tmp_path) -> None:
    bench = make_bench(reviewer="ana")
    _approve(bench, tmp_path, NEW_SENTENCES)
    toml = bench.workspace.path / TOML_NAME
    toml.write_text('reviewer = "ana"\n', encoding="utf-8")

    def interrupt(report) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bench.adapt(AdaptOptions(learning_rate=1e-3, epochs=2, threads=1, use=True), interrupt)
    models = tmp_path / "models"
    assert list(models.iterdir()) == []  # neither a model nor its temporary directory
    assert toml.read_text(encoding="utf-8") == 'reviewer = "ana"\n'


def test_only_pairs_of_the_models_languages_train_it(make_bench, tmp_path, capsys) -> None:
    """A mixed workspace: French approvals are in the memory, but never train the de-en model."""
    bench = make_bench(reviewer="ana")
    german = dict(list(NEW_SENTENCES.items())[:2])
    french = dict(read_pairs(FIXTURES / "fr_en_news.tsv")[12:18])
    _approve(bench, tmp_path, german)
    _approve(bench, tmp_path, french, title="La situation en Europe")
    assert len(bench.store.memory_entries("approved", ("fr", "en"))) == len(french)
    assert sorted(bench.adaptation_pairs()) == sorted(german.items())
    assert _cli(bench, "adapt") == 1  # the six French pairs do not make up for the German ones
    assert "only 2 approved de-en pairs in the translation memory" in capsys.readouterr().err


def test_a_killed_run_leaves_a_directory_the_next_run_removes(make_bench, tmp_path, tiny_model) -> None:
    """SIGKILL cannot be cleaned up after; the next run removes what a dead process left, and
    leaves a live process's directory alone."""
    bench = make_bench(reviewer="ana")
    _approve(bench, tmp_path, NEW_SENTENCES)
    models = tmp_path / "models"
    workbench = str(Path(sys.executable).parent / "workbench")
    command = [workbench, "-w", str(bench.workspace.path), "--model", str(tiny_model), "--models-dir",
               str(models), "adapt", "--epochs", "200", "--threads", "1"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = _wait_for_staging(models, process)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert staging.is_dir() and str(process.pid) in staging.name
    alive = models / f".adapting-{os.getpid()}-live"  # this test's own process: still running
    alive.mkdir()

    adapted = bench.adapt(AdaptOptions(learning_rate=1e-3, epochs=1, threads=1))
    assert not staging.exists() and alive.is_dir()
    assert sorted(p.name for p in models.iterdir()) == sorted([ADAPTED_DIR, alive.name])
    assert adapted.path.parent == models / ADAPTED_DIR and not (adapted.path / ".owner").exists()


def _wait_for_staging(models: Path, process: subprocess.Popen) -> Path:
    """The run's temporary directory, once its owner file is written (the run is training)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        found = [p for p in models.glob(".adapting-*") if (p / ".owner").is_file()] if models.is_dir() else []
        if found:
            time.sleep(1)
            return found[0]
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"no temporary directory appeared (exit status {process.poll()})")


def test_a_model_without_weights_is_one_line(make_bench, tmp_path, tiny_model, capsys) -> None:
    broken = tmp_path / "no-weights"
    broken.mkdir()
    for name in ("config.json", "tokenizer_config.json", "source.spm", "target.spm", "vocab.json"):
        (broken / name).write_bytes((tiny_model / name).read_bytes())
    bench = make_bench(reviewer="ana", model=str(broken))
    _approve(bench, tmp_path, NEW_SENTENCES)
    assert _cli(bench, "adapt", "--use") == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"{broken}: no weights" in error
    assert not (bench.workspace.path / TOML_NAME).exists()


def test_use_keeps_the_rest_of_the_settings_file(tmp_path) -> None:
    from workbench.service.adaptation import set_workspace_model

    toml = tmp_path / TOML_NAME
    toml.write_text('# house settings\nreviewer = "ana"\n\n[models]\n"fr-en" = "x"\n', encoding="utf-8")
    set_workspace_model(tmp_path, "/m/adapted/one")
    set_workspace_model(tmp_path, "/m/adapted/two")
    settings = load_workspace(str(tmp_path), env={}).settings
    assert (settings.model, settings.reviewer, settings.models) == ("/m/adapted/two", "ana", {"fr-en": "x"})
    assert "# house settings" in toml.read_text(encoding="utf-8")


def test_replay_file_errors_name_the_line(tmp_path) -> None:
    from workbench.service.adaptation import AdaptRefused, read_replay

    path = tmp_path / "replay.tsv"
    path.write_text("a\tb\nno tab here\n", encoding="utf-8")
    with pytest.raises(AdaptRefused, match=r"replay.tsv:2: expected 'source<TAB>target'"):
        read_replay(path, seed=0)
    assert read_pairs(DE_EN_PAIRS)[:3] == read_replay(DE_EN_PAIRS, seed=0)[:3]


async def test_tui_adapts_in_a_worker_and_shows_the_adapted_model(make_bench, tmp_path, pairs) -> None:
    from workbench.tui.app import WorkbenchApp

    bench = make_bench(reviewer="ana")
    _approve(bench, tmp_path, NEW_SENTENCES)
    app = WorkbenchApp(bench)
    notices: list[str] = []
    notify = app.notify

    def record(message: str, *args, **kwargs) -> None:
        notices.append(message)
        notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        assert "(adapted)" not in app.status.render()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.status.adapted and "(adapted)" in app.status.render(), notices
    assert any(n.startswith("adapting: epoch 1/") for n in notices)
    assert any(n.startswith("adapted model: ") for n in notices)
    (adapted,) = (tmp_path / "models" / ADAPTED_DIR).iterdir()
    assert load_workspace(str(bench.workspace.path), env={}).settings.model == str(adapted.absolute())
    assert bench.model_is_adapted() and bench.model().path == adapted.absolute()
