"""The keys as a reader sees them, for the help screen and the command palette alike.

Both are made from the screens' own bindings, so neither goes stale; this module turns Textual's
key names (`right_square_bracket`, `down,j`) into what the footer writes (`]`, `↓ j`) and gives
each action one entry, however many keys it has (`e` and Enter both edit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from textual.app import App
from textual.binding import Binding


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    """The keys, as the footer writes them, space-separated."""
    description: str
    action: str
    """The first binding's action: what the palette runs."""


def key_display(app: App[Any], binding: Binding) -> str:
    """A binding's keys as the footer writes them; its own `key_display` where it has one."""
    if binding.key_display:
        return binding.key_display
    keys = binding.key.split(",")
    return " ".join(app.get_key_display(replace(binding, key=key.strip())) for key in keys)


def described_keys(app: App[Any], bindings: Iterable[Binding | object]) -> list[KeyHelp]:
    """One entry per description, in the bindings' order, with all the keys that do it."""
    entries: dict[str, KeyHelp] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = key_display(app, binding)
        known = entries.get(binding.description)
        entries[binding.description] = (
            replace(known, keys=f"{known.keys} {keys}")
            if known
            else KeyHelp(keys, binding.description, binding.action)
        )
    return list(entries.values())
