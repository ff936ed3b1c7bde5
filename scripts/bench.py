"""Benchmarks measured side by side in ONE run, so ratios hold on a noisy machine.

    python scripts/bench.py [--quick] [--json FILE]

- Translation throughput with a model shaped exactly like opus-mt-de-en (random weights; the
  reference config in scripts/reference/), beam 4, the same German news sentences from seeds/,
  output length forced equal for every system: one generate() per sentence (naive), the
  transformers backend (length-sorted batches), the same with torch dynamic int8, and the
  default backend (CTranslate2 int8). Each system runs in its own process: its peak RSS is its own.
- Peak RSS of a translate run through the service (import, translate, commit).
- The cache path: the second translation of a translated article against the first.
- The TUI's first paint, from process start.
- `workbench translate` over articles made from fixture text, --jobs 1 against --jobs 2 and, with
  the cluster extra, a local Ray with 2 workers (with the tiny trained model: a random model never
  stops generating).
- How often int8 output differs from the float32 reference (tiny model, fixture sentences).
- `--cold` (on its own): a fresh process with the model already converted: wall time and peak RSS
  of `workbench translate` on a one-sentence article, and in the TUI (pilot) the time from Enter
  on an article to its first translated row.
- `--adapt` (on its own): `workbench adapt`'s fine-tuning on CPU with the opus-mt-de-en-shaped
  model: seconds per epoch over 100 pairs and the peak RSS of the process; `--adapt --pairs-500`
  also runs 500 pairs end to end with the defaults (wall and CPU seconds, peak RSS);
  `--adapt-steps` (on its own): CPU-seconds per step, one thread, last session's step against
  the embedding frozen and against the default step, side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_test_model import ensure_model, recipe_of  # noqa: E402  (torch-free)

REFERENCE = ROOT / "scripts" / "reference" / "opus-mt-de-en"
PAIRS = ROOT / "tests" / "fixtures" / "de_en_news.tsv"
BENCH_MODEL = ROOT / ".cache" / "bench-models" / "opus-mt-de-en-shaped"
TINY_MODEL = ROOT / ".cache" / "test-models" / recipe_of(PAIRS) / "tiny-de-en"
"""The tests' tiny de-en model: the same cache folder, keyed by its recipe."""
SYSTEMS = ("naive", "batched", "torch_int8", "default")


# --- set-up ---------------------------------------------------------------------------------


def ensure_bench_model() -> Path:
    from workbench.testing.tiny_marian import build_reference_shaped_marian, read_pairs

    recipe = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(REFERENCE.glob("*.json")))).hexdigest()
    stamp = BENCH_MODEL / "recipe.txt"
    if not (stamp.is_file() and stamp.read_text().strip() == recipe):
        shutil.rmtree(BENCH_MODEL, ignore_errors=True)
        build_reference_shaped_marian(read_pairs(PAIRS), BENCH_MODEL, REFERENCE)
        stamp.write_text(recipe + "\n")
    return BENCH_MODEL


def ensure_tiny_model() -> Path:
    """The tests' tiny de-en model, built by its recipe into the tests' cache when missing."""
    return ensure_model(TINY_MODEL, PAIRS)


def news_sentences(count: int) -> list[str]:
    """Body sentences of the seeds, in order: real news text of real lengths."""
    from workbench.ingest.article import read_article

    sentences = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for block in read_article(path).blocks:
            if block.kind.value == "body":
                sentences.extend(block.sentences)
    return sentences[:count]


# --- workers: each runs in a fresh process ----------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _force_length(translator, tokens: int) -> None:
    """Every system generates exactly `tokens` tokens per sentence."""
    if hasattr(translator, "generation_config"):
        translator.generation_config.min_new_tokens = tokens
        translator.generation_config.max_new_tokens = tokens
        translator.generation_config.max_length = None
    else:
        translator.min_decoding_length = translator.max_decoding_length = tokens


