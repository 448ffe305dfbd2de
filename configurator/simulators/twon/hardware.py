"""Switches and logic I/O ports of the simulated intercom, with their timers and events."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .protocol import ApiError, invalid

Emit = Callable[[str, dict[str, Any]], object]

SWITCH_ACTIONS_238 = ("on", "off", "trigger", "lock", "unlock", "hold", "release")
SWITCH_ACTIONS_211 = ("on", "off", "trigger")


@dataclass
class SwitchConfig:
    enabled: bool = True
    mode: str = "monostable"  # or "bistable"
    duration: float = 5.0  # switchOnDuration, seconds
    type: str = "normal"  # or "security"


@dataclass
class Switch:
    n: int
    config: SwitchConfig
    active: bool = False
    locked: bool = False
    held: bool = False
    hold_deadline: float | None = None
    _off: asyncio.TimerHandle | None = field(default=None, repr=False)
    _release: asyncio.TimerHandle | None = field(default=None, repr=False)

    @property
    def effective(self) -> bool:
        """Locking wins over holding; holding keeps the switch active."""
        return not self.locked and (self.held or self.active)

    def caps(self) -> dict[str, Any]:
        if not self.config.enabled:
            return {"switch": self.n, "enabled": False}
        result: dict[str, Any] = {"switch": self.n, "enabled": True, "mode": self.config.mode}
        if self.config.mode == "monostable":
            result["switchOnDuration"] = _number(self.config.duration)
        result["type"] = self.config.type
        return result

    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = {"switch": self.n, "active": self.effective,
                                  "locked": self.locked, "held": self.held}
        if self.held and self.hold_deadline is not None:
            result["holdTimeout"] = max(0, math.ceil(self.hold_deadline - time.monotonic()))
        return result

    def cancel_timers(self) -> None:
        for handle in (self._off, self._release):
            if handle is not None:
                handle.cancel()
        self._off = self._release = None


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class Switches:
    """The switches; switch N drives the relay output ``relayN`` where the model has one.

    Assumption: the manual shows switches and the ``relay1``/``relay2`` ports side by side but
    never states the wiring; like the devices' default configuration, switch N operates
    relay N (io/status shows it and an OutputChanged event follows the SwitchStateChanged).
    """

    def __init__(self, count: int, emit: Emit, *, duration: float = 5.0,
                 relays: Ports | None = None) -> None:
        self.emit = emit
        self.relays = relays
        self.items: dict[int, Switch] = {}
        for n in range(1, count + 1):
            enabled = n <= 2
            self.items[n] = Switch(n, SwitchConfig(enabled=enabled, duration=duration))

    def get(self, text: str | None, *, required: bool) -> list[Switch]:
        if text is None:
            if required:
                raise ApiError(11, "switch")
            return list(self.items.values())
        try:
            return [self.items[int(text)]]
        except (ValueError, KeyError):
            raise invalid("switch") from None

    def control(self, sw: Switch, action: str, *, timeout: float | None = None,
                originator: str = "api") -> None:
        if not sw.config.enabled:
            raise ApiError(14, description="action failed")
        before = sw.effective
        if action in ("on", "trigger", "off"):
            target = action != "off"
            if action == "trigger" and sw.config.mode == "bistable":
                target = not before
            if (target and sw.locked) or (not target and sw.held and not sw.locked):
                raise ApiError(14, description="action failed")
            sw.active = target
            if sw._off is not None:
                sw._off.cancel()
                sw._off = None
            # Assumption: ``timeout`` on on/trigger overrides the switch-on duration (and makes
            # a bistable switch fall back after it); without it monostable switches use
            # their configured switchOnDuration.
            delay = timeout if timeout is not None else (
                sw.config.duration if sw.config.mode == "monostable" else None)
            if target and delay is not None:
                sw._off = asyncio.get_running_loop().call_later(
                    delay, self._auto, sw, "off", originator)
        elif action == "lock":
            sw.locked = True
        elif action == "unlock":
            sw.locked = False
        elif action == "hold":
            sw.held = True
            if sw._release is not None:
                sw._release.cancel()
                sw._release = None
            sw.hold_deadline = None
            if timeout is not None:
                sw.hold_deadline = time.monotonic() + timeout
                sw._release = asyncio.get_running_loop().call_later(
                    timeout, self._auto, sw, "release", originator)
        elif action == "release":
            sw.held = False
            sw.hold_deadline = None
            sw.active = False
            if sw._release is not None:
                sw._release.cancel()
                sw._release = None
        self._changed(sw, before, originator)

    def _auto(self, sw: Switch, action: str, originator: str) -> None:
        before = sw.effective
        if action == "off":
            sw._off = None
            sw.active = False
        else:
            sw._release = None
            sw.held = False
            sw.hold_deadline = None
            sw.active = False
        self._changed(sw, before, originator)

    def _changed(self, sw: Switch, before: bool, originator: str) -> None:
        if sw.effective != before:
            self.emit("SwitchStateChanged",
                      {"switch": sw.n, "state": sw.effective, "originator": originator})
            relay = f"relay{sw.n}"
            if self.relays is not None and relay in self.relays.items:
                self.relays.set(relay, sw.effective)

    def reset(self) -> None:
        for sw in self.items.values():
            sw.cancel_timers()
            sw.active = sw.locked = sw.held = False
            sw.hold_deadline = None


@dataclass
class Port:
    name: str
    type: str  # "input" | "output"
    state: bool = False


class Ports:
    def __init__(self, ports: tuple[tuple[str, str], ...], emit: Emit) -> None:
        self.emit = emit
        self.items = {name: Port(name, kind) for name, kind in ports}

    def get(self, name: str | None) -> list[Port]:
        if name is None:
            return list(self.items.values())
        port = self.items.get(name)
        if port is None:
            raise invalid("port")
        return [port]

    def set(self, name: str, state: bool) -> None:
        port = self.get(name)[0]
        if port.state != state:
            port.state = state
            kind = "InputChanged" if port.type == "input" else "OutputChanged"
            self.emit(kind, {"port": port.name, "state": state})

    def reset(self) -> None:
        for port in self.items.values():
            port.state = False
