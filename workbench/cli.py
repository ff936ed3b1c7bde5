"""The command line: `workbench [OPTIONS] COMMAND ...`. No SQL and no torch here.

Every command goes through `Workbench` (service.py), the same object the TUI uses. Errors the
user can act on are one line on stderr and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import functools
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.export.files import COMBINED_NAME
from workbench.settings import BACKENDS, DEFAULT_MODEL, DEFAULT_SUMMARY_MODEL, load_workspace


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got '{text}'")
    return int(text)


def _backend(text: str) -> str:
    if text not in BACKENDS:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(BACKENDS)}, got '{text}'")
    return text


_SETTING_FLAGS = (
    ("--model", "model", f"model id or directory (default: {DEFAULT_MODEL})", str),
    (
        "--backend",
        "backend",
        f"{', '.join(BACKENDS)} (default: auto, CTranslate2 int8 when installed, else transformers)",
        _backend,
    ),
    ("--beam-size", "beam_size", "beam size (default: the model's own generation config)", _positive),
    ("--batch-tokens", "batch_tokens", "padded source tokens per batch (default: 4096)", _positive),
    ("--reviewer", "reviewer", "reviewer name for history rows (default: $USER)", str),
    ("--models-dir", "models_dir", "local model store (default: models/)", str),
    (
        "--summary-model",
        "summary_model",
        f"summarization model id or directory (default: {DEFAULT_SUMMARY_MODEL})",
        str,
    ),
)


def _common_options() -> argparse.ArgumentParser:
    """The global options, defined once and accepted before and after the command (every parser
    takes this one as a parent); SUPPRESS keeps a later parser from erasing an earlier value."""
    parent = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parent.add_argument(
        "--workspace", "-w", default=argparse.SUPPRESS, help="workspace directory (default: .workbench/)"
    )
    for flag, dest, help_text, kind in _SETTING_FLAGS:
        parent.add_argument(flag, dest=dest, type=kind, default=argparse.SUPPRESS, help=help_text)
    parent.add_argument(
        "--offline", action="store_const", const=True, default=argparse.SUPPRESS, help="never download"
    )
    return parent


def _formats(text: str) -> tuple[str, ...]:
    from workbench.export.formats import parse_formats

    try:
        return tuple(parse_formats(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got '{text}'")
    return value


def _language(text: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", text):
        raise argparse.ArgumentTypeError(f"must be a language code such as en or fr, got '{text}'")
    return text


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        dest="target",
        type=_language,
        help="target language (default: the workspace's); another one gives machine translations only",
    )


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Translate, align and review foreign-language news.",
        parents=[common],
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # No abbreviations anywhere: `--mode` must never be taken for a prefix of `--model`.
    add_command = functools.partial(commands.add_parser, parents=[common], allow_abbrev=False)

    tui = add_command("tui", help="open the workbench (the default command)")
    tui.add_argument("paths", nargs="*", type=Path, help="files or folders to import first")

    imp = add_command("import", help="import articles: .txt, .md, .html files, web pages by URL, feeds")
    imp.add_argument("paths", nargs="*", metavar="PATH_OR_URL", help="files, folders or http(s):// pages")
    imp.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL_OR_FILE",
        help="import every entry of an RSS or Atom feed (again: the entries not known yet)",
    )
    imp.add_argument("--feeds", action="store_true", help="refresh every feed of workbench.toml's [feeds]")
    imp.add_argument("--quiet", action="store_true", help="only errors, warnings and a line per feed")

    tr = add_command("translate", help="import, machine-translate, write outputs")
    tr.add_argument("targets", nargs="*", help="files, folders or article ids (default: every article)")
    tr.add_argument("--out", type=Path, help="write one output per article and format into this directory")
    tr.add_argument(
        "--format",
        dest="formats",
        type=_formats,
        default="jsonl,md,tmx,xliff,txt",
        help="comma-separated: jsonl, md, tmx, xliff, txt (default: all)",
    )
    tr.add_argument(
        "--combined", action="store_true", help=f"also write one {COMBINED_NAME} over all articles"
    )
    tr.add_argument("--include-boilerplate", action="store_true", help="keep boilerplate in the txt output")
    tr.add_argument("--jobs", type=_positive, default=1, help="articles translated in parallel processes")
    tr.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar: a line per finished article when there are several, then the closing line",
    )
    tr.add_argument("--print", dest="print_result", action="store_true", help="print the articles after")
    _add_target(tr)
    tr.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="translate on a Ray cluster (needs workbench[cluster]); no address: a local Ray for the run",
    )
    tr.add_argument("--ray-workers", type=_positive, default=2, help="Ray actors, one model copy each")
    tr.add_argument("--ray-cpus", type=_positive, default=1, help="CPUs per Ray actor")
    tr.add_argument("--ray-gpus", type=float, default=0, help="GPUs per Ray actor (e.g. 1, or 0.5 to share)")

    summarize = add_command("summarize", help="summarise articles")
    summarize.add_argument(
        "articles", nargs="*", help="article ids or imported paths (default: every article)"
    )
    summarize.add_argument(
        "--mode",
        choices=("auto", "extractive", "abstractive"),
        default="auto",
        help="auto: abstractive when the summarization model is present, else extractive",
    )
    summarize.add_argument("--format", dest="output_format", choices=("md", "json"), default="md")
    length = summarize.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=_positive, help="summary length in sentences (default: 3)")
    length.add_argument("--ratio", type=_ratio, help="summary length as a share of the article, e.g. 0.2")
    _add_target(summarize)

    digest = add_command("digest", help="one summary across several articles")
    digest.add_argument("articles", nargs="*", help="article ids or imported paths (default: every article)")
    digest.add_argument("--format", dest="output_format", choices=("md", "json"), default="md")
    digest.add_argument("--sentences", type=_positive, default=3, help="sentences taken from each article")
    _add_target(digest)

    listing = add_command("articles", help="list the articles in the workspace, newest first")
    listing.add_argument(
        "--format",
        dest="output_format",
        choices=("text", "json"),
        default="text",
        help="text (default), or json: id, title, path, url, outlet, author, date, language, counts",
    )
    add_command("check", help="check the workspace database: integrity and links")
    backup = add_command("backup", help="a consistent copy of the workspace database (SQLite online backup)")
    backup.add_argument("destination", type=Path, metavar="DEST", help="the copy's file name")

    review = add_command("review", help="segments to review, flagged first")
    review.add_argument("article", help="article id or imported path")
    review.add_argument("--diff", action="store_true", help="word diffs of machine output vs edited text")
    review.add_argument("--all", action="store_true", help="include approved segments")

    stats = add_command("stats", help="review progress and post-editing effort")
    stats.add_argument("articles", nargs="*", help="article ids or imported paths (default: every article)")
    stats.add_argument("--format", dest="output_format", choices=("md", "json"), default="md")

    import_tmx = add_command("import-tmx", help="add TMX translation units to the translation memory")
    import_tmx.add_argument("files", nargs="+", type=Path)
    export_tmx = add_command("export-tmx", help="write the approved pairs of the memory as TMX")
    export_tmx.add_argument("file", type=Path)
    export_tmx.add_argument(
        "--include-imported", action="store_true", help="also the pairs imported from TMX files"
    )

    show = add_command("show", help="print an article, source and translation")
    show.add_argument("article", help="article id or imported path")
    show.add_argument(
        "--format",
        dest="output_format",
        choices=("text", "json"),
        default="text",
        help="text (default), or json: the blocks with their numbered segments",
    )
    _add_target(show)

    for name, what in (("edit", "save a reviewer's translation of"), ("approve", "approve")):
        change = add_command(name, help=f"{what} segment N of an article (as the TUI does)")
        change.add_argument("article", help="article id or imported path")
        change.add_argument("number", type=_positive, metavar="N", help="segment number as `show` prints it")
        if name == "edit":
            change.add_argument("text", help="the new translation")
        change.add_argument(
            "--expect-version",
            type=int,
            metavar="V",
            help="the segment version you read (show --format json): a change made since is a "
            "conflict, your text kept as a suggestion",
        )

    _add_adapt(add_command)

    models = add_command("models", help="local models")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    add_action = functools.partial(model_commands.add_parser, parents=[common], allow_abbrev=False)
    add_action("list", help="models in the local store, with their pairs")
    pull = add_action("pull", help="download models into models/")
    pull.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"model ids or language pairs such as de-en fr-en (default: the configured, {DEFAULT_MODEL})",
    )
    add_action("path", help="resolve the configured model; print its directory")
    return parser


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1), e.g. 5e-5, got '{text}'")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got '{text}'")
    return value


def _add_adapt(add_command) -> None:
    """`workbench adapt`: fine-tune the model on the translation memory (see service/adaptation.py)."""
    adapt = add_command("adapt", help="fine-tune the model on the approved pairs of the translation memory")
    adapt.add_argument(
        "--include-imported", action="store_true", help="also train on the pairs imported from TMX files"
    )
    adapt.add_argument(
        "--replay",
        type=Path,
        metavar="FILE",
        help="a generic source<TAB>target file mixed in against forgetting",
    )
    adapt.add_argument(
        "--replay-ratio",
        type=_positive_float,
        default=3.0,
        metavar="R",
        help="replay pairs per memory pair in each epoch (default: 3)",
    )
    adapt.add_argument(
        "--learning-rate",
        type=_learning_rate,
        default=5e-5,
        metavar="LR",
        help="AdamW learning rate (default: 5e-5)",
    )
    adapt.add_argument(
        "--epochs", type=_positive, help="at most this many passes (default: about 50 steps, 2 to 10 passes)"
    )
    adapt.add_argument("--batch-size", type=_positive, default=16, help="pairs per step (default: 16)")
    adapt.add_argument(
        "--patience",
        type=_positive,
        default=2,
        help="epochs without a better validation loss before stopping (default: 2)",
    )
    adapt.add_argument(
        "--validation-share",
        type=_ratio,
        default=0.1,
        metavar="R",
        help="share of pairs held out (default: 0.1, at least 1)",
    )
    adapt.add_argument(
        "--seed", type=int, default=0, help="seed of the split, the shuffling and torch (default: 0)"
    )
    adapt.add_argument("--threads", type=_positive, help="torch CPU threads (default: torch's choice)")
    adapt.add_argument(
        "--train-embeddings",
        action="store_true",
        help="also train the shared token embedding (slower; by default it is kept as it is)",
    )
    adapt.add_argument(
        "--use", action="store_true", help="switch the workspace to the adapted model (workbench.toml)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "import" and not (args.paths or args.feed or args.feeds):
        parser.error("import: give files, folders or URLs, --feed URL_OR_FILE, or --feeds")
    try:
        return _run(args)
    except WorkbenchError as error:
        print(f"workbench: error: {error}", file=sys.stderr)
        return getattr(error, "exit_status", 1)
    except sqlite3.DatabaseError as error:  # damage found past the checks at open
        print(f"workbench: error: workspace database: {error}; run `workbench check`", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


def _run(args: argparse.Namespace) -> int:
    from workbench import commands, maintenance

    flags = {dest: getattr(args, dest) for _, dest, _, _ in _SETTING_FLAGS if hasattr(args, dest)}
    if hasattr(args, "offline"):
        flags["offline"] = True
    workspace = load_workspace(getattr(args, "workspace", None), flags)
    command = args.command or "tui"
    if command == "models":
        return commands.models(workspace, args.models_command, getattr(args, "names", []))
    handler = {
        "tui": commands.tui,
        "import": commands.import_paths,
        "translate": commands.translate,
        "articles": commands.list_articles,
        "summarize": commands.summarize,
        "digest": commands.digest,
        "show": commands.show,
        "edit": commands.edit,
        "approve": commands.approve,
        "review": commands.review,
        "stats": commands.stats,
        "import-tmx": commands.import_tmx,
        "export-tmx": commands.export_tmx,
        "check": maintenance.check,
        "backup": maintenance.backup,
        "adapt": commands.adapt,
    }[command]
    return handler(workspace, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
