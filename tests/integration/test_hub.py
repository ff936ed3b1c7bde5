"""`workbench models pull` and first-use downloads against a local hub (tests/local_hub.py).

The hub serves the tiny models under their real names, in the shapes real repos have: safetensors
on main; only pytorch_model.bin on main with the conversion bot's safetensors in a pull request;
only pytorch_model.bin. The workbench runs as a user runs it (a process with HF_ENDPOINT and its own
HF_HOME), and what it pulled must translate and summarise exactly as the model it was made from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import tiny_models
from tests.local_hub import OTHER_FRAMEWORKS, LocalHub, model_files, shapes
from tests.paths import SEEDS

WORKBENCH = Path(sys.executable).parent / "workbench"
OPUS = "Helsinki-NLP/opus-mt-de-en"
SUMMARIZER = "sshleifer/distilbart-cnn-12-6"
SEED = SEEDS / "000_bb1e4186efedc55e.txt"
SEED_TITLE = "Russia declines to comment on North Korean soldiers"
SOURCES = {
    "safetensors": "safetensors of main@",
    "pr": "safetensors of refs/pr/2@",
    "bin": "pytorch_model.bin of main@",
}


@pytest.fixture(scope="module")
def opus_shapes() -> dict:
    return shapes(tiny_models.de_en())


@pytest.fixture
def hub():
    with LocalHub() as server:
        yield server


def workbench(hub: LocalHub, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """The console script on a temporary workspace and store, pointed at the local hub."""
    command, env = invocation(hub, tmp_path, *args)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def invocation(hub: LocalHub, tmp_path: Path, *args: str) -> tuple[list[str], dict]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "WORKBENCH_"))}
    env = {**clean, "HF_ENDPOINT": hub.endpoint, "HF_HOME": str(tmp_path / "hf")}
    return [str(WORKBENCH), "-w", str(tmp_path / "W"), "--models-dir", str(tmp_path / "models"), *args], env


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one error line, checked to be the only one and without a traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("workbench: error:")]
    return line


def fixture_texts(count: int = 4) -> tuple[list[str], list[str]]:
    from workbench.testing.tiny_marian import read_pairs

    pairs = read_pairs(tiny_models.DE_EN_PAIRS)[:count]
    return [source for source, _ in pairs], [target for _, target in pairs]


def translations(model_dir: Path, backend: str, converted: Path) -> list[str]:
    from workbench.engines.translator import load_translator

    translator = load_translator(model_dir, backend, converted_dir=converted)
    return [t.text for t in translator.translate(fixture_texts()[0])]


@pytest.mark.parametrize(
    ("shape", "spec"),
    [("safetensors", OPUS), ("pr", "de-en"), ("bin", OPUS)],
    ids=["safetensors", "pr", "bin"],
)
def test_pull_each_shape_and_translate_with_both_backends(hub, opus_shapes, tmp_path, shape, spec) -> None:
    main, pull_requests = opus_shapes[shape]
    hub.add(OPUS, main, pull_requests)

    pulled = workbench(hub, tmp_path, "models", "pull", spec)

    assert pulled.returncode == 0, pulled.stderr
    store = tmp_path / "models" / OPUS
    assert f"pulled {OPUS} into {store} (weights: {SOURCES[shape]}" in pulled.stdout
    names = {p.name for p in store.iterdir()}
    assert "model.safetensors" in names and "pytorch_model.bin" not in names
    assert not names & set(OTHER_FRAMEWORKS)
    assert not {name for name, _ in hub.served} & {*OTHER_FRAMEWORKS, "model.safetensors.index.json"}
    assert not any((tmp_path / "models" / ".partial").rglob("config.json"))
    provenance = json.loads((store / "workbench-provenance.json").read_text())
    assert provenance["repo"] == OPUS and provenance["revision"] == "main"
    if (
        shape == "pr"
    ):  # the bot's conversion of these weights: not pr 3 (other weights), not pr 4 (not the bot)
        assert provenance["weights_ref"] == "refs/pr/2"
        assert provenance["weights_commit"] == hub.repos[OPUS].pull_requests[2].sha
    if shape == "bin":
        source = main["pytorch_model.bin"]
        assert provenance["converted_from"] == [
            {"file": "pytorch_model.bin", "sha256": hashlib.sha256(source).hexdigest()}
        ]
    _assert_same_tensors(store / "model.safetensors", tiny_models.de_en() / "model.safetensors")

    listing = workbench(hub, tmp_path, "models", "list")
    assert f"weights: {SOURCES[shape]}" in listing.stdout

    for backend in ("transformers", "ctranslate2"):
        original = translations(tiny_models.de_en(), backend, tmp_path / f"ct2-original-{backend}")
        assert translations(store, backend, tmp_path / f"ct2-{backend}") == original, backend
        assert original[0] == fixture_texts()[1][0]  # a model that translates, not noise twice

    served = len(hub.served)
    again = workbench(hub, tmp_path, "models", "pull", spec)
    assert again.returncode == 0 and f"{OPUS}: up to date" in again.stderr
    assert len(hub.served) == served  # nothing downloaded twice


def _assert_same_tensors(pulled: Path, original: Path) -> None:
    """Every tensor of the original model is in the pulled file, bit for bit."""
    import torch
    from safetensors.torch import load_file

    got, want = load_file(pulled), load_file(original)
    assert set(want) <= set(got)
    assert all(torch.equal(got[name], tensor) for name, tensor in want.items())


def test_summarizer_pulls_and_summarises_as_the_original(hub, tmp_path) -> None:
    """distilbart-cnn with only pytorch_model.bin: converted, and it writes what the original writes."""
    from workbench.engines.summarizer import load_summarizer

    main, _ = shapes(tiny_models.bart())["bin"]
    hub.add(SUMMARIZER, main)

    pulled = workbench(hub, tmp_path, "models", "pull", SUMMARIZER)

    assert pulled.returncode == 0, pulled.stderr
    store = tmp_path / "models" / SUMMARIZER
    text = [fixture_texts(6)[1]]
    for backend in ("transformers", "ctranslate2"):
        want = load_summarizer(tiny_models.bart(), backend, tmp_path / "ct2-original")
        got = load_summarizer(store, backend, tmp_path / f"ct2-{backend}")
        summaries = [s.summarize(text, 2, _sentences) for s in (got, want)]
        assert [p.text for p in summaries[0]] == [p.text for p in summaries[1]], backend


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.split(".") if s.strip()]


def test_first_use_download_during_translate(hub, opus_shapes, tmp_path) -> None:
    """A fresh workspace with the default model: `translate` fetches it, then translates."""
    hub.add(OPUS, *opus_shapes["pr"])

    result = workbench(hub, tmp_path, "translate", str(SEED))

    assert result.returncode == 0, result.stderr
    assert f"{OPUS}: " in result.stderr and f"MB from {hub.endpoint}" in result.stderr
    assert (tmp_path / "models" / OPUS / "model.safetensors").is_file()
    assert SEED_TITLE in workbench(hub, tmp_path, "show", "1").stdout


def test_models_path_then_the_seeds_translate_without_the_hub(hub, opus_shapes, tmp_path) -> None:
    """make run's path: `models path` resolves (downloads) the default model; later runs are local."""
    hub.add(OPUS, *opus_shapes["bin"])

    path = workbench(hub, tmp_path, "models", "path")
    assert path.returncode == 0, path.stderr
    assert path.stdout.strip() == str(tmp_path / "models" / OPUS)
    hub.stop()

    translated = workbench(hub, tmp_path, "translate", str(SEEDS))
    assert translated.returncode == 0, translated.stderr
    assert SEED_TITLE in workbench(hub, tmp_path, "show", "1").stdout


