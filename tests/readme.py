"""README.md's command lines and reference tables, read the way a new user reads them.

`commands()` yields every command line in README order: `$ …` lines of the example session
(with the output printed under them) and `workbench …`/`python …`/`make …` lines of its code
blocks, then every `workbench …` in backticks in its text and tables. `reference_rows()` reads
the command-line reference tables. tests/integration/test_readme_commands.py runs the lines,
tests/unit/test_readme_reference.py holds the tables against the parser.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from tests.paths import ROOT

README = ROOT / "README.md"
_INLINE = re.compile(r"`(workbench [^`]*)`")
_TABLE_ROW = re.compile(r"^\| `([^`]+)`[^|]*\|")


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    line: int
    """Where it is in README.md (1-based), for the failure message."""
    output: tuple[str, ...] = field(default=())
    """The output printed under a `$ ` line, `...` standing for lines left out."""


def _blocks(lines: list[str]):
    """(first line number, lines) of each indented code block, indentation removed."""
    block: list[str] = []
    start = 0
    for number, line in enumerate([*lines, "end"], 1):
        if line.startswith("    ") or (block and not line.strip()):
            if not block:
                start = number
            block.append(line[4:])
            continue
        while block and not block[-1].strip():
            block.pop()
        if block:
            yield start, block
        block = []


def _argv(text: str) -> tuple[str, ...]:
    return tuple(shlex.split(text, comments=True))


def commands() -> list[Command]:
    lines = README.read_text(encoding="utf-8").splitlines()
    found: list[Command] = []
    for start, block in _blocks(lines):
        session: list[tuple[int, str, list[str]]] = []
        for offset, text in enumerate(block):
            if text.startswith("$ "):
                session.append((start + offset, text[2:], []))
            elif session:
                session[-1][2].append(text)
            elif re.match(r"(workbench|python|make)\b", text):
                found.append(Command(_argv(text), start + offset))
        found += [Command(_argv(text), number, tuple(output)) for number, text, output in session]
    for number, line in enumerate(lines, 1):
        if not line.startswith("    "):  # code blocks are read above
            found += [Command(_argv(span), number) for span in _INLINE.findall(line)]
    return found


def reference_rows() -> list[str]:
    """The first cell of every row of the README's tables (`translate [PATHS or IDS...]`, `--jobs N`)."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _TABLE_ROW.match(line)
        if match:
            rows.append(match.group(1).replace("\\|", "|"))
    return rows
