"""A local stand-in for the Hugging Face hub, enough for ``huggingface_hub`` to download models.

Point ``HF_ENDPOINT`` at :attr:`EmulatorServer.base_url`. Served, as the hub answers them (read
from ``huggingface_hub`` 2.x: ``hf_api.model_info``, ``file_download.get_hf_file_metadata`` and
``http_get``):

* ``GET /api/models/{owner}/{repo}[/revision/{rev}]`` — ``id``, ``sha`` (the commit) and
  ``siblings``; with ``?blobs=true`` each sibling also has ``size``, ``blobId`` (git blob sha1)
  and, for LFS files, ``lfs: {sha256, size, pointerSize}``.
* ``HEAD|GET /{owner}/{repo}/resolve/{rev}/{file}`` — ``X-Repo-Commit``, ``ETag`` (the blob id,
  or for LFS files the sha256, also as ``X-Linked-Etag`` with ``X-Linked-Size``),
  ``Accept-Ranges: bytes``; ``Range: bytes=N-[M]`` gives 206 with ``Content-Range``, a range
  past the end 416. The real hub redirects LFS files to a CDN; this one serves them itself.
* Unknown repository: 401 with ``X-Error-Code: RepoNotFound`` (the hub hides whether a private
  repository exists); unknown revision: 404 ``RevisionNotFound``; unknown file: 404
  ``EntryNotFound`` with ``X-Repo-Commit``.

Knobs for tests: :meth:`HubEmulator.add_repo`, ``corrupt`` (file names served with one byte
changed while the metadata keeps the true checksum), ``chunk_delay`` (seconds between 64 KiB
pieces of a file body, to make downloads slow enough to interrupt), and the shared faults of
:class:`~tests.emulators.server.BaseEmulator` (``http_error``, ``drop`` with ``mid_body``…).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field

from aiohttp import web

from tests.emulators.server import BaseEmulator, json_response

LFS_THRESHOLD = 10 * 1024
_PIECE = 1 << 16
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass
class HubRepo:
    """One model repository at one commit."""

    repo_id: str
    commit: str
    files: dict[str, bytes] = field(default_factory=dict)

    def is_lfs(self, name: str) -> bool:
        return len(self.files[name]) >= LFS_THRESHOLD or name.endswith(".bin")

    def sibling(self, name: str, blobs: bool) -> dict[str, object]:
        data = self.files[name]
        entry: dict[str, object] = {"rfilename": name}
        if not blobs:
            return entry
        entry["size"] = len(data)
        entry["blobId"] = git_blob_id(data)
        if self.is_lfs(name):
            entry["lfs"] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "pointerSize": 134,
            }
        return entry


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class HubEmulator(BaseEmulator):
    """The hub's model-info and file endpoints, for the repositories added by the test."""

    name = "hf_hub"

    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[str, HubRepo] = {}
        self.corrupt: set[str] = set()
        self.chunk_delay = 0.0

    def add_repo(self, repo_id: str, files: dict[str, bytes], commit: str | None = None) -> HubRepo:
        digest = hashlib.sha1("\0".join([repo_id, *sorted(files)]).encode(), usedforsecurity=False)
        repo = HubRepo(repo_id, commit or digest.hexdigest(), dict(files))
        self.repos[repo_id] = repo
        return repo

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/api/models/{owner}/{repo}", self._model_info)
        router.add_get("/api/models/{owner}/{repo}/revision/{revision}", self._model_info)
        router.add_get("/{owner}/{repo}/resolve/{revision}/{filename:.+}", self._resolve)

    def credentials(self) -> dict[str, str]:
        return {}

    def endpoints(self, base_url: str) -> dict[str, str]:
        return {
            "model info": f"{base_url}/api/models/OWNER/REPO?blobs=true",
            "files": f"{base_url}/OWNER/REPO/resolve/main/FILE",
        }

    def status_error(self, status: int) -> web.Response:
        return json_response({"error": f"emulated HTTP {status}"}, status=status)

    def code_error(self, code: str) -> web.Response:
        return self.status_error(500)

    # -- handlers --------------------------------------------------------------------------
    def _repo(self, request: web.Request) -> HubRepo | web.Response:
        repo_id = f"{request.match_info['owner']}/{request.match_info['repo']}"
        repo = self.repos.get(repo_id)
        if repo is None:
            return _hub_error(401, "RepoNotFound", "Repository not found")
        revision = request.match_info.get("revision", "main")
        if revision not in ("main", repo.commit):
            return _hub_error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return repo

    async def _model_info(self, request: web.Request) -> web.Response:
        repo = self._repo(request)
        if isinstance(repo, web.Response):
            return repo
        blobs = request.query.get("blobs", "").lower() in ("1", "true")
        return json_response(
            {
                "id": repo.repo_id,
                "modelId": repo.repo_id,
                "sha": repo.commit,
                "private": False,
                "siblings": [repo.sibling(name, blobs) for name in sorted(repo.files)],
            }
        )

    async def _resolve(self, request: web.Request) -> web.StreamResponse:
        repo = self._repo(request)
        if isinstance(repo, web.Response):
            return repo
        name = request.match_info["filename"]
        if name not in repo.files:
            refusal = _hub_error(404, "EntryNotFound", f"{name} does not exist")
            refusal.headers["X-Repo-Commit"] = repo.commit
            return refusal
        data = repo.files[name]
        headers = {"X-Repo-Commit": repo.commit, "Accept-Ranges": "bytes"}
        if repo.is_lfs(name):
            sha = hashlib.sha256(data).hexdigest()
            headers.update(
                {"ETag": f'"{sha}"', "X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(data))}
            )
        else:
            headers["ETag"] = f'"{git_blob_id(data)}"'
        if name in self.corrupt and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start, end, status = 0, len(data) - 1, 200
        wanted = request.headers.get("Range")
        if wanted:
            match = _RANGE.match(wanted.strip())
            if match is None or int(match.group(1)) >= len(data):
                headers["Content-Range"] = f"bytes */{len(data)}"
                return web.Response(status=416, headers=headers)
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else end, len(data) - 1)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        body = data[start : end + 1]
        if request.method == "HEAD" or not self.chunk_delay:
            return web.Response(status=status, body=body, headers=headers)
        return await self._trickle(request, status, headers, body)

    async def _trickle(
        self, request: web.Request, status: int, headers: dict[str, str], body: bytes
    ) -> web.StreamResponse:
        stream = web.StreamResponse(status=status, headers=headers)
        stream.content_length = len(body)
        await stream.prepare(request)
        try:
            for offset in range(0, len(body), _PIECE):
                await stream.write(body[offset : offset + _PIECE])
                await asyncio.sleep(self.chunk_delay)
            await stream.write_eof()
        except ConnectionError:
            pass  # the client went away (a cancelled download): nothing to answer
        return stream


def _hub_error(status: int, code: str, message: str) -> web.Response:
    answer = json_response({"error": message}, status=status)
    answer.headers["X-Error-Code"] = code
    answer.headers["X-Error-Message"] = message
    return answer
