"""A Hugging Face hub on 127.0.0.1: the part of its HTTP API that huggingface_hub downloads use.

Tests point the workbench at it with HF_ENDPOINT (subprocesses) or by patching
`huggingface_hub.constants.ENDPOINT` (in process). Served, as the real hub does:

- GET /api/models/{repo}[/revision/{rev}]  repo info: `sha`, `siblings` (sizes, blob ids, LFS
  SHA-256 with `?blobs=True`), `gated`
- GET /api/models/{repo}/tree/{rev}        the recursive file listing (snapshot_download)
- GET /api/models/{repo}/refs              branches, tags and, with include_prs=1, pull requests
- GET /api/models/{repo}/discussions       pull requests with their authors (?author=, ?type=)
- HEAD/GET /{repo}/resolve/{rev}/{file}    a small file with X-Repo-Commit and ETag; an LFS file
  (weights) as a redirect to another host name (localhost) carrying X-Linked-Etag/X-Linked-Size,
  as the hub redirects to its CDN
- GET /cdn/{sha256}                        LFS content, with Range requests (206)
Errors carry the hub's X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
Revisions are branch names, `refs/pr/N` (URL-encoded as one segment) or commit hashes.

`drop_after(path, n)` breaks every download of that file after byte n (a connection dropped
mid-file) and `slow_down(path)` sends it slowly (to kill a client midway), until `heal()`;
`requests` records every request and `served` every file sent, with its Range header.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

BOT = "SFconvertbot"
"""The hub's safetensors conversion bot: the only author whose pull requests are taken."""
LFS_SUFFIXES = (".bin", ".safetensors", ".h5", ".ot", ".msgpack")


@dataclass(frozen=True)
class Commit:
    sha: str
    files: dict[str, bytes]


@dataclass
class Repo:
    branches: dict[str, Commit]
    pull_requests: dict[int, Commit] = field(default_factory=dict)
    authors: dict[int, str] = field(default_factory=dict)
    gated: bool = False


def commit_of(files: dict[str, bytes], salt: str = "") -> Commit:
    """A commit whose hash depends on its files (and `salt`), like a git commit's would."""
    digest = hashlib.sha1(salt.encode())
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return Commit(digest.hexdigest(), dict(files))


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def is_lfs(path: str) -> bool:
    return path.endswith(LFS_SUFFIXES)


