"""README.md's command-line reference against the parser (issue 15): every documented command
and option exists as written, with the documented choices, and every command and option the
parser has is documented."""

from __future__ import annotations

import argparse
import re

from tests import readme
from workbench import cli


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {flag: action for action in parser._actions for flag in action.option_strings}


def _documented_commands() -> dict[str, str]:
    """'models pull' -> its synopsis, for each command row of the reference table."""
    rows = {}
    for row in readme.reference_rows():
        if row.startswith("-"):
            continue
        words = row.split()
        name = " ".join(words[:2]) if words[0] == "models" else words[0]
        rows[name] = row
    return rows


def _parser_for(name: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    for word in name.split():
        parser = _subparsers(parser)[word]
    return parser


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    commands = _subparsers(cli.build_parser())
    names = {n for n in commands if n != "models"} | {f"models {a}" for a in _subparsers(commands["models"])}
    assert set(_documented_commands()) == names


def test_documented_options_and_choices_are_the_parsers() -> None:
    for name, row in _documented_commands().items():
        options = _options(_parser_for(name))
        for flag, values in re.findall(r"(--[a-z-]+)(?: ([a-z]+(?:\|[a-z]+)+))?", row):
            assert flag in options, f"README documents `{flag}` for `{name}`, which has no such option"
            if values:
                assert set(values.split("|")) == set(options[flag].choices), (name, flag)


def test_option_tables_match_translate_and_the_global_options() -> None:
    documented = {row.split()[0].rstrip(",") for row in readme.reference_rows() if row.startswith("-")}
    translate = set(_options(_parser_for("translate"))) - set(_options(cli._common_options()))
    global_options = {f for f in _options(cli._common_options()) if f.startswith("--")}
    text = readme.README.read_text(encoding="utf-8")
    assert global_options <= documented
    assert documented <= translate | global_options
    for flag in translate - {"--help", "-h"}:
        assert f"`{flag}" in text, f"translate's {flag} is not in README.md"
