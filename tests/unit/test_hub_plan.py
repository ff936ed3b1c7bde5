"""Which weights a pull takes, decided from a repo's listings (no server, no torch)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from workbench.engines.hub_pull import make_plan
from workbench.engines.model_files import ModelError, weights_source

SUPPORT = {"config.json": "c", "source.spm": "s", "target.spm": "t", "vocab.json": "v", "README.md": "r"}
BIN = {"pytorch_model.bin": "bin-1", "tf_model.h5": "tf"}


def sibling(path: str, oid: str) -> SimpleNamespace:
    lfs = SimpleNamespace(sha256=oid) if path.endswith((".bin", ".safetensors", ".h5")) else None
    return SimpleNamespace(rfilename=path, size=10, lfs=lfs, blob_id=None if lfs else oid)


class FakeHub:
    """model_info / list_repo_refs / get_repo_discussions over {ref: files} and PR authors."""

    def __init__(self, refs: dict[str, dict[str, str]], authors: dict[int, str] | None = None) -> None:
        self.refs, self.authors = refs, authors or {}

    def model_info(self, name, revision, files_metadata):
        files = self.refs[revision]
        return SimpleNamespace(sha=f"sha-{revision}", siblings=[sibling(p, o) for p, o in files.items()])

    def list_repo_refs(self, name, include_pull_requests):
        pulls = [SimpleNamespace(ref=ref) for ref in self.refs if ref.startswith("refs/pr/")]
        return SimpleNamespace(pull_requests=pulls)

    def get_repo_discussions(self, name, author, discussion_type):
        return [SimpleNamespace(num=n) for n, who in self.authors.items() if who == author]


def test_safetensors_on_the_revision_come_first() -> None:
    hub = FakeHub(
        {"main": {**SUPPORT, **BIN, "model.safetensors": "st"}, "refs/pr/1": {}}, {1: "SFconvertbot"}
    )
    plan = make_plan(hub, "acme/m", "main")
    assert [f.path for f in plan.weights] == ["model.safetensors"] and not plan.pickled
    assert sorted(f.path for f in plan.support) == ["config.json", "source.spm", "target.spm", "vocab.json"]


def test_sharded_safetensors_are_taken_with_their_index() -> None:
    shards = {"model.safetensors.index.json": "i", "model-00001-of-00002.safetensors": "a"}
    shards["model-00002-of-00002.safetensors"] = "b"
    plan = make_plan(FakeHub({"main": {**SUPPORT, **shards}}), "acme/m", "main")
    assert [f.path for f in plan.weights] == sorted(
        shards, key=lambda p: (p != "model.safetensors.index.json", p)
    )
    assert "model.safetensors.index.json" not in {f.path for f in plan.support}


def test_the_bots_newest_conversion_of_the_same_weights_is_taken() -> None:
    converted = {**SUPPORT, **BIN, "model.safetensors": "st"}
    hub = FakeHub(
        {
            "main": {**SUPPORT, **BIN},
            "refs/pr/2": converted,
            "refs/pr/5": {**converted, "model.safetensors": "st-newer"},
            "refs/pr/7": {**converted, "pytorch_model.bin": "bin-2"},  # other weights
            "refs/pr/9": {**converted, "model.safetensors": "st-someone"},  # not the bot's
        },
        {2: "SFconvertbot", 5: "SFconvertbot", 7: "SFconvertbot", 9: "someone"},
    )
    plan = make_plan(hub, "acme/m", "main")
    assert plan.weights_from.ref == "refs/pr/5" and plan.weights[0].sha256 == "st-newer"
    assert {c for _, c in plan.downloads()} == {"sha-main", "sha-refs/pr/5"}  # support files from main


def test_pickle_weights_when_nothing_else() -> None:
    hub = FakeHub(
        {"main": {**SUPPORT, **BIN}, "refs/pr/1": {**SUPPORT, **BIN, "model.safetensors": "x"}}, {1: "eve"}
    )
    plan = make_plan(hub, "acme/m", "main")
    assert plan.pickled and [f.path for f in plan.weights] == ["pytorch_model.bin"]


def test_no_usable_weights_is_one_line() -> None:
    with pytest.raises(ModelError, match=r"^'acme/m' has no usable weights on main: .*\(it has README.md, "):
        make_plan(FakeHub({"main": {**SUPPORT, "tf_model.h5": "tf"}}), "acme/m", "main")


@pytest.mark.parametrize(
    ("record", "shown"),
    [
        ({}, "local files"),
        ({"revision": "main", "commit": "0123456789", "weights_ref": "main"}, "safetensors of main@01234567"),
        (
            {"revision": "main", "commit": "0123456789", "weights_ref": "refs/pr/3",
             "weights_commit": "abcdef0123"},
            "safetensors of refs/pr/3@abcdef01",
        ),
        (
            {"revision": "main", "commit": "0123456789", "weights": "converted",
             "converted_from": [{"file": "pytorch_model.bin", "sha256": "f"}]},
            "pytorch_model.bin of main@01234567, converted",
        ),
    ],
)  # fmt: skip
def test_models_list_says_where_weights_came_from(tmp_path, record, shown) -> None:
    import json

    if record:
        (tmp_path / "workbench-provenance.json").write_text(json.dumps(record))
    assert weights_source(tmp_path) == shown