class LocalHub:
    """The server and its repos; use as a context manager (`with LocalHub() as hub`)."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        """(method, path, Range header) of every request, in order."""
        self.served: list[tuple[str, str | None]] = []
        """(file name, Range header) of every file content sent (GET), in order."""
        self._drops: dict[str, int] = {}
        self._slow: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.hub = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LocalHub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(
        self,
        name: str,
        main: dict[str, bytes],
        pull_requests: dict[int, tuple[str, dict[str, bytes]]] | None = None,
        gated: bool = False,
    ) -> Repo:
        """A repo whose `main` holds `main`; each pull request is (its author, its commit's files)."""
        repo = Repo({"main": commit_of(main, name)}, gated=gated)
        for number, (author, files) in (pull_requests or {}).items():
            repo.pull_requests[number] = commit_of(files, f"{name} pr {number}")
            repo.authors[number] = author
        self.repos[name] = repo
        return repo

    def drop_after(self, path: str, nbytes: int) -> None:
        """Every download of a file named `path` breaks off after byte `nbytes`, until heal()."""
        self._drops[path] = nbytes

    def slow_down(self, path: str) -> None:
        """Send a file named `path` at about 1 MB/s, so a test can stop its download midway."""
        self._slow.add(path)

    def heal(self) -> None:
        """Back to normal: no more drops, full speed."""
        self._drops.clear()
        self._slow.clear()

    # -- lookups used by the handler

    def commit(self, repo: Repo, revision: str) -> Commit | None:
        if revision in repo.branches:
            return repo.branches[revision]
        if revision.startswith("refs/pr/") and revision[8:].isdigit():
            return repo.pull_requests.get(int(revision[8:]))
        every = [*repo.branches.values(), *repo.pull_requests.values()]
        return next((c for c in every if c.sha == revision), None)

    def blob(self, sha256: str) -> tuple[str, bytes] | None:
        for repo in self.repos.values():
            for commit in [*repo.branches.values(), *repo.pull_requests.values()]:
                for path, data in commit.files.items():
                    if hashlib.sha256(data).hexdigest() == sha256:
                        return path, data
        return None

    def drop_point(self, path: str) -> int | None:
        return self._drops.get(path)

    def is_slow(self, path: str) -> bool:
        return path in self._slow


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    @property
    def hub(self) -> LocalHub:
        return self.server.hub  # type: ignore[attr-defined]

    def do_HEAD(self) -> None:
        self._route(body=False)

    def do_GET(self) -> None:
        self._route(body=True)

    def _route(self, body: bool) -> None:
        url = urlsplit(self.path)
        self.hub.requests.append((self.command, url.path, self.headers.get("Range")))
        parts = [unquote(p) for p in url.path.split("/")[1:]]
        query = parse_qs(url.query)
        if parts[:1] == ["cdn"] and len(parts) == 2:
            return self._cdn(parts[1], body)
        if parts[:2] == ["api", "models"] and len(parts) >= 4:
            return self._api(f"{parts[2]}/{parts[3]}", parts[4:], query)
        if len(parts) >= 5 and parts[2] == "resolve":
            return self._resolve(f"{parts[0]}/{parts[1]}", parts[3], "/".join(parts[4:]), body)
        self._error(404, "RepoNotFound", "Not found")

    # -- API

    def _api(self, name: str, rest: list[str], query: dict) -> None:
        repo = self.hub.repos.get(name)
        if repo is None:
            return self._error(401, "RepoNotFound", "Repository not found")
        if rest == ["refs"]:
            return self._json(self._refs(repo, "include_prs" in query))
        if rest == ["discussions"]:
            return self._json(self._discussions(name, repo, query))
        if (rest[:1] in (["revision"], ["tree"]) and len(rest) >= 2) or rest == []:
            commit = self.hub.commit(repo, rest[1] if rest else "main")
            if commit is None:
                return self._error(404, "RevisionNotFound", "Invalid rev id")
            if rest[:1] == ["tree"]:
                return self._json([self._tree_entry(p, d) for p, d in sorted(commit.files.items())])
            blobs = query.get("blobs", ["false"])[0].lower() == "true"
            return self._json(self._info(name, repo, commit, blobs))
        self._error(404, "EntryNotFound", "Unknown API route")

    def _info(self, name: str, repo: Repo, commit: Commit, blobs: bool) -> dict:
        siblings = []
        for path, data in sorted(commit.files.items()):
            sibling: dict = {"rfilename": path}
            if blobs:
                sibling |= {"size": len(data), "blobId": git_blob_id(data)}
                if is_lfs(path):
                    sibling["lfs"] = {
                        "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "pointerSize": 134,
                    }
            siblings.append(sibling)
        return {
            "_id": name,
            "id": name,
            "modelId": name,
            "sha": commit.sha,
            "private": False,
            "gated": "manual" if repo.gated else False,
            "disabled": False,
            "library_name": "transformers",
            "tags": ["transformers", "marian"],
            "siblings": siblings,
        }

    @staticmethod
    def _tree_entry(path: str, data: bytes) -> dict:
        entry = {"type": "file", "oid": git_blob_id(data), "size": len(data), "path": path}
        if is_lfs(path):
            entry["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
        return entry

    @staticmethod
    def _refs(repo: Repo, include_prs: bool) -> dict:
        refs: dict = {
            "branches": [
                {"name": n, "ref": f"refs/heads/{n}", "targetCommit": c.sha} for n, c in repo.branches.items()
            ],
            "converts": [],
            "tags": [],
        }
        if include_prs:
            refs["pullRequests"] = [
                {"name": f"refs/pr/{n}", "ref": f"refs/pr/{n}", "targetCommit": c.sha}
                for n, c in sorted(repo.pull_requests.items())
            ]
        return refs

    @staticmethod
    def _discussions(name: str, repo: Repo, query: dict) -> dict:
        """Only pull requests exist here; one page with all that match the author filter."""
        author = query.get("author", [None])[0]
        wanted = query.get("type", ["all"])[0] in ("all", "pull_request")
        found = [
            {
                "num": number, "title": "Adding `safetensors` variant of this model", "status": "open",
                "author": {"name": repo.authors[number]}, "createdAt": "2024-01-01T00:00:00.000Z",
                "repo": {"name": name, "type": "model"}, "isPullRequest": True,
            }
            for number in sorted(repo.pull_requests, reverse=True)
            if wanted and author in (None, repo.authors[number])
        ]  # fmt: skip
        return {"discussions": found, "count": len(found), "start": 0, "numClosedDiscussions": 0}

    # -- files

    def _resolve(self, name: str, revision: str, path: str, body: bool) -> None:
        repo = self.hub.repos.get(name)
        if repo is None:
            return self._error(401, "RepoNotFound", "Repository not found")
        commit = self.hub.commit(repo, revision)
        if commit is None:
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        if repo.gated:
            return self._error(401, "GatedRepo", f"Access to model {name} is restricted", commit.sha)
        if path not in commit.files:
            return self._error(404, "EntryNotFound", "Entry not found", commit.sha)
        data = commit.files[path]
        headers = {"X-Repo-Commit": commit.sha, "Accept-Ranges": "bytes"}
        if is_lfs(path):
            sha = hashlib.sha256(data).hexdigest()
            self.send_response(302)
            headers |= {
                "Location": f"http://localhost:{self.hub.port}/cdn/{sha}",
                "X-Linked-Etag": f'"{sha}"',
                "X-Linked-Size": str(len(data)),
                "ETag": f'"{git_blob_id(data)}"',
                "Content-Length": "0",
            }
            self._headers(headers)
            return
        self._content(path, data, body, {**headers, "ETag": f'"{git_blob_id(data)}"'})

    def _cdn(self, sha256: str, body: bool) -> None:
        found = self.hub.blob(sha256)
        if found is None:
            return self._error(404, "EntryNotFound", "No such object")
        path, data = found
        self._content(path, data, body, {"ETag": f'"{sha256}"', "Accept-Ranges": "bytes"})

    def _content(self, path: str, data: bytes, body: bool, headers: dict) -> None:
        start = _range_start(self.headers.get("Range"))
        if start:
            self.send_response(206)
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        else:
            self.send_response(200)
        headers["Content-Length"] = str(len(data) - start)
        self._headers(headers)
        if not body:
            return
        self.hub.served.append((path, self.headers.get("Range")))
        stop = self.hub.drop_point(path)
        if stop is not None:
            self.wfile.write(data[start:stop] if start < stop else b"")
            self.wfile.flush()
            self.close_connection = True  # the client sees the body end early
            return
        if not self.hub.is_slow(path):
            self.wfile.write(data[start:])
            return
        for offset in range(start, len(data), 1 << 16):
            self.wfile.write(data[offset : offset + (1 << 16)])
            time.sleep(0.06)

    def _json(self, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self._headers({"Content-Type": "application/json", "Content-Length": str(len(data))})
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, commit: str | None = None) -> None:
        data = json.dumps({"error": message}).encode()
        self.send_response(status)
        headers = {
            "X-Error-Code": code,
            "X-Error-Message": message,
            "Content-Type": "application/json",
            "Content-Length": str(len(data)),
        }
        if commit:
            headers["X-Repo-Commit"] = commit
        self._headers(headers)
        if self.command != "HEAD":
            self.wfile.write(data)

    def _headers(self, headers: dict) -> None:
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()


def _range_start(header: str | None) -> int:
    if header and header.startswith("bytes=") and header.endswith("-"):
        return int(header[6:-1])
    return 0


# -- the repos the tests serve, built from the tiny models


def model_files(directory: Path) -> dict[str, bytes]:
    """A tiny model directory as a repo's files (without the build stamp)."""
    return {
        p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and p.name != "recipe.txt"
    }


def pickled_checkpoint(directory: Path) -> bytes:
    """`pytorch_model.bin` as old transformers wrote it: the full state dict, tied names sharing storage."""
    import io

    import torch
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(directory)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


# Files the real OPUS-MT repos carry that the workbench must not fetch.
OTHER_FRAMEWORKS = {
    "tf_model.h5": b"\x89HDF\r\n\x1a\n" + bytes(4096),
    "rust_model.ot": bytes(4096),
    "README.md": b"# a model card\n",
}


def shapes(directory: Path) -> dict[str, tuple[dict[str, bytes], dict[int, dict[str, bytes]]]]:
    """The three shapes of a repo: (files on main, pull requests) for each.

    safetensors: on main. pr: main has only pytorch_model.bin; pull request 1 edits the card,
    pull request 2 is the conversion bot's (main plus model.safetensors); the newer ones must be
    passed over: 3 is the bot's conversion of other weights (a different pytorch_model.bin), 4 is
    someone else's "conversion" of these. bin: only pytorch_model.bin.
    """
    files = model_files(directory)
    safetensors = files.pop("model.safetensors")
    pickled = {**files, **OTHER_FRAMEWORKS, "pytorch_model.bin": pickled_checkpoint(directory)}
    tampered = safetensors[:-4] + b"\0\0\0\0"  # the same layout, other values
    stale = {
        **pickled,
        "pytorch_model.bin": pickled["pytorch_model.bin"] + b"\0",
        "model.safetensors": safetensors,
    }
    return {
        "safetensors": ({**files, **OTHER_FRAMEWORKS, "model.safetensors": safetensors}, {}),
        "pr": (
            pickled,
            {
                1: ("a-user", {**pickled, "README.md": b"# a better card\n"}),
                2: (BOT, {**pickled, "model.safetensors": safetensors}),
                3: (BOT, stale),
                4: ("a-user", {**pickled, "model.safetensors": tampered}),
            },
        ),
        "bin": (pickled, {}),
    }
