"""Settings types are strict: an integer is an integer, and beam size and batch tokens are bounded."""

from __future__ import annotations

import pytest

from workbench.settings import MAX_BATCH_TOKENS, MAX_BEAM_SIZE, SettingsError, load_workspace


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("beam_size = 2.7", "beam_size must be a positive integer, got 2.7$"),
        ("beam_size = true", "beam_size must be a positive integer, got True$"),
        ('beam_size = "2.7"', "beam_size must be a positive integer, got '2.7'$"),
        ("beam_size = 1000", f"got 1000 \\(at most {MAX_BEAM_SIZE}\\)$"),
        ("batch_tokens = 4096.0", "batch_tokens must be a positive integer, got 4096.0$"),
        ("batch_tokens = 10_000_000_000", f"\\(at most {MAX_BATCH_TOKENS:,}\\)$"),
        ("offline = 3", "offline must be true or false"),
    ],
)
def test_wrong_types_and_out_of_bounds_values_are_refused(tmp_path, line, message) -> None:
    (tmp_path / "workbench.toml").write_text(line + "\n")
    with pytest.raises(SettingsError, match=message):
        load_workspace(str(tmp_path), env={})


def test_integers_from_every_source_still_work(tmp_path) -> None:
    (tmp_path / "workbench.toml").write_text("beam_size = 5\nbatch_tokens = 2048\n")
    assert load_workspace(str(tmp_path), env={}).settings.beam_size == 5
    settings = load_workspace(
        str(tmp_path), {"beam_size": 32}, env={"WORKBENCH_BATCH_TOKENS": " 24 "}
    ).settings
    assert (settings.beam_size, settings.batch_tokens) == (32, 24)
    with pytest.raises(SettingsError, match=r"WORKBENCH_BEAM_SIZE must be a positive integer, got '1e3'"):
        load_workspace(str(tmp_path), env={"WORKBENCH_BEAM_SIZE": "1e3"})
    with pytest.raises(SettingsError, match=r"command line: beam_size .* got 1000 \(at most 32\)"):
        load_workspace(str(tmp_path), {"beam_size": 1000}, env={})
