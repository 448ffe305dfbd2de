"""Session hygiene in the window (issue 15): quitting leaves no login token live on the
FCM5600 (the probe's and the session's logins are both logged out)."""

from __future__ import annotations

from configurator.simulators.fleet import factory

from .test_window import open_window, session_at


def test_quitting_the_window_logs_out_of_the_pbx(qtbot, qloop, loopback):
    async def scenario():
        sim = factory("fcm5600")(loopback(), https_port=0)
        await sim.start()
        try:
            window = await open_window([sim])
            session = session_at(window, sim.host)
            assert session.device is not None
            await session.device.read_info()  # the session's own client is logged in
            assert sim.tokens  # ...and holds a token now
            window.close()
            await window.wait_closed()
            logins = sim.requests.count(("POST", "/pbx/auth/login"))
            assert logins == sim.logins >= 1
            assert sim.requests.count(("POST", "/pbx/auth/logout")) == logins
            assert sim.tokens == {}
        finally:
            await sim.stop()

    qloop.run_until_complete(scenario())
