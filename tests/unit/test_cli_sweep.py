"""Issue 15's new-user sweep, the parts that need no model: options in any position and never
abbreviated, usage errors exit 2, article references as typed, read-only commands on a missing
workspace, `show` (text and JSON), `edit`/`approve`, the TM state, `models list`/`pull` offline
and the pivot error. Commands run in-process through `cli.main`."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from tests.paths import SEEDS
from workbench import cli
from workbench.engines import model_files
from workbench.engines.model_files import ModelError
from workbench.errors import WorkbenchError
from workbench.service import Workbench
from workbench.settings import load_workspace

SEED = "000_bb1e4186efedc55e.txt"


def _parsers(parser: argparse.ArgumentParser):
    """The parser and every sub-command parser below it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_no_parser_accepts_abbreviations() -> None:
    parsers = list(_parsers(cli.build_parser()))
    assert len(parsers) > 15
    assert all(parser.allow_abbrev is False for parser in parsers)


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize", "1", "--mode", "extractive"],
        ["summarize", "--mode=extractive", "1"],
        ["--model", "m", "summarize", "1", "--mode", "extractive"],
        ["summarize", "1", "--mode", "extractive", "--model", "m", "--models-dir", "d"],
    ],
)
def test_mode_is_never_taken_for_model(argv) -> None:
    args = cli.build_parser().parse_args(argv)
    assert (args.command, args.mode, args.articles) == ("summarize", "extractive", ["1"])
    assert getattr(args, "model", "m") == "m"


