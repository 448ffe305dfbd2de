"""2N actions beyond doors, switches and calls: a test e-mail, access for a user at an access
point, a user's lift floors, and an HTTP automation trigger (API v2.21-v2.37)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from ...core.device import ActionSpec, Capability
from ...core.params import Choice, Kind, ParamSpec
from .capture import CAPTURE_ACTIONS, run_capture_action
from .client import TwoNClient

_USER = ParamSpec("user", "User", required=True,
                  pattern=r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                          r"[0-9A-Fa-f]{12}",
                  help="The user's uuid in the device directory (Directory page).")

EMAIL_TEST = ActionSpec(
    "email_test", "Send a test e-mail", (
        ParamSpec("to", "To", required=True, pattern=r"[^@\s,]+@[^@\s,]+\.[^@\s,]+",
                  help="Delivery address."),
        ParamSpec("subject", "Subject", required=True, default="Test from the intercom"),
        ParamSpec("body", "Message", default="This is a test e-mail sent by the intercom."),
        ParamSpec("pictureCount", "Camera pictures", Kind.INT, minimum=0, maximum=5, default=0,
                  help="Camera images enclosed (0-5)."),
    ),
    help="Checks the intercom's e-mail (SMTP) settings: the intercom sends this message.",
    capability=str(Capability.EMAIL))

GRANT_ACCESS = ActionSpec(
    "grant_access", "Let a user in", (
        ParamSpec("id", "Access point", Kind.ENUM, required=True, default=0,
                  choices=(Choice(0, "Arrival (entry)"), Choice(1, "Departure (exit)"))),
        _USER,
    ),
    help="Opens the door for this user as if they had shown their credential, with their "
         "access rights applied (accesspoint/grantaccess).",
    capability=str(Capability.ACCESS))

LIFT_ACCESS = ActionSpec(
    "lift_access", "Enable a user's lift floors", (
        _USER,
        ParamSpec("duration", "For", Kind.INT, minimum=1, maximum=600, unit="s",
                  help="Empty: the Switch-On Duration configured on the device."),
    ),
    help="Enables the floors this user may reach, from another device's authorisation "
         "(lift/grantaccess).",
    capability=str(Capability.ACCESS))

REPORT_PLATE = ActionSpec(
    "report_plate", "Report a licence plate", (
        ParamSpec("plateText", "Plate", required=True, max_length=32,
                  help="Text of the recognised licence plate (finds the user by it)."),
        ParamSpec("accessPoint", "Vehicle", Kind.ENUM, required=True, default=0,
                  choices=(Choice(0, "Entering"), Choice(1, "Leaving"))),
    ),
    help="Sends what a licence plate camera saw, as a Licence Plate Recognition system does "
         "(lpr/licenseplate): the intercom applies its access rules to that user's vehicle.",
    capability=str(Capability.ACCESS))

FIND_USER = ActionSpec(
    "find_user", "Show one directory user", (_USER,),
    help="Reads one user record by uuid (dir/get).", capability=str(Capability.DIRECTORY))

AUTOMATION_TRIGGER = ActionSpec(
    "automation_trigger", "Run an automation trigger", (
        ParamSpec("triggerId", "Trigger id", required=True,
                  help="The id of an HttpTrigger in the device's Automation settings."),
    ),
    help="Activates an HttpTrigger automation function (automation/trigger).",
    capability=str(Capability.MAINTENANCE))


def operator_actions(capabilities: set[str], has_system_caps: bool) -> list[ActionSpec]:
    """The actions this device offers: e-mail with an SMTP client, access with access
    control; the automation trigger on firmware that has system/caps (it is v2.27+); packet
    capture where the device has it."""
    out: list[ActionSpec] = []
    if Capability.PCAP in capabilities:
        out += CAPTURE_ACTIONS
    if Capability.EMAIL in capabilities:
        out.append(EMAIL_TEST)
    if Capability.ACCESS in capabilities:
        out += [GRANT_ACCESS, LIFT_ACCESS, REPORT_PLATE]
    if Capability.DIRECTORY in capabilities:
        out.append(FIND_USER)
    if has_system_caps:
        out.append(AUTOMATION_TRIGGER)
    return out


Runner = Callable[[TwoNClient, Mapping[str, Any]], Awaitable[Any]]


async def _email(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    await c.email_send(v["to"], v["subject"], body=v.get("body") or None,
                       picture_count=v.get("pictureCount") or None)
    return f"the intercom accepted the message to {v['to']}"


async def _grant(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    result = await c.accesspoint_grantaccess(int(v["id"]), v["user"])
    if isinstance(result, Mapping) and result.get("accessGranted") is False:
        return f"access refused: {result.get('reason') or 'no reason given'}"
    return "access granted"


async def _lift(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    await c.lift_grantaccess(v["user"], v.get("duration"))
    return "floors enabled"


async def _plate(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    # Each report is its own LPR event: a fresh uuid, as an LPR system gives every sighting.
    await c.lpr_licenseplate(str(uuid.uuid4()), int(v["accessPoint"]), v["plateText"])
    return f"plate {v['plateText']} reported"


async def _find_user(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    users = (await c.dir_get([v["user"]])).get("users") or []
    user = next((u for u in users if isinstance(u, Mapping)), None)
    errors = [e.get("code") for e in (user or {}).get("errors") or [] if isinstance(e, Mapping)]
    if user is None or "EDIR_UUID_DOES_NOT_EXIST" in errors:
        return "no such user in the directory"
    if errors:  # the document's per-entry errors, e.g. EDIR_UUID_INVALID_FORMAT
        return f"the device refused the lookup ({', '.join(map(str, errors))})"
    return f"{user.get('name') or '(no name)'} ({user.get('uuid')})"


async def _trigger(c: TwoNClient, v: Mapping[str, Any]) -> Any:
    await c.automation_trigger(v["triggerId"])
    return "trigger activated"


async def _capture(action_id: str, c: TwoNClient, v: Mapping[str, Any]) -> Any:
    return await run_capture_action(c, action_id, v)


RUNNERS: dict[str, Runner] = {
    EMAIL_TEST.id: _email, GRANT_ACCESS.id: _grant, LIFT_ACCESS.id: _lift,
    AUTOMATION_TRIGGER.id: _trigger, REPORT_PLATE.id: _plate, FIND_USER.id: _find_user,
    **{a.id: partial(_capture, a.id) for a in CAPTURE_ACTIONS},
}
