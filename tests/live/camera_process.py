"""MJPEG cameras (``mjpeg_server.CameraServer``) served from a separate process.

The camera benchmark runs the servers here so that the viewer process's CPU time counts only
the viewer: HTTP reading, MJPEG parsing, decoding and painting. The child is a plain
subprocess (no Qt state, no re-import of the caller's main module) that talks JSON lines on
its standard input and output.

    with CameraProcess([("127.0.77.10", 1280, 960, 15.0)]) as cams:
        cams.urls("/stream")          # one URL per camera
        cams.frames_sent()            # [n, ...] frames each camera has sent so far
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from types import TracebackType

CameraSpec = tuple[str, int, int, float]  # host, width, height, fps
ROOT = Path(__file__).resolve().parents[2]


async def _serve(specs: list[CameraSpec], tls: bool = False) -> None:
    from tests.live.mjpeg_server import CameraServer

    servers = [await CameraServer(host, width=w, height=h, fps=fps, tls=tls).start()
               for host, w, h, fps in specs]
    print(json.dumps([s.port for s in servers]), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if line.strip() != "stats":
                break
            print(json.dumps([s.frames_sent for s in servers]), flush=True)
    finally:
        for server in servers:
            await server.stop()


class CameraProcess:
    """Starts the cameras in a child Python process; ``stop`` ends it."""

    def __init__(self, specs: list[CameraSpec], *, tls: bool = False) -> None:
        self.specs = [tuple(s) for s in specs]
        self.tls = tls
        self.ports: list[int] = []
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> CameraProcess:
        code = ("import asyncio, json, sys; from tests.live.camera_process import _serve; "
                "asyncio.run(_serve(json.loads(sys.argv[1]), sys.argv[2] == 'tls'))")
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(self.specs), "tls" if self.tls else "plain"],
            cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ports = self._ask(None)
        return self

    def _ask(self, command: str | None) -> list[int]:
        assert self._process is not None and self._process.stdin and self._process.stdout
        if command is not None:
            self._process.stdin.write(command + "\n")
            self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("camera process ended")
        return [int(x) for x in json.loads(line)]

    def urls(self, path: str) -> list[str]:
        scheme = "https" if self.tls else "http"
        return [f"{scheme}://{host}:{port}{path}"
                for (host, *_), port in zip(self.specs, self.ports, strict=True)]

    def frames_sent(self) -> list[int]:
        return self._ask("stats")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            assert process.stdin is not None
            process.stdin.write("stop\n")
            process.stdin.close()
            process.wait(5.0)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()

    def __enter__(self) -> CameraProcess:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
