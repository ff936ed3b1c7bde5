"""The review workflow over a real workspace: states, history, memory, alignment, flags, effort."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.records import Status
from workbench.service import EditConflict

ARTICLE = """Russland bestätigt Beteiligung nordkoreanischer Soldaten

Russland hat erstmals den Einsatz von nordkoreanischen Soldaten im Kampf um Kursk bestätigt. Es gab bereits Verluste.

11.000 nordkoreanische Soldaten seien in Kursk. Dort hatten ukrainische Truppen im August eine Offensive gestartet.
"""
OTHER = """Russland lehnt Kommentar zu nordkoreanischen Soldaten ab

Es gab bereits Verluste. Ausserdem hat Russland die Ukraine angegriffen.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def article(make_bench, tmp_path):
    """A translated article and its bench; returns (bench, article id, body segments)."""
    bench = make_bench(reviewer="ana")
    (result,) = bench.import_paths([_write(tmp_path / "in", "a.txt", ARTICLE)])
    bench.translate_article(result.article_id)
    body = [s for s in bench.segments(result.article_id) if s.kind.value == "body" and not s.is_title]
    return bench, result.article_id, body


def _by_source(bench, article_id: int, source: str):
    return next(s for s in bench.segments(article_id) if s.source == source)


def test_state_machine_and_history(article) -> None:
    bench, _, body = article
    segment = body[1]
    assert segment.status is Status.MT
    flagged = bench.set_needs_work(segment.id)
    assert (flagged.status, flagged.target) == (Status.NEEDS_WORK, segment.target)
    assert bench.set_needs_work(segment.id, on=False).status is Status.MT  # nobody changed the text
    edited = bench.edit_segment(segment.id, "  Losses have  already occurred. ")
    assert (edited.status, edited.target) == (Status.EDITED, "Losses have already occurred.")
    assert bench.approve_segment(segment.id).status is Status.APPROVED
    with pytest.raises(WorkbenchError, match="already approved"):
        bench.approve_segment(segment.id)
    assert bench.set_needs_work(segment.id).status is Status.NEEDS_WORK
    assert bench.set_needs_work(segment.id, on=False).status is Status.EDITED  # a human text stays
    reverted = bench.revert_segment(segment.id)
    assert (reverted.status, reverted.target) == (Status.MT, segment.target)
    with pytest.raises(WorkbenchError, match="already mt"):
        bench.revert_segment(segment.id)
    with pytest.raises(WorkbenchError, match="empty translation"):
        bench.edit_segment(segment.id, "   ")
    history = bench.history(segment.id)
    assert [(h.old_status, h.new_status) for h in history] == [
        (Status.MT, Status.NEEDS_WORK),
        (Status.NEEDS_WORK, Status.MT),
        (Status.MT, Status.EDITED),
        (Status.EDITED, Status.APPROVED),
        (Status.APPROVED, Status.NEEDS_WORK),
        (Status.NEEDS_WORK, Status.EDITED),
        (Status.EDITED, Status.MT),
    ]
    assert {h.reviewer for h in history} == {"ana"}


def test_untranslated_segment_cannot_be_approved_or_flagged(make_bench, tmp_path) -> None:
    bench = make_bench()
    (result,) = bench.import_paths([_write(tmp_path / "in", "a.txt", ARTICLE)])
    segment = next(s for s in bench.segments(result.article_id) if not s.is_title)
    for change in (bench.approve_segment, bench.set_needs_work):
        with pytest.raises(WorkbenchError, match="no translation to mark"):
            change(segment.id)
    bench.edit_segment(segment.id, "A translation by hand.")
    assert bench.revert_segment(segment.id).status is Status.UNTRANSLATED  # no machine text to go back to
    with pytest.raises(WorkbenchError, match="already untranslated"):
        bench.revert_segment(segment.id)


def test_new_model_output_is_a_suggestion_and_never_replaces_a_human_text(
    article, make_bench, tmp_path
) -> None:
    bench, article_id, body = article
    segment = body[0]
    bench.edit_segment(segment.id, "A reviewer's own sentence.")
    other_model = tmp_path / "other-model"
    shutil.copytree(bench.model().path, other_model)
    config = json.loads((other_model / "generation_config.json").read_text())
    config["num_beams"] = 1  # another configuration: another cache key
    (other_model / "generation_config.json").write_text(json.dumps(config))
    other = make_bench(model=str(other_model))
    report = other.translate_article(article_id)
    assert report.skipped_human == 1
    current = other.store.segment(segment.id)
    assert (current.status, current.target) == (Status.EDITED, "A reviewer's own sentence.")
    assert any(
        key == other.model().key.text() for key, _, _ in other.store.machine_translations(segment.source)
    )
    offered = [s for s in other.suggestions(segment.id) if s.kind == "mt"]
    assert offered and all(s.text != current.target for s in offered)


