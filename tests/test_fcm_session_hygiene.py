"""Session hygiene on the FCM5600 (issue 15): a CLI command and a window session each log in
once and log out at the end, so no login token stays live on the PBX (the document gives a
token a month of life)."""

from __future__ import annotations

import asyncio
import os
import sys

from configurator.services.paths import ENV_CONFIG_DIR
from configurator.simulators.fcm5600.device import create


async def test_a_cli_command_leaves_no_live_token(loopback, tmp_path) -> None:
    sim = create(loopback(), https_port=0)
    await sim.start()
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "configurator.cli", "get", sim.url(), "status",
            "--user", sim.user, "--password", sim.password, "--json",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, ENV_CONFIG_DIR: str(tmp_path / "config")})
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert b"FIBERME" in out
        # The probe (which reads the model) and the command each log in, and each logs out.
        logins = sim.requests.count(("POST", "/pbx/auth/login"))
        assert logins == sim.logins == 2
        assert sim.requests.count(("POST", "/pbx/auth/logout")) == logins
        assert sim.tokens == {}  # no token of ours stays live on the PBX
    finally:
        await sim.stop()
