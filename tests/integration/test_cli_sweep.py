"""Issue 15's new-user sweep, the parts that need the tiny models: `--quiet` logs, a cached
summary without the model, `show` and `review --diff` over machine output and edits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT, SEEDS
from workbench import cli

WORKBENCH = Path(sys.executable).parent / "workbench"
SEED = "000_bb1e4186efedc55e.txt"
CLOSING_LINE = re.compile(r"^translated \d+ segments \(\d+ from cache\) in [\d.]+ s, \d+ tok/s$")


def _run(cwd: Path, model: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_MODEL": str(model), "WORKBENCH_MODELS_DIR": str(cwd / "models")}
    env.pop("WORKBENCH_WORKSPACE", None)
    return subprocess.run(
        [str(WORKBENCH), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_quiet_is_one_line_per_article_and_one_for_one_article(tmp_path, tiny_model) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    one = _run(tmp_path, tiny_model, "translate", f"seeds/{SEED}", "--quiet")
    assert one.returncode == 0, one.stderr
    (line,) = one.stdout.splitlines()
    assert CLOSING_LINE.match(line)
    assert "Loading" not in one.stderr  # no weight-loading bar either
    several = _run(tmp_path, tiny_model, "translate", "seeds/", "--quiet")
    assert several.returncode == 0, several.stderr
    lines = several.stdout.splitlines()
    assert len(lines) == 6 and CLOSING_LINE.match(lines[-1])
    assert sorted(int(re.match(r"#(\d+) ", line).group(1)) for line in lines[:-1]) == [1, 2, 3, 4, 5]
    assert lines[0] == f"#1 {tmp_path / 'seeds' / SEED}: 15 segments (15 from cache)"


def test_a_cached_summary_does_not_load_the_model(make_bench, tiny_bart, tmp_path) -> None:
    first = make_bench(summary_model=str(tiny_bart))
    (result,) = first.import_paths([SEEDS / SEED])
    first.translate_article(result.article_id)
    made = first.summarize(result.article_id, mode="abstractive")
    assert made.mode == "abstractive" and first.session.summarizer is not None
    for mode in ("abstractive", "auto"):
        again = make_bench(summary_model=str(tiny_bart))
        cached = again.summarize(result.article_id, mode=mode)
        assert cached.sentences == made.sentences and cached.mode == "abstractive"
        assert again.session.summarizer is None, "the model was loaded for a cached summary"


def test_show_and_review_diff_over_machine_output_and_edits(
    make_bench, workspace_dir, tiny_model, tmp_path, capsys
) -> None:
    bench = make_bench()
    (result,) = bench.import_paths([SEEDS / SEED])
    bench.translate_article(result.article_id)
    flags = ["-w", str(workspace_dir), "--model", str(tiny_model), "--models-dir", str(tmp_path / "models")]
    assert cli.main([*flags, "edit", "1", "1", "Russia will not comment on North Korean troops"]) == 0
    capsys.readouterr()
    assert cli.main([*flags, "show", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2:4] == [
        "   1  de  Russland lehnt Kommentar zu nordkoreanischen Soldaten ab",
        "      ed  Russia will not comment on North Korean troops",
    ]
    assert "       →  Ukrainian troops had launched an offensive there in August." in lines
    assert cli.main([*flags, "review", "1", "--diff"]) == 0
    out = capsys.readouterr().out
    assert ": 1 edited segments" in out
    assert "\n   1  edited\n" in out
    assert "diff  Russia [-declines to-] {+will not+} comment on North Korean [-soldiers-] {+troops+}" in out


def test_ray_gpus_where_there_are_none_is_one_line_and_exit_2(tmp_path, tiny_model) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = _run(tmp_path, tiny_model, "translate", f"seeds/{SEED}", "--ray", "--ray-gpus", "0.5")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "workbench: error: --ray-gpus 0.5: this machine has 0 GPUs for Ray, so no actor could start;"
        " ask for less, or join a cluster that has them (--ray ADDRESS)"
    ]


def test_a_ray_client_address_is_understood_with_the_cluster_extra(tmp_path, tiny_model) -> None:
    """`ray://` needs ray[client] (grpc): with the extra installed the address is tried, and an
    unreachable one is one line (Ray's client gives up after about 30 s)."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = _run(tmp_path, tiny_model, "translate", f"seeds/{SEED}", "--ray", "ray://127.0.0.1:9")
    assert result.returncode == 1
    assert "ray[client]" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "workbench: error: cannot reach the Ray cluster at ray://127.0.0.1:9: ray client connection timeout"
    ]


def test_a_block_already_in_the_target_language_is_its_own_translation(make_bench, pairs, tmp_path) -> None:
    german = " ".join(source for source, _ in pairs[1:4])
    english = " ".join(target for _, target in pairs[4:8])
    path = tmp_path / "mixed.txt"
    path.write_text(f"{pairs[0][0]}\n\n{german}\n\n{english}\n", encoding="utf-8")
    bench = make_bench()
    (result,) = bench.import_paths([path])
    body = [s for s in bench.segments(result.article_id) if s.kind.value == "body"]
    kept = [s for s in body if s.language == "en"]
    assert len(kept) == 4, [(s.language, s.source) for s in body]
    report = bench.translate_article(result.article_id)
    assert report.segments == len(body) - len(kept)  # only the German ones went to the model
    info = bench.article(result.article_id)
    assert info.translated == info.segments == len(body)
    after = {s.id: s for s in bench.segments(result.article_id)}
    assert all(after[s.id].target == s.source and after[s.id].status.value == "mt" for s in kept)
    summary = bench.summarize(result.article_id, mode="auto")
    assert "from the source text" not in summary.note
    # --to the article's own language: the German blocks are theirs already (the English one
    # would need an en-de model, which is not here)
    into_german = make_bench(offline=True).segments(result.article_id, "de")
    german_body = [s for s in into_german if s.kind.value == "body" and s.language == "de"]
    assert german_body and all(s.target == s.source for s in german_body)
    assert {s.target for s in into_german if s.language == "en"} == {None}


def test_batch_translate_runs_from_any_directory(tmp_path, tiny_model) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "WORKBENCH_MODEL": str(tiny_model), "WORKBENCH_MODELS_DIR": str(tmp_path / "m")}
    env.pop("WORKBENCH_WORKSPACE", None)
    script = ROOT / "scripts" / "batch_translate.py"
    argv = [sys.executable, str(script), f"../seeds/{SEED}", "--out", "out", "--format", "txt", "--quiet"]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert CLOSING_LINE.match(result.stdout.strip())
    (output,) = (elsewhere / "out").iterdir()
    assert "Russia declines to comment on North Korean soldiers" in output.read_text(encoding="utf-8")
    assert (elsewhere / ".workbench" / "workbench.db").is_file()


def test_a_reversed_model_is_listed_by_its_direction(tmp_path, tiny_en_fr, capsys) -> None:
    """Built as README says (`--languages en-fr --reverse` over the fr-en fixture): listed en-fr."""
    shutil.copytree(tiny_en_fr, tmp_path / "models" / "tiny-en-fr")
    assert (
        cli.main(["-w", str(tmp_path / "W"), "--models-dir", str(tmp_path / "models"), "models", "list"]) == 0
    )
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "tiny-en-fr" in line]
    assert line.split()[:2] == ["en-fr", "tiny-en-fr"]
