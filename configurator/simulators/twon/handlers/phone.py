"""/api/phone/* and /api/call/*: SIP accounts, call log and a small call state machine."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..protocol import ApiError, ApiRequest, invalid, missing, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
DOORBELL_PEER = "sip:100@10.0.0.100"


@dataclass
class Call:
    session: int
    direction: str
    peer: str
    state: str
    started: float = field(default_factory=time.time)
    connected: float | None = None
    task: asyncio.Task[Any] | None = None


class PhoneState:
    def __init__(self, sim: TwoNSimulator) -> None:
        self.accounts: list[dict[str, Any]] = [
            {"account": 1, "enabled": True, "sipNumber": "5207", "registrationEnabled": True,
             "registered": True, "registerTime": sim.clock.utc()},
            {"account": 2, "enabled": False, "sipNumber": "", "registrationEnabled": True,
             "registered": False},
        ][: sim.profile.accounts]
        self.calls: dict[int, Call] = {}
        self.next_session = 1
        self.call_log: list[dict[str, Any]] = []
        self.next_log_id = 1

    # -- state machine ------------------------------------------------------------------
    def _event(self, sim: TwoNSimulator, call: Call, **extra: Any) -> None:
        sim.events.emit("CallStateChanged", {
            "direction": call.direction, "state": call.state, "peer": call.peer,
            "session": call.session, "call": call.session, **extra})

    def _new(self, sim: TwoNSimulator, direction: str, peer: str, state: str) -> Call:
        call = Call(self.next_session, direction, peer, state)
        self.next_session += 1
        self.calls[call.session] = call
        self._event(sim, call)
        return call

    def dial(self, sim: TwoNSimulator, peer: str) -> Call:
        call = self._new(sim, "outgoing", peer, "connecting")
        call.task = sim.spawn(self._progress(sim, call))
        return call

    async def _progress(self, sim: TwoNSimulator, call: Call) -> None:
        await asyncio.sleep(sim.call_ring_after)
        if call.session in self.calls:
            self.set_state(sim, call, "ringing")
        if sim.call_answer_after is None:
            return
        await asyncio.sleep(sim.call_answer_after)
        if call.session in self.calls and call.state == "ringing":
            self.set_state(sim, call, "connected")

    def incoming(self, sim: TwoNSimulator, peer: str) -> int:
        return self._new(sim, "incoming", peer, "ringing").session

    def doorbell(self, sim: TwoNSimulator) -> None:
        self._log(sim, "doorbell", None, 0)
        self.dial(sim, DOORBELL_PEER)

    def set_state(self, sim: TwoNSimulator, call: Call, state: str) -> None:
        call.state = state
        if state == "connected":
            call.connected = time.time()
        self._event(sim, call)

    def hangup(self, sim: TwoNSimulator, call: Call, reason: str) -> None:
        self.calls.pop(call.session, None)
        if call.task is not None:
            call.task.cancel()
        call.state = "terminated"
        self._event(sim, call, reason=reason)
        duration = int(time.time() - call.connected) if call.connected else 0
        if call.direction == "outgoing":
            kind = "outgoing"
        else:
            kind = "incoming" if call.connected else "missed"
        self._log(sim, kind, call.peer, duration)

    def _log(self, sim: TwoNSimulator, kind: str, peer: str | None, duration: int) -> None:
        record: dict[str, Any] = {"id": self.next_log_id, "callType": kind}
        if kind != "doorbell":
            record.update({"devType": sim.profile.dev_type, "name": peer or ""})
        record["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sim.clock.utc()))
        if kind != "doorbell":
            record["duration"] = duration
        self.next_log_id += 1
        self.call_log.insert(0, record)  # newest first

    def on_restart(self, sim: TwoNSimulator) -> None:
        for call in self.calls.values():
            if call.task is not None:
                call.task.cancel()
        self.calls.clear()


def _state(sim: TwoNSimulator) -> PhoneState:
    return sim.extensions["phone"]


def _session(sim: TwoNSimulator, req: ApiRequest) -> Call:
    number = req.int_param("session", required=True, minimum=0)
    call = _state(sim).calls.get(int(number or 0))
    if call is None:
        raise invalid("session")
    return call


async def phone_status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    accounts = _state(sim).accounts
    number = req.int_param("account")
    if number is not None:
        accounts = [a for a in accounts if a["account"] == number]
        if not accounts:
            raise invalid("account")
    if sim.profile.api == "2.11":
        # The v2.11 document lists account, sipNumber, registered and registerTime only.
        keys = ("account", "sipNumber", "registered", "registerTime")
        accounts = [{k: a[k] for k in keys if k in a} for a in accounts]
    return ok({"accounts": accounts})


async def calllog_get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"callLog": list(_state(sim).call_log)})


async def calllog_delete(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    state = _state(sim)
    record_id = req.int_param("id", minimum=0)
    if record_id is None:  # Assumption: DELETE without ``id`` deletes every record
        state.call_log.clear()
        return ok()
    before = len(state.call_log)
    state.call_log = [r for r in state.call_log if r["id"] != record_id]
    if len(state.call_log) == before:
        raise ApiError(12, "id", "record not found")
    return ok()


async def call_status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    calls = list(_state(sim).calls.values())
    if req.get("session") is not None:
        calls = [_session(sim, req)]
    return ok({"sessions": [{"session": c.session, "direction": c.direction, "state": c.state}
                            for c in calls]})


async def dial(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    number, users = req.get("number"), req.get("users")
    if sim.profile.api == "2.11":
        users = None
    if number is not None and users is not None:
        raise ApiError(17, "users")  # number or users, never both
    if users is not None:
        uuids = [u.strip() for u in users.split(",") if u.strip()]
        directory = sim.extensions["dir"]
        if not uuids or not all(UUID.match(u) and directory.exists(u) for u in uuids):
            raise invalid("users")
        peer = ",".join(directory.peer_of(u) for u in uuids)
    else:
        if not number:
            raise missing("number") if number is None else invalid("number")
        peer = number if ":" in number else f"sip:{number}"
    call = _state(sim).dial(sim, peer)
    return ok({"session": call.session})


async def answer(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    call = _session(sim, req)
    if call.direction != "incoming" or call.state != "ringing":
        raise ApiError(14, "session", "call is not ringing")
    _state(sim).set_state(sim, call, "connected")
    return ok()


async def hangup(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    call = _session(sim, req)
    reason = "normal"
    if sim.profile.api != "2.11":
        reason = req.choice("reason", ("normal", "rejected", "busy"), default="normal") or ""
    _state(sim).hangup(sim, call, reason)
    return ok()