def test_approved_segments_fill_identical_sources_from_memory(article, tmp_path) -> None:
    bench, _, body = article
    losses = next(s for s in body if s.source == "Es gab bereits Verluste.")
    bench.edit_segment(losses.id, "Losses have already occurred.")
    bench.approve_segment(losses.id)
    (other,) = bench.import_paths([_write(tmp_path / "in", "b.txt", OTHER)])
    report = bench.translate_article(other.article_id)
    assert report.from_memory == 1 and "1 from memory" in report.line()
    filled = _by_source(bench, other.article_id, "Es gab bereits Verluste.")
    assert (filled.status, filled.target, filled.origin) == (
        Status.EDITED,
        "Losses have already occurred.",
        "tm",
    )
    assert bench.history(filled.id)[-1].reviewer == "translation memory"
    # un-approving takes the pair out of the memory again
    bench.revert_segment(losses.id)
    assert bench.store.memory_for(["Es gab bereits Verluste."]) == {}


def test_fuzzy_matches_are_offered_with_their_score(article) -> None:
    bench, article_id, _body = article
    source = "Russland hat erstmals den Einsatz von nordkoreanischen Soldaten im Kampf um Kursk bestätigt."
    bench.store.add_memory(
        [
            ("Russland hat erstmals den Einsatz von Soldaten im Kampf um Kursk bestätigt.", "Near match."),
            ("Der Kreml schweigt.", "Unrelated."),
        ],
        "tmx:test.tmx",
        "ben",
    )
    found = bench.suggestions(_by_source(bench, article_id, source).id)
    fuzzy = [s for s in found if s.kind == "fuzzy"]
    assert [s.text for s in fuzzy] == ["Near match."]
    assert 75 <= fuzzy[0].score < 100
    assert "tmx:test.tmx" in fuzzy[0].origin