def worker_throughput(system: str, model: Path, sentences: list[str], tokens: int, converted: Path) -> dict:
    if system == "naive":
        return _naive(model, sentences, tokens)
    from workbench.engines.translator import load_translator

    backend = {"batched": "transformers", "torch_int8": "transformers-int8", "default": "auto"}[system]
    translator = load_translator(model, backend=backend, converted_dir=converted)
    _force_length(translator, tokens)
    translator.translate(sentences[:2])  # warm-up
    started = time.perf_counter()
    translator.translate(sentences)
    seconds = time.perf_counter() - started
    return {"tok_s": tokens * len(sentences) / seconds, "seconds": seconds, "rss_mb": _peak_rss_mb(),
            "backend": translator.backend}  # fmt: skip


def _naive(model: Path, sentences: list[str], tokens: int) -> dict:
    """One generate() per sentence: what a first script without batching does."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(model)
    net = MarianMTModel.from_pretrained(model).eval()
    options = {"num_beams": 4, "min_new_tokens": tokens, "max_new_tokens": tokens}
    with torch.inference_mode():
        net.generate(**tokenizer([sentences[0]], return_tensors="pt"), **options)  # warm-up
        started = time.perf_counter()
        for sentence in sentences:
            net.generate(**tokenizer([sentence], return_tensors="pt"), **options)
    seconds = time.perf_counter() - started
    return {"tok_s": tokens * len(sentences) / seconds, "seconds": seconds, "rss_mb": _peak_rss_mb()}


def worker_translate_run(model: Path, sentences: list[str], tokens: int, workdir: Path) -> dict:
    """A translate run through the service; then the same article again from the cache."""
    from workbench.engines.translator import load_translator
    from workbench.service import Workbench
    from workbench.settings import load_workspace

    def factory(*args, **kwargs):
        translator = load_translator(*args, **kwargs)
        _force_length(translator, tokens)
        return translator

    workdir.mkdir(parents=True, exist_ok=True)
    article = workdir / "article.txt"
    article.write_text("Nachrichten aus dem Osten\n" + "\n".join(sentences) + "\n", encoding="utf-8")
    flags = {"model": str(model), "models_dir": str(workdir / "models")}

    def translate_once() -> tuple[float, int]:
        with Workbench(
            load_workspace(str(workdir / "ws"), flags, env={}), translator_factory=factory
        ) as bench:
            started = time.perf_counter()
            bench.import_paths([article])
            report = bench.translate_article(bench.articles()[0].id)
            return time.perf_counter() - started, report.from_cache

    first, first_cached = translate_once()
    second, second_cached = translate_once()
    return {"first_s": first, "second_s": second, "second_from_cache": second_cached,
            "first_from_cache": first_cached, "rss_mb": _peak_rss_mb()}  # fmt: skip


def worker_convert(model: Path, workdir: Path) -> dict:
    """The one-time int8 conversion, in its own process so no measured process carries its memory."""
    from workbench.service import Workbench
    from workbench.settings import load_workspace

    flags = {"model": str(model), "models_dir": str(workdir / "models")}
    started = time.perf_counter()
    with Workbench(load_workspace(str(workdir / "ws"), flags, env={})) as bench:
        converted = bench.translator_for(bench.route("de", "en").steps[0]).converted_dir
    return {"converted": str(converted), "convert_s": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}


def worker_agreement(model: Path, converted: Path) -> dict:
    from workbench.engines.translator import load_translator
    from workbench.testing.tiny_marian import read_pairs

    sources = [source for source, _ in read_pairs(PAIRS)]
    reference = load_translator(model, backend="transformers").translate(sources)
    default = load_translator(model, backend="auto", converted_dir=converted).translate(sources)
    differing = sum(a.text != b.text for a, b in zip(reference, default, strict=True))
    return {"int8_differs_share": differing / len(sources), "sentences": len(sources)}


def worker_first_paint(workspace: Path, started: float) -> dict:
    """Seconds from the parent's clock reading before this process started to the first paint."""
    from workbench.service import Workbench
    from workbench.settings import load_workspace
    from workbench.tui.app import WorkbenchApp

    class Probe(WorkbenchApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            self.painted = time.time()
            self.exit()

    with Workbench(load_workspace(str(workspace), env={})) as bench:
        app = Probe(bench)
        app.run(headless=True, size=(120, 40))
    return {"first_paint_s": app.painted - started, "torch_imported": "torch" in sys.modules}


ADAPT_PAIRS = 100
ADAPT_HELD_OUT = 10
ADAPT_END_TO_END = 500


def adapt_pairs(count: int) -> list[tuple[str, str]]:
    """`count` fixture pairs, the fixture's 123 cycled when more are asked for: a random model
    learns nothing either way, and what the time depends on is the sentences' lengths."""
    from workbench.testing.tiny_marian import read_pairs

    pairs = read_pairs(PAIRS)
    return [pairs[i % len(pairs)] for i in range(count)]


def worker_adapt(model: Path, workdir: Path, pairs: int, end_to_end: bool, threads: int) -> dict:
    """Fine-tune the opus-mt-shaped model as `workbench adapt` does.

    Per epoch (end_to_end false): 100 fixture pairs for 2 epochs, 10 others held out. End to end:
    `pairs` memory pairs split and given epochs exactly as `workbench adapt` does with its
    defaults. The random model never emits an end token, so validation decoding always runs to
    its length bound (twice the source's tokens plus 10): a worst case.
    """
    from workbench.engines.adaptation import AdaptConfig, adapt_model
    from workbench.service.adaptation import default_epochs, split_pairs

    if end_to_end:
        train, validation = split_pairs(adapt_pairs(pairs), 0.1, 0)
        config = AdaptConfig(epochs=default_epochs(len(train), 16), threads=threads)
    else:
        chosen = adapt_pairs(pairs + ADAPT_HELD_OUT)
        train, validation = chosen[:pairs], chosen[pairs:]
        config = AdaptConfig(epochs=2, patience=2, threads=threads)
    epoch_seconds: list[float] = []
    step_cpu: list[float] = []  # process CPU seconds after each step: contention-free work measure

    def progress(report) -> None:
        if report.epoch_seconds is None:
            step_cpu.append(time.process_time())
        else:
            epoch_seconds.append(report.epoch_seconds)

    started, cpu_started = time.perf_counter(), time.process_time()
    stats = adapt_model(model, train, validation, workdir / "adapted", config, progress)
    total = time.perf_counter() - started
    per_step_cpu = (step_cpu[-1] - step_cpu[0]) / (len(step_cpu) - 1)
    return {"epoch_s": epoch_seconds, "total_s": total, "steps": stats.steps, "rss_mb": _peak_rss_mb(),
            "step_cpu_s": per_step_cpu, "total_cpu_s": time.process_time() - cpu_started,
            "training": len(train), "held_out": len(validation), "epochs": config.epochs}  # fmt: skip


STEP_RECIPES = ("before", "frozen", "default")
"""`--adapt-steps`: last session's step (everything trained, the projection over padding too,
batches in random order), the embedding frozen alone, and `workbench adapt`'s default step."""


def worker_adapt_step(model: Path, recipe: str) -> dict:
    """CPU-seconds per optimizer step on 3 batches of 16 fixture pairs, one thread (no spinning
    threads inflate the figure on a loaded machine)."""
    import torch

    from workbench.engines import adaptation

    torch.set_num_threads(1)
    tokenizer, marian = adaptation._load(model)
    marian.train()
    optimizer = torch.optim.AdamW(adaptation._trainable(marian, recipe == "before"), lr=5e-5)
    pairs = adapt_pairs(48)
    if recipe == "default":
        batches = adaptation._Epochs(pairs, [], adaptation.AdaptConfig()).next()
    else:
        batches = [pairs[i : i + 16] for i in range(0, len(pairs), 16)]
    loss_of = adaptation._loss if recipe == "default" else _full_projection_loss
    started = time.process_time()
    for batch in batches:
        loss = loss_of(marian, tokenizer, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"step_cpu_s": (time.process_time() - started) / len(batches), "rss_mb": _peak_rss_mb()}


def _full_projection_loss(model, tokenizer, batch):
    """MarianMTModel's own loss: the vocabulary projection over every position, padding too."""
    encoded = tokenizer([s for s, _ in batch], text_target=[t for _, t in batch], return_tensors="pt",
                        padding=True, truncation=True)  # fmt: skip
    encoded["labels"][encoded["labels"] == tokenizer.pad_token_id] = -100
    return model(**encoded).loss


def bench_adapt_steps(model: Path) -> dict:
    figures = {recipe: _run_worker("adapt_step", model=model, recipe=recipe) for recipe in STEP_RECIPES}
    base = figures["before"]["step_cpu_s"]
    print("\nworkbench adapt, CPU-seconds per step of 16 pairs, one thread, side by side:")
    for recipe, run in figures.items():
        ratio = run["step_cpu_s"] / base
        print(f"  {recipe:8} {run['step_cpu_s']:.2f} CPU-s ({ratio:.2f}x), peak RSS {run['rss_mb']:.0f} MB")
    return figures


def run_adapt(model: Path, workdir: Path, end_to_end: bool) -> dict:
    """Seconds per epoch over 100 pairs; with `end_to_end`, also a whole 500-pair run."""
    runs = {"adapt_per_epoch": _run_worker("adapt", model=model, workdir=workdir, pairs=ADAPT_PAIRS,
                                           end_to_end=False, threads=2)}  # fmt: skip
    if end_to_end:
        runs["adapt_500"] = _run_worker(
            "adapt", model=model, workdir=workdir, pairs=ADAPT_END_TO_END, end_to_end=True, threads=2
        )
    return runs


def report_adapt(f: dict) -> None:
    run = f["adapt_per_epoch"]
    print(f"\nworkbench adapt, opus-mt-de-en shape, {run['training']} pairs, 2 threads, batch 16:")
    epochs = ", ".join(f"{s:.1f}" for s in run["epoch_s"])
    per_epoch = sum(run["epoch_s"]) / len(run["epoch_s"])
    print(f"  {per_epoch:.1f} s per epoch ({epochs}); peak RSS {run['rss_mb']:.0f} MB")
    cpu = f"{run['step_cpu_s']:.2f} CPU-s per step"
    print(f"  {cpu}; whole run {run['total_s']:.0f} s, {run['total_cpu_s']:.0f} CPU-s")
    if whole := f.get("adapt_500"):
        met = "met" if whole["total_s"] <= 300 and whole["rss_mb"] <= 4096 else "NOT MET"
        print(
            f"  {ADAPT_END_TO_END} pairs end to end ({whole['training']} trained, "
            f"{whole['held_out']} held out, "
            f"{whole['epochs']} epochs, {whole['steps']} steps): {whole['total_s']:.0f} s wall, "
            f"{whole['total_cpu_s']:.0f} CPU-s ({whole['step_cpu_s']:.2f} per step), peak RSS "
            f"{whole['rss_mb']:.0f} MB; target <= 300 s and < 4 GB: {met} as measured"
        )


def _run_worker(name: str, **kwargs) -> dict:
    payload = json.dumps(
        {"name": name, **{k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()}}
    )
    result = subprocess.run(
        [sys.executable, __file__, "--worker", payload], capture_output=True, text=True, timeout=7200
    )
    if result.returncode:
        raise SystemExit(f"bench worker {name} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _worker_main(payload: str) -> None:
    spec = json.loads(payload)
    name = spec.pop("name")
    paths = {k: Path(v) for k, v in spec.items() if k in ("model", "converted", "workdir", "workspace")}
    spec.update(paths)
    handler = {
        "throughput": worker_throughput,
        "translate_run": worker_translate_run,
        "convert": worker_convert,
        "agreement": worker_agreement,
        "first_paint": worker_first_paint,
        "adapt": worker_adapt,
        "adapt_step": worker_adapt_step,
        "cold_command": worker_cold_command,
        "first_segment": worker_first_segment,
        "keys": worker_keys,
    }[name]
    print(json.dumps(handler(**spec)))


# --- the runs that need the command line ----------------------------------------------------


def fixture_articles(folder: Path, count: int) -> None:
    """`count` articles of 8 fixture sentences each, shuffled deterministically."""
    from workbench.testing.tiny_marian import read_pairs

    sources = [source for source, _ in read_pairs(PAIRS)]
    generator = random.Random(0)
    folder.mkdir(parents=True)
    for number in range(count):
        picked = generator.sample(sources, 8)
        text = f"Meldung {number}: {picked[0]}\n" + "\n".join(picked[1:]) + "\n"
        (folder / f"article-{number:03d}.txt").write_text(text, encoding="utf-8")


def time_translate(folder: Path, workdir: Path, label: str, *options: str) -> float:
    """Seconds for `workbench translate` over the folder into a fresh workspace."""
    command = [
        str(Path(sys.executable).parent / "workbench"), "-w", str(workdir / f"ws-{label}"), "translate",
        str(folder), "--model", str(TINY_MODEL), "--models-dir", str(workdir / "models"), "--quiet", *options,
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=1800)
    return time.perf_counter() - started


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="workbench benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer sentences and articles: under 3 minutes")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--adapt", action="store_true", help="only the fine-tuning figures (workbench adapt)")
    parser.add_argument("--pairs-500", action="store_true", help="with --adapt: also 500 pairs end to end")
    parser.add_argument("--adapt-steps", action="store_true", help="only CPU-s per adapt step, 3 recipes")
    parser.add_argument("--cold", action="store_true", help="only the cold-start figures (converted model)")
    parser.add_argument("--keys", action="store_true", help="only the TUI's key latency while translating")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker_main(args.worker)
        return
    if args.adapt_steps:
        figures = bench_adapt_steps(ensure_bench_model())
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        return
    if args.adapt:
        bench_adapt(args.json, args.pairs_500)
        return
    if args.cold:
        bench_cold(args.json)
        return
    if args.keys:
        bench_keys(args.json)
        return

    count, tokens, articles = (24, 16, 20) if args.quick else (48, 24, 100)
    model, tiny = ensure_bench_model(), ensure_tiny_model()
    sentences = news_sentences(count)
    workdir = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    converted = workdir / "converted-int8"
    try:
        figures = run_all(model, tiny, sentences, tokens, articles, workdir, converted)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    figures.update(quick=args.quick, sentences=len(sentences), tokens_per_sentence=tokens, machine=_machine())
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def bench_adapt(json_path: Path | None, end_to_end: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    load = os.getloadavg()
    try:
        figures = run_adapt(ensure_bench_model(), workdir, end_to_end)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    figures["machine"] = _machine()
    figures["load_average"] = {"before": load, "after": os.getloadavg()}
    print(f"load average before {load[0]:.1f}, after {figures['load_average']['after'][0]:.1f}")
    report_adapt(figures)
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


# --- cold start (--cold): a fresh process with a converted model -------------------------------

COLD_RUNS = 3
COLD_ARTICLE = ROOT / "seeds" / "000_bb1e4186efedc55e.txt"


def _workbench(workdir: Path, workspace: str, *arguments: str) -> list[str]:
    """A `workbench` command line on the tiny model, with the models directory shared by all runs."""
    executable = str(Path(sys.executable).parent / "workbench")
    models = ["--model", str(TINY_MODEL), "--models-dir", str(workdir / "models")]
    return [executable, "-w", str(workdir / workspace), *arguments, *models]


def _quietly(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=1800)


def worker_cold_command(command: list[str]) -> dict:
    """Wall time, CPU time and peak RSS of one command, run as this process's only child.

    CPU time (user + system) is what the command itself costs; on a busy machine the wall time
    also holds the time it waited for a core.
    """
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def worker_first_segment(workspace: Path, model: Path, models_dir: Path) -> dict:
    """Seconds from Enter on an article (TUI under pilot) to its first translated row on screen."""
    import asyncio

    from workbench.records import Status
    from workbench.service import Workbench
    from workbench.settings import load_workspace
    from workbench.tui.app import WorkbenchApp

    async def drive(app: WorkbenchApp) -> dict:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            states: list[str] = []
            app.watch(app, "status", lambda status: states.append(status.state), init=False)
            opened, cpu = time.perf_counter(), time.process_time()
            await pilot.press("enter")
            while time.perf_counter() - opened < 120:
                await pilot.pause(0.01)
                rows = getattr(app.screen, "rows", [])
                if any(row.segment.status is Status.MT for row in rows):
                    return {"first_segment_s": time.perf_counter() - opened,
                            "first_segment_cpu_s": time.process_time() - cpu,
                            "loading_shown": "loading model…" in states}  # fmt: skip
        raise SystemExit("no translated segment within 120 s")

    flags = {"model": str(model), "models_dir": str(models_dir)}
    with Workbench(load_workspace(str(workspace), flags, env={})) as bench:
        result = asyncio.run(drive(WorkbenchApp(bench)))
    return {**result, "torch_imported": "torch" in sys.modules}


def run_cold(workdir: Path) -> dict:
    """Cold processes with the model already converted: one-sentence translate, TUI first segment.

    Each run gets a fresh workspace (nothing cached, so the model must load). `translate` is timed
    on an imported article (what translating costs) and on a new one (import included: language
    detection loads lingua's models, which the translation itself does not need).
    """
    from workbench.testing.tiny_marian import read_pairs

    sentence = read_pairs(PAIRS)[0][0]
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "warm-up.txt").write_text(read_pairs(PAIRS)[1][0] + "\n", encoding="utf-8")
    (workdir / "one.txt").write_text(sentence + "\n", encoding="utf-8")
    _quietly(_workbench(workdir, "convert", "translate", str(workdir / "warm-up.txt")))  # converts once
    one = str(workdir / "one.txt")
    imported, fresh, first = [], [], []
    for run in range(COLD_RUNS):
        _quietly(_workbench(workdir, f"ws{run}", "import", one))
        for times, workspace in ((imported, f"ws{run}"), (fresh, f"new{run}")):
            command = _workbench(workdir, workspace, "translate", one)
            times.append(_run_worker("cold_command", command=command))
        _quietly(_workbench(workdir, f"tui{run}", "import", str(COLD_ARTICLE)))
        tui = {"workspace": workdir / f"tui{run}", "model": TINY_MODEL, "models_dir": workdir / "models"}
        first.append(_run_worker("first_segment", **tui))
    return {
        "cold_runs": COLD_RUNS,
        "cold_translate_s": [r["seconds"] for r in imported],
        "cold_translate_cpu_s": [r["cpu_s"] for r in imported],
        "cold_translate_rss_mb": [r["rss_mb"] for r in imported],
        "cold_import_s": [r["seconds"] for r in fresh],
        "cold_import_cpu_s": [r["cpu_s"] for r in fresh],
        "cold_import_rss_mb": [r["rss_mb"] for r in fresh],
        "tui_first_segment_s": [r["first_segment_s"] for r in first],
        "tui_first_segment_cpu_s": [r["first_segment_cpu_s"] for r in first],
        "tui_loading_shown": all(r["loading_shown"] for r in first),
        "tui_first_segment_imports_torch": any(r["torch_imported"] for r in first),
    }


def report_cold(f: dict) -> None:
    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    print(f"\ncold process, converted tiny model, median of {f['cold_runs']} runs (all runs in brackets):")
    rows = [  # (what, seconds, MB or None, target seconds or None, target MB or 0)
        ("translate, one-sentence article", "cold_translate_s", "cold_translate_rss_mb", 1.0, 250),
        ("import + translate, new article", "cold_import_s", "cold_import_rss_mb", None, 0),
        ("TUI: Enter to first translated row", "tui_first_segment_s", None, 1.5, 0),
    ]
    for name, seconds_key, rss_key, seconds_target, rss_target in rows:
        seconds = median(f[seconds_key])
        line = f"  {name:36s} {seconds:5.2f} s [{', '.join(f'{s:.2f}' for s in f[seconds_key])}]"
        met = seconds_target is None or seconds <= seconds_target
        line += f"  {median(f[seconds_key.removesuffix('_s') + '_cpu_s']):5.2f} s CPU"
        if rss_key:
            rss = median(f[rss_key])
            line += f"  {rss:4.0f} MB peak RSS"
            met = met and (not rss_target or rss <= rss_target)
        if seconds_target is not None:
            target = f"<= {seconds_target} s" + (f", <= {rss_target} MB" if rss_target else "")
            line += f"   target {target}: {'met' if met else 'NOT MET'}"
        print(line)
    print(f"  TUI showed 'loading model…': {f['tui_loading_shown']}; imported torch: "
          f"{f['tui_first_segment_imports_torch']}")  # fmt: skip


def bench_cold(json_path: Path | None) -> None:
    ensure_tiny_model()
    workdir = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    try:
        figures = run_cold(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    figures["machine"] = _machine()
    report_cold(figures)
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


# --- key latency (--keys): the TUI while a long article translates ------------------------------

KEY_SEGMENTS = 500
KEY_PRESSES = 40


def worker_keys(workspace: Path, model: Path, models_dir: Path) -> dict:
    """Milliseconds per key (down) while an article of 500 segments translates in the
    background, and the same keys once it is done."""
    import asyncio

    from textual import events

    from workbench.service import Workbench
    from workbench.settings import load_workspace
    from workbench.tui.app import WorkbenchApp

    async def presses(app: WorkbenchApp, count: int) -> list[float]:
        """Each `down` posted as the terminal would send it, timed until the cursor has moved
        and the next frame is drawn. (Pilot's own `press` waits on every widget of the screen,
        thousands in a long article: the harness's cost, not the app's.)"""
        times = []
        for _ in range(count):
            screen = app.screen
            before = screen.cursor
            started = time.perf_counter()
            app.post_message(events.Key("down", None))
            while screen.cursor == before:
                await asyncio.sleep(0.001)
            await screen.wait_for_refresh()  # the frame that shows it
            times.append((time.perf_counter() - started) * 1000)
        return times

    async def drive(app: WorkbenchApp) -> dict:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            while not app.status.state.startswith("translating "):
                await pilot.pause(0.01)
            busy = await presses(app, KEY_PRESSES)
            still_translating = app.status.busy
            while app.status.busy:
                await pilot.pause(0.1)
            await pilot.press("home")
            idle = await presses(app, KEY_PRESSES)
        return {"busy_ms": busy, "idle_ms": idle, "translating_throughout": still_translating}

    flags = {"model": str(model), "models_dir": str(models_dir)}
    with Workbench(load_workspace(str(workspace), flags, env={})) as bench:
        return asyncio.run(drive(WorkbenchApp(bench)))


def bench_keys(json_path: Path | None) -> None:
    """An article of 500 distinct fixture-like sentences, so each is translated, not cached."""
    from workbench.testing.tiny_marian import read_pairs

    ensure_tiny_model()
    workdir = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    try:
        sources = [source for source, _ in read_pairs(PAIRS)]
        lines = [f"{sources[n % len(sources)].rstrip('.')} ({n})." for n in range(KEY_SEGMENTS)]
        article = workdir / "long.txt"
        article.write_text("Ein langer Artikel\n" + "\n".join(lines) + "\n", encoding="utf-8")
        _quietly(_workbench(workdir, "ws", "import", str(article)))
        figures = _run_worker(
            "keys", workspace=workdir / "ws", model=TINY_MODEL, models_dir=workdir / "models"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def quantile(values: list[float], share: float) -> float:
        return sorted(values)[min(len(values) - 1, int(share * len(values)))]

    for name in ("busy", "idle"):
        values = figures[f"{name}_ms"]
        figures[f"{name}_median_ms"], figures[f"{name}_p90_ms"] = quantile(values, 0.5), quantile(values, 0.9)
    figures["machine"] = _machine()
    print(f"\nTUI key latency (down), {KEY_PRESSES} presses, article of {KEY_SEGMENTS} segments:")
    busy = f"median {figures['busy_median_ms']:.0f} ms, p90 {figures['busy_p90_ms']:.0f} ms"
    print(f"  while translating: {busy} (translating throughout: {figures['translating_throughout']})"
          "   target <= 100 ms")  # fmt: skip
    print(
        f"  idle:              median {figures['idle_median_ms']:.0f} ms, p90 {figures['idle_p90_ms']:.0f} ms"
    )
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


def run_all(model: Path, tiny: Path, sentences: list[str], tokens: int, articles: int, workdir: Path,
            converted: Path) -> dict:  # fmt: skip
    figures: dict = {}
    conversion = _run_worker("convert", model=model, workdir=workdir / "run")
    converted = Path(conversion["converted"])
    figures["int8_conversion_s"], figures["int8_conversion_rss_mb"] = (
        conversion["convert_s"],
        conversion["rss_mb"],
    )
    for system in SYSTEMS:
        result = _run_worker("throughput", system=system, model=model, sentences=sentences, tokens=tokens,
                             converted=converted)  # fmt: skip
        figures[f"{system}_tok_s"] = result["tok_s"]
        figures[f"{system}_rss_mb"] = result["rss_mb"]
    figures["default_backend"] = "ctranslate2"
    figures["default_vs_naive"] = figures["default_tok_s"] / figures["naive_tok_s"]
    figures["default_vs_batched"] = figures["default_tok_s"] / figures["batched_tok_s"]
    run = _run_worker(
        "translate_run", model=model, sentences=sentences, tokens=tokens, workdir=workdir / "run"
    )
    figures["peak_rss_mb"] = run["rss_mb"]
    figures["first_translation_s"], figures["cached_translation_s"] = run["first_s"], run["second_s"]
    figures["cache_speedup"] = run["first_s"] / run["second_s"]
    figures["cache_hits_second_run"] = run["second_from_cache"]
    figures.update(_run_worker("agreement", model=tiny, converted=workdir / "tiny-int8"))

    folder = workdir / "articles"
    fixture_articles(folder, articles)
    _prepare_tui_workspace(workdir / "tui")
    paint = _run_worker("first_paint", workspace=workdir / "tui", started=time.time())
    figures["tui_first_paint_s"] = paint["first_paint_s"]
    figures["tui_imports_torch"] = paint["torch_imported"]
    figures["articles"] = articles
    figures["jobs1_s"] = time_translate(folder, workdir, "jobs1", "--jobs", "1")
    figures["jobs2_s"] = time_translate(folder, workdir, "jobs2", "--jobs", "2")
    figures["jobs2_vs_jobs1"] = figures["jobs1_s"] / figures["jobs2_s"]
    if importlib.util.find_spec("ray"):  # the cluster extra
        figures["ray2_s"] = time_translate(folder, workdir, "ray2", "--ray", "--ray-workers", "2")
        figures["ray2_vs_jobs2"] = figures["jobs2_s"] / figures["ray2_s"]
    return figures


def _prepare_tui_workspace(workspace: Path) -> None:
    from workbench.service import Workbench
    from workbench.settings import load_workspace

    with Workbench(load_workspace(str(workspace), env={})) as bench:
        bench.import_paths([ROOT / "seeds"])


def _machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def report(f: dict) -> None:
    rows = [
        ("naive: generate() per sentence", f"{f['naive_tok_s']:.1f} tok/s", f"{f['naive_rss_mb']:.0f} MB"),
        (
            "transformers, length-sorted batches",
            f"{f['batched_tok_s']:.1f} tok/s",
            f"{f['batched_rss_mb']:.0f} MB",
        ),
        ("  + torch dynamic int8", f"{f['torch_int8_tok_s']:.1f} tok/s", f"{f['torch_int8_rss_mb']:.0f} MB"),
        ("default: CTranslate2 int8", f"{f['default_tok_s']:.1f} tok/s", f"{f['default_rss_mb']:.0f} MB"),
    ]
    print(f"\n{f['sentences']} sentences x {f['tokens_per_sentence']} tokens, beam 4, opus-mt-de-en shape")
    for name, rate, rss in rows:
        print(f"  {name:38s} {rate:>14s} {rss:>8s} peak RSS")
    checks = [  # (what, measured, target, met)
        ("default vs naive", f"{f['default_vs_naive']:.1f}x", ">= 15x", f["default_vs_naive"] >= 15),
        ("default vs batched", f"{f['default_vs_batched']:.1f}x", ">= 3x", f["default_vs_batched"] >= 3),
        ("peak RSS of a translate run", f"{f['peak_rss_mb']:.0f} MB", "<= 1 GB", f["peak_rss_mb"] <= 1024),
        ("cache path vs first translation", f"{f['cache_speedup']:.0f}x", ">= 50x", f["cache_speedup"] >= 50),
        ("TUI first paint", f"{f['tui_first_paint_s']:.2f} s", "<= 1 s", f["tui_first_paint_s"] <= 1.0),
    ]
    print("\ntargets")
    for name, value, target, met in checks:
        print(f"  {name:34s} {value:>10s}   target {target:8s} {'met' if met else 'NOT MET'}")
    share = f["int8_differs_share"]
    print(f"\nint8 output differs from float32 transformers on {share:.0%} of fixture sentences")
    print(
        f"workbench translate, {f['articles']} articles (tiny model): --jobs 1 {f['jobs1_s']:.1f} s, "
        f"--jobs 2 {f['jobs2_s']:.1f} s ({f['jobs2_vs_jobs1']:.2f}x)"
    )
    if "ray2_s" in f:
        print(f"  --ray, local Ray with 2 workers: {f['ray2_s']:.1f} s ({f['ray2_vs_jobs2']:.2f}x --jobs 2)")


if __name__ == "__main__":
    main()