def test_global_options_before_and_after_the_command() -> None:
    before = cli.build_parser().parse_args(["-w", "W", "--offline", "--beam-size", "2", "show", "1"])
    after = cli.build_parser().parse_args(["show", "1", "-w", "W", "--beam-size", "2", "--offline"])
    for args in (before, after):
        assert (args.workspace, args.beam_size, args.offline, args.article) == ("W", 2, True, "1")


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize", "1", "--mod", "extractive"],  # an abbreviation of --mode
        ["--work", "W", "articles"],  # of --workspace
        ["--backend", "bogus", "articles"],
        ["articles", "--beam-size", "0"],
        ["articles", "--batch-tokens", "many"],
        ["translate", "--jobs", "0"],
    ],
)
def test_usage_errors_exit_2(argv, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["-w", str(tmp_path / "W"), *argv])
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_help_gives_the_real_defaults(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "auto, ctranslate2, transformers, transformers-int8 (default: auto, CTranslate2 int8" in text
    assert "(transformers)" not in text
    assert "default: sshleifer/distilbart-cnn-12-6" in text


@pytest.fixture
def in_clone(tmp_path, monkeypatch) -> Path:
    """A new user's directory: seeds/ copied in, the default workspace, no model."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name in ("WORKBENCH_WORKSPACE", "WORKBENCH_MODEL", "WORKBENCH_OFFLINE", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path


def test_articles_by_id_absolute_and_relative_path(in_clone, monkeypatch, capsys) -> None:
    assert cli.main(["import", "seeds/"]) == 0
    references = ["1", f"seeds/{SEED}", f"./seeds/{SEED}", str(in_clone / "seeds" / SEED)]
    with Workbench(load_workspace()) as bench:
        assert {bench.find_article(r) for r in references} == {1}
        with pytest.raises(WorkbenchError, match=r"^no article 'seeds/nothing\.txt' in \.workbench$"):
            bench.find_article("seeds/nothing.txt")
    for command in (["show"], ["review"], ["stats"], ["summarize", "--mode", "extractive"], ["digest"]):
        capsys.readouterr()
        assert cli.main([*command, f"seeds/{SEED}"]) == 0, command
        out = capsys.readouterr().out
        assert "Russland lehnt Kommentar" in out and "Russland bestätigt" not in out, command
    (in_clone / "sub").mkdir()
    monkeypatch.chdir(in_clone / "sub")
    assert cli.main(["-w", "../.workbench", "show", f"../seeds/{SEED}"]) == 0
    assert "Russland lehnt Kommentar" in capsys.readouterr().out


def test_a_read_only_command_on_a_missing_workspace_creates_none(tmp_path, capsys) -> None:
    for command in (["articles"], ["show", "1"], ["stats"], ["review", "1"], ["export-tmx", "x.tmx"]):
        assert cli.main(["-w", str(tmp_path / "typo"), *command]) == 1
        error = capsys.readouterr().err.strip()
        assert error == (
            f"workbench: error: no workspace at {tmp_path / 'typo'} (no workbench.db); "
            "create one with: workbench import PATH"
        )
    assert not (tmp_path / "typo").exists()


def test_show_starts_with_the_title_and_keeps_boilerplate_indented(in_clone, capsys) -> None:
    cli.main(["import", f"seeds/{SEED}"])
    capsys.readouterr()
    assert cli.main(["show", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# Russland lehnt Kommentar zu nordkoreanischen Soldaten ab  [de, AFP, #1]"
    assert lines[1] == ""
    assert lines[2] == "   1  de  Russland lehnt Kommentar zu nordkoreanischen Soldaten ab"
    assert lines[3] == "       →  (not translated)"
    boilerplate = [line for line in lines if "·" in line]
    assert boilerplate and all(line.startswith("  ") for line in boilerplate)
    assert any(line.endswith("  · [agency signature] bur/mhe/cp") for line in boilerplate)


def test_show_json_numbers_segments_as_edit_and_approve_take_them(in_clone, capsys) -> None:
    cli.main(["import", f"seeds/{SEED}"])
    capsys.readouterr()
    assert cli.main(["show", f"seeds/{SEED}", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"id", "title", "path", "outlet", "language", "blocks"}
    assert (data["id"], data["language"], data["path"]) == (1, "de", str(in_clone / "seeds" / SEED))
    block = data["blocks"][1]
    assert set(block) >= {"kind", "reason", "language", "text", "segments"}
    segments = [s for b in data["blocks"] for s in b["segments"]]
    assert [s["number"] for s in segments] == list(range(1, len(segments) + 1))
    second = segments[1]
    assert second["source"].startswith("(AFP) Der Kreml") and second["state"] == "untranslated"

    assert cli.main(["edit", "1", "2", "The Kremlin declined to comment."]) == 0
    assert capsys.readouterr().out.strip() == "#1 segment 2: edited (version 1)"
    assert cli.main(["approve", f"seeds/{SEED}", "2"]) == 0
    assert capsys.readouterr().out.strip() == "#1 segment 2: approved (version 2)"
    assert cli.main(["show", "1", "--format", "json"]) == 0
    segment = json.loads(capsys.readouterr().out)["blocks"][1]["segments"][0]
    assert (segment["target"], segment["state"], segment["version"]) == (
        "The Kremlin declined to comment.",
        "approved",
        2,
    )
    with Workbench(load_workspace()) as bench:
        history = bench.history(bench.numbered_segment(1, 2).id)
    assert [(row.new_status.value, row.new_target) for row in history] == [
        ("edited", "The Kremlin declined to comment."),
        ("approved", "The Kremlin declined to comment."),
    ]


def test_edit_rules_and_conflicts_are_the_services(in_clone, capsys) -> None:
    cli.main(["import", f"seeds/{SEED}"])
    assert cli.main(["approve", "1", "2"]) == 1  # nothing to approve: the state machine's rule
    assert "has no translation to mark approved" in capsys.readouterr().err
    assert cli.main(["edit", "1", "99", "x"]) == 1
    assert "article 1 has segments 1 to" in capsys.readouterr().err
    assert cli.main(["edit", "1", "2", "First."]) == 0
    assert cli.main(["edit", "1", "2", "Second.", "--expect-version", "0"]) == 1
    assert "was changed meanwhile" in capsys.readouterr().err
    with Workbench(load_workspace()) as bench:
        segment = bench.numbered_segment(1, 2)
        assert segment.target == "First."
        assert [s.text for s in bench.suggestions(segment.id) if s.kind == "conflict"] == ["Second."]


def test_a_memory_fill_is_tm_in_show_stats_and_review(in_clone, capsys) -> None:
    cli.main(["import", f"seeds/{SEED}"])
    with Workbench(load_workspace()) as bench:
        segment = bench.numbered_segment(1, 2)
        bench.store.add_memory([(segment.source, "From memory.")], "approved", "ana")
        assert bench.fill_from_memory([segment]) == 1
        filled = bench.numbered_segment(1, 2)
    assert filled.from_memory and filled.state == "tm" and not filled.post_edited
    capsys.readouterr()
    cli.main(["show", "1"])
    assert "      tm  From memory." in capsys.readouterr().out
    cli.main(["stats", "--format", "json"])
    states = json.loads(capsys.readouterr().out)["articles"][0]["states"]
    assert states["tm"] == 1 and "edited" not in states
    cli.main(["stats"])
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header.split()[:5] == ["id", "segs", "mt", "tm", "edit"]
    assert row.split()[3:5] == ["1", "0"]
    cli.main(["review", "1", "--diff"])
    assert "0 edited segments" in capsys.readouterr().out


def test_models_list_leaves_out_ctranslate2_conversions(tmp_path) -> None:
    for directory in ("opus-mt-de-en", "ctranslate2/opus-mt-de-en-0123456789abcdef-int8"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "config.json").write_text("{}")
    assert [m.name for m in model_files.list_models(tmp_path)] == ["opus-mt-de-en"]


def test_pull_offline_never_downloads(tmp_path, monkeypatch, capsys) -> None:
    def download(*args):
        raise AssertionError("pull_model called although offline")

    monkeypatch.setattr(model_files, "pull_model", download)
    for flags, env in ((["--offline"], {}), ([], {"HF_HUB_OFFLINE": "1"}), ([], {"WORKBENCH_OFFLINE": "1"})):
        for name in ("HF_HUB_OFFLINE", "WORKBENCH_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        argv = ["-w", str(tmp_path / "W"), "models", "pull", "acme/opus-mt-xx-yy", *flags]
        assert cli.main(argv) == 1
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith("workbench: error: offline (--offline, WORKBENCH_OFFLINE or HF_HUB_OFFLINE")
        assert line.endswith("on a machine with a network")
        assert "acme/opus-mt-xx-yy not downloaded; run `workbench models pull acme/opus-mt-xx-yy`" in line


def test_the_pivot_error_names_the_missing_leg(tmp_path) -> None:
    de_en = tmp_path / "my-de-en"
    de_en.mkdir()
    (de_en / "config.json").write_text('{"model_type": "marian"}')
    (de_en / "model.safetensors").write_bytes(b"")
    flags = {"models_dir": str(tmp_path / "m"), "offline": True, "models": {"de-en": str(de_en)}}
    bench = Workbench(load_workspace(str(tmp_path / "W"), flags, env={}))
    with bench, pytest.raises(ModelError) as raised:
        bench.route("de", "fr")
    message = str(raised.value)
    assert "opus-mt-de-fr" in message
    assert message.endswith(
        "to pivot through English en-fr is missing, de-en is there (workbench models pull en-fr)"
    )
