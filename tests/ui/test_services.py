"""Services without Qt: sites, pins, credentials, drafts, tasks."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from configurator.core.errors import ConfiguratorError
from configurator.core.transport import Credentials
from configurator.services.credentials import CredentialStore
from configurator.services.pins import JsonPinStore
from configurator.services.site import RecentSites, Site, SiteDevice, SiteFileError
from configurator.services.tasks import TaskRegistry


def test_site_round_trip_has_no_secrets(tmp_path):
    site = Site("Block A", [SiteDevice("192.168.1.50", 8080, "http", "2n", vendor="2N",
                                       model="IP Verso",
                                       serial="54-0104-0123", mac="7C:1E:B3:00:00:01",
                                       notes="main entrance", user="admin",
                                       settings={"camera.resolution": "640x480",
                                                 "log.filter": ["KeyPressed"]})])
    path = site.save(tmp_path / "a.json")
    data = json.loads(path.read_text())
    assert "password" not in path.read_text()
    assert data["devices"][0]["serial"] == "54-0104-0123"
    loaded = Site.load(path)
    assert loaded.devices == site.devices and loaded.name == "Block A"
    assert loaded.devices[0].key == "192.168.1.50:8080"


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON"),
    ('{"devices": [{"port": 80}]}', "a device entry has no address"),
    ('{"devices": [{"address": "10.0.0.1", "port": 70000}]}', "invalid port 70000"),
    ("[]", "is not a site file"),
    ('{"devices": [{"address": "10.0.0.1", "settings": [1]}]}', "settings must be an object"),
])
def test_bad_site_files_raise_typed_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SiteFileError, match=message):
        Site.load(path)


def test_recent_sites_newest_first_without_duplicates(tmp_path):
    recent = RecentSites(tmp_path / "recent.json")
    for name in ("a", "b", "a"):
        recent.add(tmp_path / f"{name}.json")
    assert recent.list() == [tmp_path / "a.json", tmp_path / "b.json"]


def test_pin_store_persists_and_rejects_garbage(tmp_path):
    path = tmp_path / "pins.json"
    JsonPinStore(path).put("127.0.0.5:443", "AB:CD")
    assert JsonPinStore(path).get("127.0.0.5:443") == "AB:CD"
    path.write_text("[1]")
    with pytest.raises(ConfiguratorError, match="is not an object"):
        JsonPinStore(path).get("x")


class FakeKeyring:
    def __init__(self, broken: bool = False):
        self.data: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service, key):
        if self.broken:
            raise RuntimeError("locked")
        return self.data.get((service, key))

    def set_password(self, service, key, value):
        if self.broken:
            raise RuntimeError("locked")
        self.data[(service, key)] = value

    def delete_password(self, service, key):
        self.data.pop((service, key), None)


def test_credentials_in_keyring():
    backend = FakeKeyring()
    store = CredentialStore(backend)
    store.put("127.0.0.5:80", Credentials("admin", "2n"))
    assert CredentialStore(backend).get("127.0.0.5:80") == Credentials("admin", "2n")
    assert store.persistent and store.take_warning() is None
    store.delete("127.0.0.5:80")
    assert CredentialStore(backend).get("127.0.0.5:80") is None


def test_credentials_without_keyring_stay_in_memory_and_warn_once(tmp_path):
    store = CredentialStore(None)
    store.put("h:80", Credentials("admin", "secret"))
    assert store.get("h:80").password == "secret"
    assert "No system keyring" in store.take_warning()
    assert store.take_warning() is None
    broken = CredentialStore(FakeKeyring(broken=True))
    broken.put("h:80", Credentials("admin", "secret"))
    assert not broken.persistent and broken.get("h:80").password == "secret"
    assert not any(tmp_path.iterdir())  # nothing written anywhere


async def test_task_registry_cancels_by_owner_and_shuts_down():
    registry = TaskRegistry()
    started = asyncio.Event()

    async def forever():
        started.set()
        await asyncio.sleep(3600)

    a = registry.spawn("dev-a", forever())
    b = registry.spawn("dev-b", forever())
    await started.wait()
    assert registry.count() == 2
    await registry.cancel_owner("dev-a")
    assert a.cancelled() and not b.done() and registry.count("dev-a") == 0
    await registry.shutdown()
    assert b.cancelled() and registry.count() == 0
    with pytest.raises(RuntimeError):
        registry.spawn("dev-a", forever())


async def test_task_errors_reach_the_hook():
    errors = []
    registry = TaskRegistry(on_error=lambda owner, exc: errors.append((owner, str(exc))))

    async def boom():
        raise ConfiguratorError("device said no")

    await asyncio.gather(registry.spawn("d", boom()), return_exceptions=True)
    assert errors == [("d", "device said no")]


async def test_status_monitor_backs_off_while_offline_then_recovers():
    from configurator.core.errors import Unreachable
    from configurator.core.transport import MemoryPinStore
    from configurator.services.sessions import DeviceState, SessionManager
    from configurator.services.site import SiteDevice

    from .fakes import MemoryDevice

    attempts: list[float] = []
    loop = asyncio.get_running_loop()

    async def connector(endpoint, credentials, **kwargs):
        attempts.append(loop.time())
        if len(attempts) < 4:
            raise Unreachable("cannot connect: connection refused", host=endpoint.host)
        return MemoryDevice(host=endpoint.host)

    manager = SessionManager(pins=MemoryPinStore(), connector=connector, online_period=60,
                             backoff_first=0.02, backoff_max=0.05)
    seen: list[DeviceState] = []
    manager.listeners.append(lambda s: seen.append(s.state))
    session = manager.add(SiteDevice("127.0.0.9"), None)
    task = asyncio.ensure_future(manager.monitor(session))
    while session.state is not DeviceState.ONLINE:
        await asyncio.sleep(0.005)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert len(attempts) == 4
    assert gaps[0] >= 0.02 and gaps[1] >= 0.04 and 0.05 <= gaps[2] < 0.5  # doubled, capped
    assert DeviceState.OFFLINE in seen and session.backoff == 0.02  # reset when online
    assert session.entry.vendor == "Test" and session.entry.model == "Memory"
    await manager.close_all()
