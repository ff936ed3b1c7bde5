"""What each CLI command does and prints; cli.py only parses arguments and maps errors.

The service (and through it torch) is imported by the handlers that need it, so `--help` and
`models list` answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.settings import Workspace

if TYPE_CHECKING:
    from workbench.records import TranslateReport


def _open(workspace: Workspace, create: bool = False):  # -> Workbench; imported late (start-up)
    """The workspace's service. Only commands that add articles create a workspace: a read-only
    command on a mistyped `-w` says there is none instead of creating an empty one."""
    from workbench.service import Workbench

    if not create and not workspace.db_path.exists():
        raise WorkspaceMissing(
            f"no workspace at {workspace.path} (no {workspace.db_path.name}); "
            "create one with: workbench import PATH"
        )
    return Workbench(workspace)


class WorkspaceMissing(WorkbenchError):
    """A command that reads a workspace was pointed at a directory that holds none."""


def import_paths(workspace: Workspace, args: argparse.Namespace) -> int:
    """Files and folders, pages by URL, feeds: one line each (quiet: errors, warnings and the
    feeds' lines); exit 1 when anything failed, after importing the rest."""
    quiet = getattr(args, "quiet", False)
    feeds = list(getattr(args, "feed", []))
    if getattr(args, "feeds", False):
        if not workspace.settings.feeds:
            raise WorkbenchError(f"no feeds in {workspace.path / 'workbench.toml'}: add a [feeds] table")
        feeds += workspace.settings.feeds.values()
    with _open(workspace, create=True) as bench:
        failures = []
        if args.paths:
            failures += _report_imports(_import_targets(bench, [str(p) for p in args.paths]), quiet)
        for source in dict.fromkeys(feeds):
            report = bench.import_feed(source)
            if report.error:
                print(f"error: {source}: {report.error}", file=sys.stderr)
            elif report.results:
                _report_imports(report.results, quiet)
            print(report.line())
            failures += [(source, "feed")] * report.counts()["failed"]
    return 1 if failures else 0


def _import_targets(bench, targets: list[str]) -> list:
    """Import files and folders, then fetch the http(s) URLs among the targets."""
    from workbench.ingest.fetch import is_url

    paths = [Path(t) for t in targets if not is_url(t)]
    urls = [t for t in targets if is_url(t)]
    return (bench.import_paths(paths) if paths else []) + (bench.import_urls(urls) if urls else [])


def _report_imports(results: list, quiet: bool = False) -> list[tuple[str, str]]:
    """Print one line per file (quiet: only errors and warnings); return the (path, reason) of
    the files that failed."""
    for result in results:
        if result.error:
            print(f"error: {result.path}: {result.error}", file=sys.stderr)
            continue
        for warning in result.warnings:
            print(f"warning: {result.path}: {warning}", file=sys.stderr)
        if not quiet:
            note = f"  ({result.note})" if getattr(result, "note", None) else ""
            print(f"{result.outcome.value:9s} #{result.article_id}  {result.path}{note}")
    if not results:
        print("no .txt, .md or .html files found", file=sys.stderr)
        return [("(input)", "no .txt, .md or .html files found")]
    return [(r.path, r.error) for r in results if r.error]


def translate(workspace: Workspace, args: argparse.Namespace) -> int:
    if args.quiet:  # no download or weight-loading bars either (read when transformers loads)
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    from workbench.service.batch import BatchOptions, run_batch

    options = BatchOptions(
        out_dir=args.out,
        formats=args.formats if args.out else (),
        combined=args.combined,
        include_boilerplate=args.include_boilerplate,
        jobs=args.jobs,
        target=args.target,
        cluster=_cluster_options(args),
    )
    with _open(workspace, create=bool(args.targets)) as bench:
        ids, failures = _article_ids(bench, args.targets, args.quiet)
        if args.quiet:  # the closing line is the whole log of a one-article run
            logger = _logger(bench, ids) if len(ids) > 1 else None
            result = run_batch(bench, ids, options, on_done=logger)
        else:
            with _progress_bar(bench, ids) as on_progress:
                result = run_batch(bench, ids, options, on_progress)
        print(result.report.line())
        failures += result.failures
        if failures:
            print(f"failed: {len(failures)}", file=sys.stderr)
            for path, reason in failures:
                print(f"  {path}: {reason}", file=sys.stderr)
        if args.print_result:
            for article_id in ids:
                _print_article(bench, article_id, args.target)
    return 1 if failures else 0


def _cluster_options(args: argparse.Namespace):
    if not args.ray:
        return None
    from workbench.service.cluster import ClusterOptions

    return ClusterOptions(
        address=None if args.ray == "local" else args.ray,
        workers=args.ray_workers,
        cpus_per_worker=args.ray_cpus,
        gpus_per_worker=args.ray_gpus,
    )


def _article_ids(bench, targets: list[str], quiet: bool) -> tuple[list[int], list[tuple[str, str]]]:
    """Article ids for the given targets: ids as they are, paths imported first."""
    if not targets:
        return [a.id for a in bench.articles()], []
    ids: list[int] = []
    paths = []
    for target in targets:
        if target.isdigit() and not Path(target).exists():
            ids.append(bench.find_article(target))
        else:
            paths.append(target)
    failures: list[tuple[str, str]] = []
    if paths:
        results = _import_targets(bench, paths)
        failures = _report_imports(results, quiet)
        ids.extend(r.article_id for r in results if r.article_id is not None)
    return list(dict.fromkeys(ids)), failures


def _logger(bench, article_ids: list[int]):
    """--quiet over several articles: one line per finished article (run_batch calls it once
    per article, whatever the batches and language groups); failures come with the closing line."""
    paths = {i: bench.article(i).path for i in article_ids}

    def log(article_id: int, outcome) -> None:
        if not isinstance(outcome, str):
            counts = f"{outcome.segments} segments ({outcome.from_cache} from cache)"
            print(f"#{article_id} {paths[article_id]}: {counts}", flush=True)

    return log


@contextmanager
def _progress_bar(bench, article_ids: list[int]):
    """A progress bar over segments (ETA, tok/s) on stderr."""
    # Looked up now: the callback may run on a relay thread, which must not use this connection.
    estimate = {i: bench.article(i).segments for i in article_ids}
    latest: dict[int, TranslateReport] = {}
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    started = time.monotonic()
    columns = (
        TextColumn("translating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("segments · {task.fields[rate]} tok/s ·"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("translate", total=sum(estimate.values()), rate="0")

        def update(article_id: int, report: TranslateReport) -> None:
            latest[article_id] = report
            estimate[article_id] = report.segments
            tokens = sum(r.tokens for r in latest.values())
            rate = tokens / max(time.monotonic() - started, 1e-6)
            progress.update(
                task,
                total=sum(estimate.values()),
                completed=sum(r.done for r in latest.values()),
                rate=f"{rate:.0f}",
            )

        yield update


def summarize(workspace: Workspace, args: argparse.Namespace) -> int:
    with _open(workspace) as bench:
        ids = _existing_ids(bench, args.articles)
        summaries = [bench.summarize(i, args.sentences, args.ratio, args.mode, args.target) for i in ids]
        titles = {i: bench.article(i).title for i in ids}
    if args.output_format == "json":
        print(
            json.dumps(
                [_summary_json(s, titles[s.article_id]) for s in summaries], ensure_ascii=False, indent=2
            )
        )
        return 0
    for summary in summaries:
        print(f"# {titles[summary.article_id]}  (#{summary.article_id}, {summary.mode})")
        if summary.note:
            print(f"_{summary.note}_")
        print()
        for sentence in summary.sentences:
            print(f"- {sentence.text}  [segments {', '.join(map(str, sentence.segment_ids))}]")
        print()
    return 0


def _summary_json(summary, title: str) -> dict:
    return {
        "article_id": summary.article_id,
        "title": title,
        "mode": summary.mode,
        "language": summary.language,
        "note": summary.note,
        "sentences": [{"text": s.text, "segment_ids": list(s.segment_ids)} for s in summary.sentences],
    }


def digest(workspace: Workspace, args: argparse.Namespace) -> int:
    with _open(workspace) as bench:
        items = bench.digest(
            _existing_ids(bench, args.articles), per_article=args.sentences, target=args.target
        )
    if args.output_format == "json":
        rows = [{"text": item.text, "sources": [asdict(source) for source in item.sources]} for item in items]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print("# Digest\n")
    for item in items:
        where = "; ".join(
            f"#{s.article_id} {s.title}" + (f", {s.date}" if s.date else "") for s in item.sources
        )
        print(f"- {item.text}\n  ({where})")
    return 0


def _existing_ids(bench, references: list[str]) -> list[int]:
    """Article ids for ids or imported paths; every article when none are given."""
    if not references:
        return [a.id for a in bench.articles()]
    return [bench.find_article(reference) for reference in references]


def list_articles(workspace: Workspace, args: argparse.Namespace) -> int:
    """The articles, newest publication date first (undated ones after, in import order)."""
    with _open(workspace) as bench:
        articles = sorted(bench.articles(), key=lambda a: a.newest_first())
    if getattr(args, "output_format", "text") == "json":
        print(json.dumps([_info_json(a) for a in articles], ensure_ascii=False, indent=2))
        return 0
    if not articles:
        print(f"no articles in {workspace.path}; add some with: workbench import PATH")
        return 0
    print(f"{'id':>3}  {'lang':4}  {'segs':>4}  {'mt':>4}  {'rev':>4}  {'date':10}  {'outlet':14}  title")
    for a in articles:
        translated = 100 * a.translated // a.segments if a.segments else 0
        reviewed = 100 * a.reviewed // a.segments if a.segments else 0
        outlet = textwrap.shorten(a.outlet or "-", 14, placeholder="…")
        print(
            f"{a.id:>3}  {a.language:4}  {a.segments:>4}  {translated:>3}%  {reviewed:>3}%  "
            f"{a.date or '-':10}  {outlet:14}  {a.title}"
        )
    return 0


def _info_json(info) -> dict:
    """An article's identity and origin, as `articles` and `show --format json` print it: "url"
    for a page from the web (the canonical address, else the one fetched), "path" always."""
    return {
        "id": info.id,
        "title": info.title,
        "path": info.path,
        "url": info.url,
        "outlet": info.outlet,
        "author": info.author,
        "date": info.date,
        "language": info.language,
        "revision": info.revision,
        "segments": info.segments,
        "translated": info.translated,
        "reviewed": info.reviewed,
    }


def show(workspace: Workspace, args: argparse.Namespace) -> int:
    with _open(workspace) as bench:
        article_id = bench.find_article(args.article)
        if args.output_format == "json":
            print(json.dumps(_article_json(bench, article_id, args.target), ensure_ascii=False, indent=2))
        else:
            _print_article(bench, article_id, args.target)
    return 0


_MARKS = {"edited": "ed", "approved": "ok", "needs-work": "nw", "tm": "tm"}
"""`show`'s mark before a translation, by segment state; machine output gets an arrow."""
_NUMBER = 4
"""Width of the segment-number column in `show` and `review`."""


def _print_article(bench, article_id: int, target: str | None = None) -> None:
    """Source and translation, segment by segment, numbered as `edit` and `approve` take them;
    boilerplate shown with its reason."""
    info = bench.article(article_id)
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    print(f"# {info.title}  [{info.language}, {info.outlet or 'outlet unknown'}, #{info.id}]")
    if origin := " · ".join(part for part in (info.author, info.date, info.url) if part):
        print(f"  {origin}")
    block = None
    indent = " " * (_NUMBER + 6)
    for number, segment in enumerate(bench.segments(article_id, target), 1):
        if segment.block_position != block:
            block = segment.block_position
            print()
        if segment.kind.value == "boilerplate":
            text = textwrap.shorten(f"[{segment.reason}] {segment.source}", width - _NUMBER - 4)
            print(f"{number:>{_NUMBER}}  · {text}")
            continue
        source_mark = f"{number:>{_NUMBER}}  {segment.language:3s} "
        print(textwrap.fill(segment.source, width, initial_indent=source_mark, subsequent_indent=indent))
        text = segment.target or "(not translated)"
        mark = " →en→ " if segment.pivoted else f"  {_MARKS.get(segment.state, ' →'):2s}  "
        print(textwrap.fill(text, width, initial_indent=" " * _NUMBER + mark, subsequent_indent=indent))


def _article_json(bench, article_id: int, target: str | None) -> dict:
    """An article as tools read it: its blocks in order, each with its numbered segments."""
    info = bench.article(article_id)
    blocks: list[dict] = []
    for number, segment in enumerate(bench.segments(article_id, target), 1):
        if not blocks or blocks[-1]["position"] != segment.block_position:
            blocks.append(
                {
                    "position": segment.block_position,
                    "kind": segment.kind.value,
                    "reason": segment.reason,
                    "language": segment.language,
                    "text": "",
                    "segments": [],
                }
            )
        block = blocks[-1]
        block["text"] = f"{block['text']} {segment.source}".strip()
        block["segments"].append(
            {
                "number": number,
                "source": segment.source,
                "target": segment.target,
                "state": segment.state,
                "version": segment.version,
                "pivot": segment.pivoted,
            }
        )
    return {
        **{k: v for k, v in _info_json(info).items() if k not in ("segments", "translated", "reviewed")},
        "target_language": target or bench.target_language(),
        "blocks": blocks,
    }


def edit(workspace: Workspace, args: argparse.Namespace) -> int:
    """A reviewer's text for segment N, through the service the TUI uses (history, conflicts)."""
    with _open(workspace) as bench:
        segment = bench.numbered_segment(bench.find_article(args.article), args.number)
        with _numbered_errors(segment.id, args.number):
            saved = bench.edit_segment(segment.id, args.text, args.expect_version)
        print(f"#{saved.article_id} segment {args.number}: {saved.state} (version {saved.version})")
    return 0


def approve(workspace: Workspace, args: argparse.Namespace) -> int:
    """Approve segment N's current text; it joins the translation memory."""
    with _open(workspace) as bench:
        segment = bench.numbered_segment(bench.find_article(args.article), args.number)
        with _numbered_errors(segment.id, args.number):
            saved = bench.approve_segment(segment.id, args.expect_version)
        print(f"#{saved.article_id} segment {args.number}: {saved.state} (version {saved.version})")
    return 0


@contextmanager
def _numbered_errors(segment_id: int, number: int) -> Iterator[None]:
    """The service names a segment by its id; the reader gave its number, so the error says that."""
    try:
        yield
    except WorkbenchError as error:
        error.args = (str(error).replace(f"segment {segment_id} ", f"segment {number} ", 1),)
        raise


def models(workspace: Workspace, action: str, names: list[str]) -> int:
    from workbench.engines import model_files
    from workbench.engines.registry import pair_model, parse_pair

    settings = workspace.settings
    if action == "list":
        found = model_files.list_models(workspace.models_dir)
        print(f"default model: {settings.model}   store: {workspace.models_dir}")
        if not found:
            print(f"no models in {workspace.models_dir}; fetch one with: workbench models pull")
        for local in found:
            source, target = model_files.model_languages(local.path, local.name)
            pair = f"{source}-{target}" if source and target else "?"
            print(f"  {pair:7s} {local.name:40s} {local.size_bytes / 1e6:8.1f} MB  {local.path}")
            print(f"          weights: {model_files.weights_source(local.path)}")
            _print_adaptation(local.path)
        return 0
    if action == "pull":
        default_languages = model_files.languages_of(settings.model)
        wanted = {}
        for name in names or [settings.model]:
            languages = parse_pair(name)
            wanted[name] = (
                pair_model(*languages, settings.models, settings.model, default_languages)
                if languages
                else name
            )
        if settings.offline:  # --offline, WORKBENCH_OFFLINE or HF_HUB_OFFLINE: never the network
            raise model_files.ModelError(
                f"offline (--offline, WORKBENCH_OFFLINE or HF_HUB_OFFLINE is set): "
                f"{', '.join(wanted.values())} not downloaded; "
                f"run `workbench models pull {' '.join(wanted)}` on a machine with a network"
            )
        for name, model in wanted.items():
            if Path(model).expanduser().is_dir():
                print(f"{name}: {model} is a local directory; nothing to pull")
                continue
            path = model_files.pull_model(model, workspace.models_dir)
            print(f"pulled {model} into {path} (weights: {model_files.weights_source(path)})")
        return 0
    print(model_files.resolve_model(settings.model, workspace.models_dir, settings.offline))
    return 0


def tui(workspace: Workspace, args: argparse.Namespace) -> int:
    from workbench.tui.app import run_app

    return run_app(workspace, list(getattr(args, "paths", [])))


def review(workspace: Workspace, args: argparse.Namespace) -> int:
    """The review queue (flagged segments first), or with --diff the reviewers' changes to the MT."""
    from workbench.review.effort import diff_markup, word_diff

    with _open(workspace) as bench:
        article_id = bench.find_article(args.article)
        info = bench.article(article_id)
        items = bench.review_queue(article_id, include_approved=args.all or args.diff)
        numbers = bench.segment_numbers(article_id)
    if args.diff:
        items = [item for item in items if item.segment.post_edited]
    flagged = sum(bool(item.flags) for item in items)
    what = "edited segments" if args.diff else f"segments to review, {flagged} flagged"
    print(f"# {info.title}  (#{article_id}): {len(items)} {what}")
    for item in items:
        segment = item.segment
        notes = "; ".join(flag.message for flag in item.flags)
        number = numbers[segment.id]
        print(f"\n{number:>{_NUMBER}}  {segment.state}" + (f"  ! {notes}" if notes else ""))
        print(f"  src   {segment.source}")
        if args.diff:
            print(f"  mt    {segment.mt_text}")
            print(f"  diff  {diff_markup(word_diff(segment.mt_text, segment.target))}")
        else:
            print(f"  tgt   {segment.target}")
    return 0


_STATS_STATES = ("mt", "tm", "edited", "approved", "needs-work")


def stats(workspace: Workspace, args: argparse.Namespace) -> int:
    """Review progress and post-editing effort (HTER, character edits) per article and per reviewer."""
    with _open(workspace) as bench:
        ids = _existing_ids(bench, args.articles)
        articles = [bench.article_stats(i) for i in ids]
        reviewers = bench.reviewer_stats(ids)
    if args.output_format == "json":
        print(
            json.dumps(
                {"articles": [asdict(a) for a in articles], "reviewers": [asdict(r) for r in reviewers]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"{'id':>3}  {'segs':>4}  {'mt':>4}  {'tm':>4}  {'edit':>4}  {'ok':>4}  {'work':>4}  "
          f"{'flag':>4}  {'HTER':>6}  {'chars':>6}  title")  # fmt: skip
    for a in articles:
        counts = "".join(f"{a.states.get(state, 0):>4}  " for state in _STATS_STATES)
        print(
            f"{a.article_id:>3}  {sum(a.states.values()):>4}  {counts}{a.flagged:>4}  "
            f"{a.effort.hter:>6.1f}  {a.effort.char_edits:>6}  {a.title}"
        )
    if reviewers:
        print(
            f"\n{'reviewer':20s}  {'changes':>7}  {'approved':>8}  {'edited':>6}  {'HTER':>6}  {'chars':>6}"
        )
    for r in reviewers:
        print(
            f"{r.reviewer:20s}  {r.edits:>7}  {r.approvals:>8}  {r.effort.segments:>6}  "
            f"{r.effort.hter:>6.1f}  {r.effort.char_edits:>6}"
        )
    return 0


def import_tmx(workspace: Workspace, args: argparse.Namespace) -> int:
    """Add TMX files' pairs to the translation memory; a bad file is reported and the rest go on."""
    from workbench.errors import WorkbenchError

    failed = 0
    with _open(workspace, create=True) as bench:
        for path in args.files:
            try:
                read, new, skipped = bench.import_tmx(path)
            except WorkbenchError as error:
                print(f"error: {error}", file=sys.stderr)
                failed += 1
                continue
            print(f"{path}: {read} pairs read, {new} new in the translation memory{skipped}")
    return 1 if failed else 0


def export_tmx(workspace: Workspace, args: argparse.Namespace) -> int:
    with _open(workspace) as bench:
        count = bench.export_memory(args.file, include_imported=args.include_imported)
    print(f"wrote {count} translation units to {args.file}")
    return 0


def adapt(workspace: Workspace, args: argparse.Namespace) -> int:
    """Fine-tune the model on the memory's approved pairs; the last line names the new model."""
    from workbench.service.adaptation import AdaptOptions

    options = AdaptOptions(
        include_imported=args.include_imported,
        replay=args.replay,
        replay_ratio=args.replay_ratio,
        learning_rate=args.learning_rate,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=args.patience,
        validation_share=args.validation_share,
        seed=args.seed,
        threads=args.threads,
        train_embeddings=args.train_embeddings,
        use=args.use,
    )
    with _open(workspace) as bench, _adapt_progress() as on_progress:
        adapted = bench.adapt(options, on_progress)
    if args.use:
        print(f"the workspace now uses {adapted.path} ({workspace.path / 'workbench.toml'})")
    print(adapted.line())
    return 0


def _print_adaptation(model_dir: Path) -> None:
    """`models list`: an adapted model's base, date and validation scores (from its metadata)."""
    from workbench.service.adaptation import adaptation_of

    meta = adaptation_of(model_dir)
    if meta:
        scores, pairs = meta.get("validation", {}), meta.get("pairs", {})
        print(
            f"          adapted from {meta.get('base_model')} on {meta.get('created')}: "
            f"{pairs.get('training')} pairs, chrF {scores.get('chrf_before')} -> {scores.get('chrf_after')}"
        )


@contextmanager
def _adapt_progress():
    """A progress bar over optimizer steps with the epoch, training and validation loss (stderr),
    shown from the first step: a refusal before training stays one line."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("adapting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "steps · epoch {task.fields[epoch]} · loss {task.fields[loss]} · val {task.fields[val]} ·"
        ),
        TimeRemainingColumn(),
    )
    progress = Progress(*columns, console=Console(stderr=True), transient=True)
    task = progress.add_task("adapt", total=None, epoch="-", loss="-", val="-")

    def update(report) -> None:
        if not progress.live.is_started:
            progress.start()
        epoch, loss = f"{report.epoch}/{report.epochs}", f"{report.loss:.3f}"
        progress.update(task, total=report.total_steps, completed=report.step, epoch=epoch, loss=loss)
        if report.validation_loss is not None:  # otherwise the last one stays
            progress.update(task, val=f"{report.validation_loss:.3f}")

    try:
        yield update
    finally:
        if progress.live.is_started:
            progress.stop()