def test_import_and_export_tmx(article, workspace_dir, tiny_model, tmp_path, capsys) -> None:
    from translate.storage.tmx import tmxfile

    bench, _, body = article
    tmx = _write(
        tmp_path,
        "memory.tmx",
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="de-DE" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="x" creationtoolversion="1" o-tmf="x"/><body>
<tu><tuv xml:lang="de-DE"><seg>Es gab bereits Verluste.</seg></tuv>
<tuv xml:lang="en-GB"><seg>There had already been casualties.</seg></tuv></tu>
<tu><tuv xml:lang="de-DE"><seg>Nur Deutsch.</seg></tuv></tu>
</body></tmx>""",
    )
    broken = _write(tmp_path, "broken.tmx", "<tmx><body><tu>")
    flags = ["-w", str(workspace_dir), "--model", str(tiny_model), "--models-dir", str(tmp_path / "models")]
    assert main([*flags, "import-tmx", str(tmx), str(broken)]) == 1
    out, err = capsys.readouterr()
    assert f"{tmx}: 1 pairs read, 1 new in the translation memory; 1 unit skipped (no de-en pair; de)" in out
    assert err.count("\n") == 1 and "broken.tmx: not a TMX file" in err
    segment = next(s for s in body if s.source == "Es gab bereits Verluste.")
    assert [s.text for s in bench.suggestions(segment.id) if s.kind == "tm"] == [
        "There had already been casualties."
    ]
    bench.approve_segment(body[0].id)
    exported = tmp_path / "out" / "approved.tmx"
    assert main([*flags, "export-tmx", str(exported)]) == 0
    units = tmxfile.parsestring(exported.read_bytes()).units
    assert [(u.source, u.target) for u in units] == [(body[0].source, body[0].target)]
    assert main([*flags, "export-tmx", str(exported), "--include-imported"]) == 0
    assert len(tmxfile.parsestring(exported.read_bytes()).units) == 2


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_forced_decoding_reproduces_the_model_alignment(tiny_model, tmp_path, pairs, backend) -> None:
    from workbench.engines.translator import load_translator

    translator = load_translator(tiny_model, backend, beam_size=1, converted_dir=tmp_path / "ct2")
    sources = [source for source, _ in pairs[:8]]
    machine = translator.translate(sources)
    forced = translator.align([(s, t.text) for s, t in zip(sources, machine, strict=True)])
    agree = sum(f.alignment == m.alignment for f, m in zip(forced, machine, strict=True))
    assert agree >= 7  # int8 may tip one argmax
    assert all(abs(f.score - m.score) < 0.05 for f, m in zip(forced, machine, strict=True))
    garbage = translator.align([(sources[0], "Bananas bananas purple elephant yesterday.")])[0]
    assert garbage.score < forced[0].score - 1
    assert {t for _, t in garbage.alignment} == set(range(5))


def test_edited_text_is_aligned_when_the_model_is_loaded_and_stale_until_then(article, make_bench) -> None:
    bench, article_id, body = article
    segment = body[0]
    edited = bench.edit_segment(segment.id, "For the first time Russia confirmed North Korean soldiers.")
    assert not edited.alignment_stale and edited.alignment and edited.score is not None
    cold = make_bench()  # a new session: the model is not loaded
    stale = cold.edit_segment(segment.id, "Russia confirmed the deployment for the first time.")
    assert stale.alignment_stale and stale.alignment == ()
    cold.translate_article(article_id)  # loads the model, realigns what went stale
    fresh = cold.store.segment(segment.id)
    assert not fresh.alignment_stale
    assert {t for _, t in fresh.alignment} == set(range(len(fresh.target.split())))


def test_review_queue_stats_and_diff_command(
    article, make_bench, workspace_dir, tiny_model, tmp_path, capsys
) -> None:
    bench, article_id, body = article
    bench.edit_segment(body[0].id, body[0].target + " Indeed.")
    bench.approve_segment(body[1].id)
    make_bench(reviewer="ben").edit_segment(body[2].id, "Nobody knows.")
    queue = bench.review_queue(article_id)
    assert body[1].id not in {item.segment.id for item in queue}  # approved: done
    assert [bool(item.flags) for item in queue] == sorted((bool(i.flags) for i in queue), reverse=True)
    numbers = next(item for item in queue if item.segment.id == body[2].id)
    assert "numbers" in {flag.code for flag in numbers.flags}  # 11.000 is gone from "Nobody knows."
    stats = bench.article_stats(article_id)
    assert stats.states["edited"] == 2 and stats.states["approved"] == 1
    # the approved, unchanged machine text counts too: zero edits
    assert (stats.effort.segments, stats.effort.changed) == (3, 2) and stats.effort.hter > 0
    reviewers = {r.reviewer: r for r in bench.reviewer_stats([article_id])}
    assert (reviewers["ana"].edits, reviewers["ana"].approvals, reviewers["ana"].effort.segments) == (2, 1, 1)
    assert reviewers["ben"].effort.segments == 1
    flags = ["-w", str(workspace_dir), "--model", str(tiny_model), "--models-dir", str(tmp_path / "models")]
    assert main([*flags, "review", str(article_id), "--diff"]) == 0
    out = capsys.readouterr().out
    assert "2 edited segments" in out and "{+Indeed.+}" in out and "{+Nobody knows.+}" in out
    assert main([*flags, "stats", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"][0]["effort"]["changed"] == 2
    assert {r["reviewer"] for r in data["reviewers"]} == {"ana", "ben"}


_OTHER_PROCESS = """
import sys
from workbench.service import Workbench
from workbench.settings import load_workspace
workspace = load_workspace(sys.argv[1], {"model": sys.argv[2], "reviewer": "ben"}, env={})
with Workbench(workspace) as bench:
    bench.edit_segment(int(sys.argv[3]), "Ben's version.")
"""


def test_a_save_over_a_change_from_another_process_keeps_both(article, workspace_dir, tiny_model) -> None:
    bench, article_id, body = article
    segment = body[0]  # as the TUI read it
    subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(workspace_dir), str(tiny_model), str(segment.id)],
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    with pytest.raises(EditConflict, match="changed meanwhile") as raised:
        bench.edit_segment(segment.id, "Ana's version.", expected_version=segment.version)
    assert raised.value.current.target == "Ben's version."
    current = bench.store.segment(segment.id)
    assert current.target == "Ben's version."
    assert next((s.kind, s.text) for s in bench.suggestions(segment.id)) == ("conflict", "Ana's version.")
    assert [h.reviewer for h in bench.history(segment.id)] == ["ben"]
    item = next(i for i in bench.review_queue(article_id) if i.segment.id == segment.id)
    assert item.flags[0].code == "conflict"
    with pytest.raises(EditConflict):  # approving a text one has not seen is a conflict too
        bench.approve_segment(segment.id, expected_version=segment.version)
    bench.approve_segment(segment.id, expected_version=current.version)  # decided: suggestion cleared
    assert not [s for s in bench.suggestions(segment.id) if s.kind == "conflict"]
