"""HTTP API services security (doc chapter 3) and user accounts (doc chapter 4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from ...core.errors import InvalidValue
from ..base import AuthScheme


class Service(StrEnum):
    """The services of the "HTTP API Services Security" table."""

    SYSTEM = "system"
    ACCESS = "access"  # "API Access Control"
    SWITCH = "switch"
    IO = "io"
    AUDIO = "audio"
    CAMERA = "camera"
    DISPLAY = "display"
    EMAIL = "email"
    PHONE = "phone"  # "Phone/Call API"
    LOGGING = "logging"
    AUTOMATION = "automation"


SERVICE_LABELS: dict[Service, str] = {
    Service.SYSTEM: "System API",
    Service.ACCESS: "API Access Control",
    Service.SWITCH: "Switch API",
    Service.IO: "I/O API",
    Service.AUDIO: "Audio API",
    Service.CAMERA: "Camera API",
    Service.DISPLAY: "Display API",
    Service.EMAIL: "E-Mail API",
    Service.PHONE: "Phone/Call API",
    Service.LOGGING: "Logging API",
    Service.AUTOMATION: "Automation API",
}

Connection = Literal["http", "https"]


@dataclass(frozen=True)
class ServiceSecurity:
    """One row of the services table: enabled, connection type, authentication."""

    enabled: bool = True
    connection: Connection = "http"  # "https": plain HTTP requests get error 7
    auth: AuthScheme = "digest"


def default_security() -> dict[Service, ServiceSecurity]:
    """HTTP (or HTTPS) + Digest everywhere, Camera without authentication.

    Assumption: the document's screenshot shows "Secure (TLS)" for most services; the
    simulator defaults to "HTTP" (both protocols accepted) so the demo works over plain HTTP.
    """
    table = {service: ServiceSecurity() for service in Service}
    table[Service.CAMERA] = ServiceSecurity(auth="none")
    return table


class Group(StrEnum):
    """Privilege groups of the user account table."""

    SYSTEM = "system"
    PHONE = "phone"  # Phone/Calls
    ACCESS = "access"  # Access Control
    IO = "io"  # Inputs and outputs
    SWITCHES = "switches"
    AUDIO = "audio"
    CAMERA = "camera"
    DISPLAY = "display"
    EMAIL = "email"
    UID = "uid"  # UID (Cards & Wiegand)
    KEYPAD = "keypad"
    AUTOMATION = "automation"


Level = Literal["monitoring", "control"]

#: Which checkboxes each group has in the account table (some have only one).
GROUP_LEVELS: dict[Group, tuple[Level, ...]] = {
    Group.SYSTEM: ("monitoring", "control"),
    Group.PHONE: ("monitoring", "control"),
    Group.ACCESS: ("monitoring", "control"),
    Group.IO: ("monitoring", "control"),
    Group.SWITCHES: ("control",),
    Group.AUDIO: ("control",),
    Group.CAMERA: ("monitoring",),
    Group.DISPLAY: ("control",),
    Group.EMAIL: ("control",),
    Group.UID: ("monitoring",),
    Group.KEYPAD: ("monitoring",),
    Group.AUTOMATION: ("control",),
}


@dataclass(frozen=True)
class Privilege:
    group: Group
    level: Level


def all_grants() -> frozenset[tuple[Group, Level]]:
    return frozenset((g, lvl) for g, levels in GROUP_LEVELS.items() for lvl in levels)


@dataclass
class ApiUser:
    """An HTTP API account (up to five) with its MONITORING/CONTROL checkboxes."""

    name: str
    password: str
    enabled: bool = True
    grants: frozenset[tuple[Group, Level]] = field(default_factory=all_grants)

    @classmethod
    def with_grants(cls, name: str, password: str, grants: Iterable[str],
                    *, enabled: bool = True) -> ApiUser:
        """``grants`` like ``["system", "io:monitoring", "switches"]`` (a bare group = all
        its checkboxes)."""
        result: set[tuple[Group, Level]] = set()
        for grant in grants:
            group_name, _, level = grant.partition(":")
            try:
                group = Group(group_name)
            except ValueError:
                raise InvalidValue(f"unknown privilege group {group_name!r}") from None
            levels = GROUP_LEVELS[group]
            if level and level not in levels:
                raise InvalidValue(f"privilege group {group_name!r} has no {level!r} checkbox")
            for lvl in (level,) if level else levels:
                result.add((group, lvl))  # type: ignore[arg-type]
        return cls(name, password, enabled, frozenset(result))

    def allows(self, privilege: Privilege | None) -> bool:
        if privilege is None:
            return True
        levels = GROUP_LEVELS[privilege.group]
        if len(levels) == 1:
            # Assumption: a group with a single checkbox (e.g. Switches: CONTROL only) grants
            # every function of the group, whatever level the function table names.
            return any(g == privilege.group for g, _ in self.grants)
        return (privilege.group, privilege.level) in self.grants

    def has_group(self, group: Group, level: Level = "monitoring") -> bool:
        return self.allows(Privilege(group, level))


MAX_USERS = 5


def check_users(users: list[ApiUser]) -> list[ApiUser]:
    if not users:
        raise InvalidValue("at least one HTTP API account is required")
    if len(users) > MAX_USERS:
        raise InvalidValue(f"at most {MAX_USERS} HTTP API accounts are allowed")
    names = [u.name for u in users]
    if len(set(names)) != len(names):
        raise InvalidValue("HTTP API account names must be unique")
    return users


def credentials(users: Iterable[ApiUser]) -> Mapping[str, str]:
    return {u.name: u.password for u in users if u.enabled}