@pytest.mark.parametrize("shape", ["safetensors", "bin"])
def test_the_hf_cache_is_reused_offline(hub, opus_shapes, tmp_path, shape) -> None:
    """A model already in the Hugging Face cache (as `hf download` leaves it) needs no network."""
    hub.add(OPUS, *opus_shapes[shape])
    cache_env = {"HF_ENDPOINT": hub.endpoint, "HF_HOME": str(tmp_path / "hf"), "PATH": os.environ["PATH"]}
    subprocess.run(
        [sys.executable, "-c", f"from huggingface_hub import snapshot_download; snapshot_download('{OPUS}')"],
        env=cache_env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    hub.stop()

    path = workbench(hub, tmp_path, "--offline", "models", "path")

    assert path.returncode == 0, path.stderr
    resolved = Path(path.stdout.strip())
    if shape == "safetensors":  # used where it is
        assert resolved.is_relative_to(tmp_path / "hf" / "hub") and (resolved / "model.safetensors").exists()
        return
    assert resolved == tmp_path / "models" / OPUS  # converted once into the store
    listing = workbench(hub, tmp_path, "--offline", "models", "list").stdout
    assert "weights: pytorch_model.bin of Hugging Face cache@" in listing
    original = translations(tiny_models.de_en(), "transformers", tmp_path / "ct2")
    assert translations(resolved, "transformers", tmp_path / "ct2") == original


class _Payload:
    """Pickles as a call to os.mkdir: what a hostile checkpoint would do on a plain torch.load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("content", ["code", "list"])
def test_a_pickle_that_is_not_tensors_is_refused_and_never_run(hub, tmp_path, content) -> None:
    import torch

    marker = tmp_path / "payload-ran"
    buffer = io.BytesIO()
    torch.save(_Payload(marker) if content == "code" else [torch.zeros(2)], buffer)
    files = {k: v for k, v in model_files(tiny_models.de_en()).items() if k != "model.safetensors"}
    hub.add("acme/opus-mt-de-en-pickled", {**files, "pytorch_model.bin": buffer.getvalue()})

    line = error_line(workbench(hub, tmp_path, "models", "pull", "acme/opus-mt-de-en-pickled"))

    assert line.startswith("workbench: error: acme/opus-mt-de-en-pickled (main) pytorch_model.bin: refused: ")
    assert ("posix.mkdir" in line) if content == "code" else ("holds a list" in line)
    assert not marker.exists()
    assert not (tmp_path / "models" / "acme").exists()
    assert not any((tmp_path / "models" / ".partial").rglob("*.bin*"))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Helsinki-NLP/opus-mt-de-xx", "no such repository at http://127.0.0.1:"),
        ("acme/gated", "a gated repository: accept its conditions at"),
        ("acme/tf-only", "'acme/tf-only' has no usable weights on main"),
    ],
)
def test_missing_gated_and_weightless_repos_are_one_line(hub, tmp_path, name, reason) -> None:
    files = {k: v for k, v in model_files(tiny_models.de_en()).items() if k != "model.safetensors"}
    hub.add("acme/gated", {**files, "model.safetensors": b"weights"}, gated=True)
    hub.add("acme/tf-only", {**files, **OTHER_FRAMEWORKS})

    line = error_line(workbench(hub, tmp_path, "models", "pull", name))

    assert reason in line
    assert not (tmp_path / "models" / name).exists()


def test_an_interrupted_download_leaves_no_model_and_resumes(hub, opus_shapes, tmp_path) -> None:
    main, _ = opus_shapes["safetensors"]
    hub.add(OPUS, main)
    cut = len(main["model.safetensors"]) // 2
    hub.drop_after("model.safetensors", cut)

    line = error_line(workbench(hub, tmp_path, "models", "pull", OPUS))

    assert "the download broke off" in line and "run the command again to resume" in line
    assert not (tmp_path / "models" / OPUS).exists()
    part = tmp_path / "models" / ".partial" / OPUS / "model.safetensors.incomplete"
    assert part.stat().st_size == cut
    hub.heal()
    served_before = len(hub.served)

    resumed = workbench(hub, tmp_path, "models", "pull", OPUS)

    assert resumed.returncode == 0, resumed.stderr
    assert ("model.safetensors", f"bytes={cut}-") in hub.served[served_before:]
    assert ("config.json", None) not in hub.served[served_before:]  # finished files are kept
    pulled = (tmp_path / "models" / OPUS / "model.safetensors").read_bytes()
    assert pulled == main["model.safetensors"]
    assert not (tmp_path / "models" / ".partial" / OPUS).exists()


def test_a_killed_pull_leaves_no_model_and_resumes_where_it_stopped(hub, opus_shapes, tmp_path) -> None:
    main, _ = opus_shapes["safetensors"]
    hub.add(OPUS, main)
    hub.slow_down("model.safetensors")
    part = tmp_path / "models" / ".partial" / OPUS / "model.safetensors.incomplete"
    command, env = invocation(hub, tmp_path, "models", "pull", OPUS)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (part.is_file() and part.stat().st_size > 1_000_000):
        assert process.poll() is None and time.monotonic() < deadline, "the pull ended before it was killed"
        time.sleep(0.05)
    process.kill()
    process.wait()
    kept = part.stat().st_size
    assert 0 < kept < len(main["model.safetensors"])
    assert not (tmp_path / "models" / OPUS).exists()
    hub.heal()

    resumed = workbench(hub, tmp_path, "models", "pull", OPUS)

    assert resumed.returncode == 0, resumed.stderr
    assert hub.served[-1] == ("model.safetensors", f"bytes={kept}-")
    assert (tmp_path / "models" / OPUS / "model.safetensors").read_bytes() == main["model.safetensors"]


def test_disk_space_is_checked_before_downloading(hub, opus_shapes, tmp_path, monkeypatch) -> None:
    import shutil

    from huggingface_hub import constants

    from workbench.engines.model_files import ModelError, pull_model

    hub.add(OPUS, *opus_shapes["bin"])
    monkeypatch.setattr(constants, "ENDPOINT", hub.endpoint)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    )
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=1_000_000))

    with pytest.raises(
        ModelError, match=r"not enough disk space for 'Helsinki-NLP/opus-mt-de-en': 1[5-7]\.\d MB needed"
    ):
        pull_model(OPUS, tmp_path / "models")
    assert hub.served == []
