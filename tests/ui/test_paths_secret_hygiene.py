"""Secret hygiene through the window (issue 12): with a known password entered in the
Credentials dialog and used for reads, the password is in no file the program writes in its
config directory (pins, drafts, window.ini, sites...), no log record (DEBUG included) and no
output."""

from __future__ import annotations

import logging
from pathlib import Path

from configurator.services.sessions import DeviceState

from .helpers import wait_until
from .test_paths_credentials import enter_credentials, password_changed_on_device, state_of
from .test_window import HOLD_A, close, open_view, open_window, session_at, start

PASSWORD = "W1ndow-Kn0wn-Secret"


def test_the_password_is_in_no_file_log_or_output(qtbot, qloop, loopback, caplog, capsys,
                                                  config_home: Path):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            old = await password_changed_on_device(window, sim, PASSWORD)
            await enter_credentials(window, "admin", PASSWORD)
            await wait_until(lambda: state_of(window, old.key) is DeviceState.ONLINE)
            session = session_at(window, sim.host)
            view = await open_view(window, session, "relays")
            assert view.forms[0].rows[HOLD_A].baseline == 5  # really read with it
        finally:
            await close(window, [sim])

    with caplog.at_level(logging.DEBUG):
        qloop.run_until_complete(scenario())
    written = [p for p in config_home.rglob("*") if p.is_file()]
    assert written  # the window wrote its files (window.ini at least)
    for path in written:
        assert PASSWORD.encode() not in path.read_bytes(), path
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err
