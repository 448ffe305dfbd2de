"""The 2N driver against a third-party Digest server: Apache httpd with mod_auth_digest.

Proves the Digest implementation interoperates with a server we did not write: Apache serves
the manual's ``/api/system/info`` example as a static file behind Digest authentication.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from configurator.core.errors import AuthError
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.twon import create, probe

from .twon_examples import SYSTEM_INFO_238

APACHE = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2")
                                     else None)
MODULES = Path("/usr/lib/apache2/modules")
REALM = "HTTP API"
NEEDED = ("mod_mpm_prefork.so", "mod_authn_core.so", "mod_authn_file.so", "mod_authz_core.so",
          "mod_authz_user.so", "mod_auth_digest.so", "mod_mime.so")

pytestmark = pytest.mark.skipif(
    APACHE is None or not all((MODULES / m).exists() for m in NEEDED if m != "mod_authn_core.so"),
    reason="Apache httpd (apache2) with mod_auth_digest is not installed")


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _config(root: Path, host: str, port: int) -> str:
    modules = "\n".join(
        f"LoadModule {m[4:-3]}_module {MODULES / m}" for m in NEEDED if (MODULES / m).exists())
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    return f"""ServerRoot "{root}"
ServerName configurator-test
Listen {host}:{port}
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
LogLevel warn
{modules}
{user}DocumentRoot "{root}/www"
TypesConfig /dev/null
<Directory "{root}/www">
    Require all granted
</Directory>
<Location "/api">
    AuthType Digest
    AuthName "{REALM}"
    AuthDigestProvider file
    AuthUserFile "{root}/htdigest"
    Require valid-user
</Location>
<Files "info">
    ForceType application/json
</Files>
"""


@pytest.fixture
def apache(loopback):
    host = loopback()
    port = _free_port(host)
    # Not tmp_path: Apache drops root privileges to 'nobody', which must read these files.
    root = Path(tempfile.mkdtemp(prefix="configurator-apache-"))
    try:
        (root / "www/api/system").mkdir(parents=True)
        (root / "www/api/system/info").write_text(SYSTEM_INFO_238)
        ha1 = hashlib.md5(f"admin:{REALM}:s3cret".encode()).hexdigest()
        (root / "htdigest").write_text(f"admin:{REALM}:{ha1}\n")
        (root / "httpd.conf").write_text(_config(root, host, port))
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        proc = subprocess.Popen([APACHE, "-f", str(root / "httpd.conf"), "-X"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                if proc.poll() is not None:
                    pytest.skip("Apache did not start: "
                                + proc.stderr.read().decode(errors="replace")[:300])
                try:
                    socket.create_connection((host, port), timeout=0.2).close()
                    break
                except OSError:
                    subprocess.run(["sleep", "0.05"], check=False)
            yield host, port
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def test_probe_and_read_info_through_apache_digest(apache):
    host, port = apache
    transport = Transport(Endpoint(host, port), Credentials("admin", "s3cret"))
    try:
        found = await probe(transport)
        assert found is not None and not found.auth_required
        assert transport.auth is not None and transport.auth.chosen == "digest"
        device = create(transport, found)
        info = await device.read_info()
        assert (info.model, info.serial, info.firmware) == (
            "2N IP Verso", "00-0000-0005", "2.35.0.45.0")
        # Digest is used pre-emptively afterwards: the nonce count grows, Apache accepts it.
        for _ in range(3):
            assert (await device.read_info()).mac == "FC:1E:B3:00:00:05"
    finally:
        await transport.aclose()


async def test_wrong_password_against_apache_is_auth_error(apache):
    host, port = apache
    transport = Transport(Endpoint(host, port), Credentials("admin", "nope"))
    try:
        assert await probe(transport) is None  # Apache's 401 page is not a 2N reply
        with pytest.raises(AuthError):
            await create(transport, _fingerprint()).read_info()
    finally:
        await transport.aclose()
    await asyncio.sleep(0)


def _fingerprint():
    from configurator.core.device import DeviceInfo
    from configurator.drivers.registry import Fingerprint
    return Fingerprint("2n", DeviceInfo(vendor="2N", model="2N IP intercom"))
