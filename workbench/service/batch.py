"""Batch translation of many articles: translate, write outputs, report; in one process or several.

The same `Workbench` the TUI uses does the work, so the cache, the per-batch commits and the
precedence of reviewer edits are the same. Outputs of an article are written as soon as it is
translated, atomically, so a run killed at any moment resumes from the cache and leaves no
half-written file.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.engines.model_files import ModelError
from workbench.export.document import ExportArticle
from workbench.export.files import COMBINED_NAME, DiskFull, OutputError, output_stem, write_atomic
from workbench.export.formats import FORMATS
from workbench.export.jsonl import render_jsonl
from workbench.records import TranslateReport
from workbench.service import Workbench
from workbench.service.cluster import ClusterOptions
from workbench.settings import Workspace

ArticleProgress = Callable[[int, TranslateReport], None]
"""Called with (article id, that article's report so far) after every committed batch."""
ArticleDone = Callable[[int, "TranslateReport | str"], None]
"""Called once per article when it is finished: its report, or why it failed."""


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path | None = None
    formats: tuple[str, ...] = ()
    combined: bool = False
    include_boilerplate: bool = False
    jobs: int = 1
    target: str | None = None
    """Another language than the workspace's: machine translations only."""
    cluster: ClusterOptions | None = None
    """Translate on Ray (see cluster.py) instead of in this process."""


@dataclass
class BatchResult:
    report: TranslateReport = field(default_factory=TranslateReport)
    outputs: list[Path] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(article path, one-line reason)"""


def run_batch(
    bench: Workbench,
    article_ids: Sequence[int],
    options: BatchOptions,
    on_progress: ArticleProgress | None = None,
    on_done: ArticleDone | None = None,
) -> BatchResult:
    """Translate the articles and write their outputs; one failing article does not stop the rest."""
    started = time.monotonic()
    result = BatchResult()
    bench.check_routes(article_ids, options.target)  # no model at all: fail before any work
    if options.cluster:
        _prefetch_on_cluster(bench, article_ids, options)
        options = replace(options, jobs=1)  # what is left is assignment from the cache
    translate = _translate_parallel if options.jobs > 1 and len(article_ids) > 1 else _translate_serial
    if options.out_dir:
        _check_out_dir(options.out_dir)  # a file or device as --out: refused before any work
    names = _output_names(bench, article_ids)
    protected = bench.workspace.own_files()
    documents: dict[int, ExportArticle] = {}
    for article_id, outcome in translate(bench, article_ids, options, on_progress):
        if on_done:
            on_done(article_id, outcome)
        if isinstance(outcome, str):
            result.failures.append((bench.article(article_id).path, outcome))
            continue
        result.report.add(outcome)
        if options.out_dir:
            documents[article_id] = bench.export_document(article_id, options.target)
            try:
                document, stem = documents[article_id], names[article_id]
                result.outputs += _write_article(document, options.out_dir, stem, options, protected)
            except DiskFull:
                raise  # every later write would fail too; the translations are committed
            except OutputError as error:
                result.failures.append((bench.article(article_id).path, str(error)))
    if options.out_dir and options.combined:
        combined = [  # failed ones too
            documents.get(i) or bench.export_document(i, options.target) for i in article_ids
        ]
        path = options.out_dir / COMBINED_NAME
        write_atomic(path, render_jsonl(combined), protected)
        result.outputs.append(path)
    result.report.seconds = time.monotonic() - started
    return result


def _prefetch_on_cluster(bench: Workbench, article_ids: Sequence[int], options: BatchOptions) -> None:
    from workbench.service.cluster import RayExecutor

    executor = RayExecutor(bench.settings, options.cluster or ClusterOptions())
    try:
        bench.prefetch(article_ids, executor, options.target)
    finally:
        executor.shutdown()


def _check_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out {out_dir}: exists and is not a directory") from None
    except OSError as error:
        raise OutputError(f"--out {out_dir}: cannot create ({error.strerror or error})") from None


def _write_article(
    document: ExportArticle, out_dir: Path, stem: str, options: BatchOptions, protected: Sequence[Path]
) -> list[Path]:
    paths = []
    for name in options.formats:
        output = FORMATS[name]
        path = out_dir / f"{stem}.{output.extension}"
        write_atomic(path, output.render(document, options.include_boilerplate), protected)
        paths.append(path)
    return paths


def _output_names(bench: Workbench, article_ids: Sequence[int]) -> dict[int, str]:
    """File stems unique per source path and the same in every run (see `output_stem`)."""
    return {i: output_stem(bench.article(i).path, f"article-{i}") for i in article_ids}


def _translate_serial(
    bench: Workbench, article_ids: Sequence[int], options: BatchOptions, on_progress: ArticleProgress | None
):
    for article_id in article_ids:
        callback = (lambda report, a=article_id: on_progress(a, report)) if on_progress else None
        yield article_id, _translate_one(bench, article_id, callback, options.target)


def _translate_one(bench: Workbench, article_id: int, callback, target: str | None) -> TranslateReport | str:
    try:
        return bench.translate_article(article_id, on_progress=callback, target=target)
    except ModelError as error:
        return str(error)  # this article's language has no model; the others may
    except Exception as error:  # noqa: BLE001 - one broken article must not stop the batch
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(": ")


# --- several processes ----------------------------------------------------------------------

_worker_bench: Workbench | None = None
_worker_events: queue.Queue | None = None


def _start_worker(workspace: Workspace, events: queue.Queue, threads: int) -> None:
    """Each worker process opens the workspace once and loads the model once, on first use.

    Its math libraries get `threads` threads, set before torch is imported: N processes each
    spinning up one thread per core oversubscribe the CPU (measured: 9x slower on 2 cores).
    """
    global _worker_bench, _worker_events
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(threads)
    _worker_bench = Workbench(workspace)
    _worker_events = events


def _worker_translate(article_id: int, target: str | None) -> TranslateReport | str:
    bench, events = _worker_bench, _worker_events
    assert bench is not None and events is not None, "the pool's initializer opens the workspace"

    def forward(report: TranslateReport) -> None:
        events.put((article_id, report))

    return _translate_one(bench, article_id, forward, target)


def _translate_parallel(
    bench: Workbench, article_ids: Sequence[int], options: BatchOptions, on_progress: ArticleProgress | None
):
    """Articles spread over `jobs` processes (spawned: torch and fork do not mix)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        events = manager.Queue()
        relay = _Relay(events, on_progress)
        relay.start()
        try:
            with ProcessPoolExecutor(
                max_workers=options.jobs,
                mp_context=context,
                initializer=_start_worker,
                initargs=(bench.workspace, events, max(1, (os.cpu_count() or 1) // options.jobs)),
            ) as pool:
                futures = {
                    pool.submit(_worker_translate, article_id, options.target): article_id
                    for article_id in article_ids
                }
                for future in as_completed(futures):
                    yield futures[future], future.result()
        finally:
            relay.stop()


class _Relay(threading.Thread):
    """Forwards progress events from worker processes to the caller's callback."""

    def __init__(self, events: queue.Queue, on_progress: ArticleProgress | None) -> None:
        super().__init__(daemon=True)
        self.events = events
        self.on_progress = on_progress
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                article_id, report = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            except (EOFError, OSError):
                return
            if self.on_progress:
                self.on_progress(article_id, report)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=2)
