"""protos/nest.proto is the documented CLOVA Speech interface, and the committed Python code in
desktop_app/providers/clova/proto/ is exactly what scripts/gen-protos makes from it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTO = ROOT / "protos" / "nest.proto"
GENERATED = ROOT / "desktop_app" / "providers" / "clova" / "proto"
API_NOTES = ROOT.parent / "shared" / "providers" / "API-NOTES.md"

needs_grpc_tools = pytest.mark.skipif(
    importlib.util.find_spec("grpc_tools") is None,
    reason="grpcio-tools (the dev extra) is not installed",
)


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}


@needs_grpc_tools
def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "gen-protos"), str(tmp_path / "proto")],
        env=dict(os.environ, PYTHON=sys.executable),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh, committed = _files(tmp_path / "proto"), _files(GENERATED)
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"run scripts/gen-protos and commit the result: {stale} differ"


def _descriptor(proto: Path, out: Path) -> bytes:
    from grpc_tools import protoc

    code = protoc.main(["protoc", f"-I{proto.parent}", f"--descriptor_set_out={out}", proto.name])
    assert code == 0
    return out.read_bytes()


@needs_grpc_tools
def test_proto_matches_the_documented_interface(tmp_path: Path) -> None:
    if not API_NOTES.is_file():
        pytest.skip("../shared/providers/API-NOTES.md is not available")
    notes = API_NOTES.read_text(encoding="utf-8")
    section = notes[notes.index("## 3. CLOVA Speech real-time") :]
    match = re.search(r"```proto\n(.*?)```", section, re.DOTALL)
    assert match is not None
    documented = tmp_path / "documented" / "nest.proto"
    documented.parent.mkdir()
    documented.write_text(match.group(1), encoding="utf-8")
    ours = _descriptor(PROTO, tmp_path / "ours.pb")
    assert ours == _descriptor(documented, tmp_path / "documented.pb")


def test_generated_code_is_a_working_package() -> None:
    from desktop_app.providers.clova.proto import nest_pb2, nest_pb2_grpc

    assert nest_pb2.DESCRIPTOR.package == "com.nbp.cdncp.nest.grpc.proto.v1"
    method = nest_pb2.DESCRIPTOR.services_by_name["NestService"].methods_by_name["recognize"]
    assert method.client_streaming and method.server_streaming
    request = nest_pb2.NestRequest(type=nest_pb2.DATA, data=nest_pb2.NestData(chunk=b"\x01\x00"))
    assert nest_pb2.NestRequest.FromString(request.SerializeToString()).data.chunk == b"\x01\x00"
    assert hasattr(nest_pb2_grpc, "NestServiceStub")
