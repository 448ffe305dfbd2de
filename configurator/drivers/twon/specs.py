"""2N settings as ParamSpecs / TableSpecs, built from what the device reports.

The 2N HTTP API has few writable settings: device time (``system/time/set``), access point
blocking, the Bluetooth location (``mobilekey/config``) and bank holidays (a table:
holidays.py). Switch mode and
duration, display and camera properties are reported by the caps functions but can only be
changed in the web interface or the configuration XML, so they are read-only here.
Help texts are the manual's own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...core.params import (
    Category,
    Choice,
    Kind,
    ParamSpec,
    SettingsPage,
    TableOp,
    TableSpec,
    repeat,
)

# -- switches (one block per switch reported by switch/caps) ---------------------------------
SWITCH_TEMPLATE = (
    ParamSpec("switch.{n}.enabled", "Enabled", Kind.BOOL, read_only=True, group="{label}",
              help="Switch control enabled in the configuration web interface."),
    ParamSpec("switch.{n}.mode", "Mode", Kind.ENUM, read_only=True, group="{label}",
              choices=(Choice("monostable", "Monostable"), Choice("bistable", "Bistable")),
              help="Selected switch mode (monostable, bistable)."),
    ParamSpec("switch.{n}.switchOnDuration", "Switch-on duration", Kind.INT, unit="s",
              read_only=True, minimum=0, group="{label}",
              help="Switch activation time in seconds (for monostable mode only)."),
    ParamSpec("switch.{n}.type", "Type", Kind.ENUM, read_only=True, group="{label}",
              choices=(Choice("normal", "Normal"), Choice("security", "Security")),
              help="Switch type (normal, security)."),
    ParamSpec("switch.{n}.active", "Active", Kind.BOOL, read_only=True, group="{label}",
              category=Category.STATUS,
              help="Current state of the switch (true - activated, false - deactivated)."),
    ParamSpec("switch.{n}.locked", "Locked", Kind.BOOL, read_only=True, group="{label}",
              category=Category.STATUS,
              help="Locked in deactivated position and cannot be operated. Locking has the "
                   "priority over holding the switch."),
    ParamSpec("switch.{n}.held", "Held", Kind.BOOL, read_only=True, group="{label}",
              category=Category.STATUS,
              help="Held in activated position and cannot be operated."),
)


def switch_page(switches: Sequence[Mapping[str, Any]]) -> SettingsPage:
    """The switch settings (read-only here) of these switches."""
    ids = [(str(s["switch"]), f"Switch {s['switch']}") for s in switches if "switch" in s]
    return SettingsPage("switches", "Switches", tuple(repeat(SWITCH_TEMPLATE, ids)),
                        help="Switch settings and state as reported by /api/switch/caps and "
                             "/api/switch/status. The HTTP API cannot write them one by one: "
                             "change them in the device's configuration file.",
                        capability="switches", edited_in="configfile")


# -- time ------------------------------------------------------------------------------------
TIME_SOURCES = ("rtp", "ntp", "my2n", "vms", "browser", "gui", "api")


def time_page() -> SettingsPage:
    """The date and time page."""
    return SettingsPage("time", "Date and time", (
        ParamSpec("time.utcTime", "Device time (UTC)", Kind.DATETIME, minimum=0,
                  maximum=2147483647,
                  help="Unix time. We recommend setting the time only when 'Use time from "
                       "Internet' is disabled; otherwise NTP or My2N overwrites it."),
        ParamSpec("time.source", "Time source", Kind.STRING, read_only=True,
                  category=Category.STATUS,
                  help="Time source: " + ", ".join(TIME_SOURCES) + "."),
        ParamSpec("time.automatic", "Automatic (NTP)", Kind.BOOL, read_only=True,
                  category=Category.STATUS,
                  help="Automatic time retrieval from NTP server."),
    ), help="The manual documents no NTP server or time zone settings in the HTTP API.",
        capability="system")


# -- display and camera ----------------------------------------------------------------------
def display_page(displays: Sequence[Mapping[str, Any]]) -> SettingsPage:
    """The display page (resolution, read-only)."""
    template = (ParamSpec("display.{n}.resolution", "Resolution", Kind.STRING, read_only=True,
                          group="{label}", category=Category.STATUS,
                          help="Display resolution in pixels (for images sent to the display)."),)
    ids = [(str(d.get("display")), f"Display {d.get('display')}") for d in displays]
    return SettingsPage("display", "Display", tuple(repeat(template, ids)),
                        capability="display")


def resolution_choices(camera: Mapping[str, Any]) -> tuple[Choice, ...]:
    """The camera resolutions as choices (``WxH``)."""
    out = []
    for res in camera.get("jpegResolution", []):
        if isinstance(res, dict) and "width" in res and "height" in res:
            text = f"{res['width']}x{res['height']}"
            out.append(Choice(text, text))
    return tuple(out)


def source_choices(camera: Mapping[str, Any]) -> tuple[Choice, ...]:
    """The camera sources as choices."""
    return tuple(Choice(str(s["source"]), str(s["source"]).capitalize())
                 for s in camera.get("sources", []) if isinstance(s, dict) and "source" in s)


AUTO_RESOLUTION = Choice("auto", "Automatic")


def camera_params(camera: Mapping[str, Any]) -> tuple[ParamSpec, ...]:
    """Viewer choices (source, resolution) offered by camera/caps."""
    sources, resolutions = source_choices(camera), resolution_choices(camera)
    return (
        ParamSpec("camera.source", "Video source", Kind.ENUM, choices=sources,
                  default=sources[0].value if sources else None,
                  help="Video source (internal - internal camera, external - external IP "
                       "camera). Without it the default source of Hardware / Camera is used."),
        ParamSpec("camera.resolution", "Resolution", Kind.ENUM,
                  choices=(AUTO_RESOLUTION, *resolutions), default=AUTO_RESOLUTION.value,
                  help="Resolution asked for; one of the options of /api/camera/caps. "
                       "Automatic: the largest up to 640 pixels wide in the camera dock, the "
                       "largest of all for snapshots."),
    )


def camera_page(camera: Mapping[str, Any]) -> SettingsPage:
    """The camera page (program-side source and resolution)."""
    return SettingsPage("camera", "Camera", camera_params(camera), capability="camera",
                        help="Source and resolution the camera dock starts with and snapshots "
                             "use (kept in this program, not on the device).")


# -- event log filter ------------------------------------------------------------------------
def events_page(event_types: Sequence[str]) -> SettingsPage:
    """The event log filter page."""
    return SettingsPage("events", "Event log", (
        ParamSpec("log.filter", "Event types", Kind.FLAGS,
                  choices=tuple(Choice(e, e) for e in event_types),
                  help="Event types to receive (empty: all). List of required event types; "
                       "if no value is entered, all available event types are transferred."),
    ), capability="events", help="Filter of the event channel (log/subscribe filter).")


# -- access control --------------------------------------------------------------------------
ACCESS_POINTS = (("0", "Entry"), ("1", "Exit"))


def access_page(with_mobilekey: bool) -> SettingsPage:
    """The access page (access point blocking, mobile key location)."""
    params = repeat((
        ParamSpec("accesspoint.{n}.blocked", "Access blocked", Kind.BOOL, group="{label}",
                  help="Blocking of access on the {label} access point (on/off)."),
    ), ACCESS_POINTS)
    if with_mobilekey:
        params.append(ParamSpec(
            "mobilekey.location", "Bluetooth location ID", Kind.STRING, max_length=127,
            group="Bluetooth", help="Defines the device location for Bluetooth "
            "authentication; by default the serial number. Use the same value to add "
            "several devices to one location."))
    return SettingsPage("access", "Access control", tuple(params), capability="access")


def sip_page(accounts: Sequence[Mapping[str, Any]]) -> SettingsPage:
    """The SIP accounts page (status, read-only)."""
    template = (
        ParamSpec("phone.{n}.sipNumber", "SIP number", read_only=True, group="{label}",
                  category=Category.STATUS, help="SIP account telephone number."),
        ParamSpec("phone.{n}.registered", "Registered", Kind.BOOL, read_only=True,
                  group="{label}", category=Category.STATUS,
                  help="Account registration with SIP Registrar."),
    )
    ids = [(str(a["account"]), f"SIP account {a['account']}") for a in accounts
           if "account" in a]
    return SettingsPage("sip", "SIP accounts", tuple(repeat(template, ids)), capability="sip",
                        help="SIP state as reported by /api/phone/status. The HTTP API cannot "
                             "write SIP settings: change them in the device's configuration "
                             "file.", edited_in="configfile")


# -- directory users -------------------------------------------------------------------------
_DIR_HELP = {
    "uuid": "Unique User Identifier (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX); generated by the "
            "device when left empty.",
    "name": "Name of an entry (a user or device name), up to 63 characters.",
    "email": "E-mail address(es), several separated with commas.",
    "owner": "Remote management system owning the entry (My2N, Access Commander...).",
    "treepath": "Position(s) of the entry on the display, e.g. / or /Folder1;/Folder2/.",
    "virtNumber": "Virtual number dialled from the keypad, up to 7 characters.",
    "deputy": "Uuid of a deputy entry called when the callee is unavailable.",
    "buttons": "Buttons assigned to this entry (comma-separated positions from 1).",
    "access.pin": "PIN of the entry, 2 to 15 digits.",
    "access.validFrom": "Start of validity (Unix time); empty: from the beginning of time.",
    "access.validTo": "End of validity (Unix time); empty: to the end of time.",
    "access.virtCard": "Virtual card relayed to Wiegand, 6-32 hex characters.",
    "access.mobkey": "Bluetooth authentication ID, 32 hex characters.",
    "access.apbException": "Exception from the anti-passback policy.",
    "access.licensePlates": "Licence plates of the user, comma-separated (max 20).",
    "access.liftFloors": "Accessible lift floors, e.g. F=2,4.",
}
_DIR_SKIP = {"photo", "deleted", "timestamp", "access.fpt", "access.pairingExpired"}
_DIR_LIMITS: dict[str, dict[str, Any]] = {
    "name": {"max_length": 63},
    "virtNumber": {"max_length": 7},
    "access.pin": {"pattern": r"\d{2,15}"},
    "access.virtCard": {"pattern": r"[0-9A-Fa-f]{6,32}"},
    "access.mobkey": {"pattern": r"[0-9A-Fa-f]{32}"},
}


def flatten(user: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"access": {"pin": "1"}, "callPos": [{"peer": "1"}]}`` ->
    ``{"access.pin": "1", "callPos[0].peer": "1"}`` (the manual's own field syntax)."""
    flat: dict[str, Any] = {}
    for key, value in user.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                flat.update(flatten(item, f"{name}[{i}]."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                flat[f"{name}[{i}]"] = item
        else:
            flat[name] = value
    return flat


def unflatten(flat: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`flatten`, using the template for list lengths."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        _assign(out, _split(path), value, template)
    return out


def _split(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        if rest:
            parts.append(int(rest.rstrip("]")))
    return parts


def _assign(node: Any, parts: list[str | int], value: Any, template: Any) -> None:
    head, tail = parts[0], parts[1:]
    sub = _child(template, head)
    if not tail:
        if isinstance(node, list):
            _grow(node, int(head), sub)
        node[head] = value
        return
    if isinstance(node, dict):
        if head not in node:
            node[head] = _fresh(sub, tail[0])
    else:
        _grow(node, int(head), sub)
        if not isinstance(node[head], dict | list):
            node[head] = _fresh(sub, tail[0])
    _assign(node[head], tail, value, sub)


def _fresh(sub: Any, nxt: str | int) -> Any:
    """A new container; lists get the template's length (missing items stay empty)."""
    if isinstance(nxt, int):
        length = max(len(sub) if isinstance(sub, list) else 0, nxt + 1)
        return [{} if isinstance(_child(sub, 0), dict) else "" for _ in range(length)]
    return {}


def _grow(node: list[Any], index: int, sub: Any) -> None:
    while len(node) <= index:
        node.append({} if isinstance(sub, dict) else "")


def _child(template: Any, key: str | int) -> Any:
    if isinstance(template, dict) and isinstance(key, str):
        return template.get(key)
    if isinstance(template, list) and isinstance(key, int) and key < len(template):
        return template[key]
    return None


# Column titles in the installer's words (the manual's field names stay in the tooltips).
_DIR_LABELS = {
    "uuid": "User ID", "name": "Name", "email": "E-mail", "owner": "Managed by",
    "treepath": "Display folder", "virtNumber": "Virtual number", "deputy": "Deputy",
    "buttons": "Buttons", "pin": "PIN", "validFrom": "Valid from", "validTo": "Valid to",
    "virtCard": "Virtual card", "mobkey": "Bluetooth key", "apbException":
    "Anti-passback exception", "licensePlates": "Licence plates", "liftFloors": "Lift floors",
    "card": "Card", "code": "Code", "peer": "Number", "profiles": "Time profile",
    "ipEye": "IP Eye", "grantAccess": "Grant access",
}
_DIR_GROUPS = {"access": "Access", "callPos": "Calls"}


def _words(name: str) -> str:
    """``apbException`` -> ``Apb exception`` (for a field the labels above do not know)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return spaced[:1].upper() + spaced[1:]


def _dir_label(key: str) -> str:
    """``access.card[1]`` -> ``Card 2``; ``callPos[0].peer`` -> ``Call 1: Number``."""
    pieces = key.split(".")
    parts = []
    for position, piece in enumerate(pieces):
        name, _, index = piece.partition("[")
        number = f" {int(index.rstrip(']')) + 1}" if index else ""
        if name in _DIR_GROUPS and position < len(pieces) - 1:
            if number:  # callPos[0].peer: which call
                parts.append(f"Call{number}:")
            continue  # access.pin: the section says "Access"
        parts.append((_DIR_LABELS.get(name) or _words(name)) + number)
    return " ".join(parts)


def _dir_group(key: str) -> str:
    head = re.split(r"[.\[]", key, maxsplit=1)[0]
    return _DIR_GROUPS.get(head, "User")


def _column(key: str, default: Any) -> ParamSpec:
    kind = Kind.BOOL if isinstance(default, bool) else Kind.STRING
    category = Category.BASIC if key in _DIR_BASIC else Category.ADVANCED
    help_text = _DIR_HELP.get(key, "")
    help_text = f"{help_text} (API field {key})" if help_text else f"API field {key}"
    return ParamSpec(key, _dir_label(key), kind, help=help_text, category=category,
                     group=_dir_group(key), read_only=key == "uuid", default=default,
                     **_DIR_LIMITS.get(key, {}))


# Columns an installer scans first; the rest of the directory record is "advanced".
_DIR_BASIC = frozenset({"uuid", "name", "email", "callPos[0].peer", "access.validFrom",
                        "access.validTo", "access.card[0]", "access.pin", "access.code[0]"})


def directory_table(template_user: Mapping[str, Any]) -> TableSpec:
    """Columns generated from dir/template (the fields depend on model and hardware)."""
    columns = [_column(k, v) for k, v in flatten(template_user).items() if k not in _DIR_SKIP]
    if not any(c.key == "uuid" for c in columns):
        columns.insert(0, _column("uuid", ""))
    return TableSpec(
        "users", "Directory users", tuple(columns), row_key="uuid",
        operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL}), capability="directory",
        help="Entries of the device directory (api/dir). Available fields come from "
             "/api/dir/template.")
