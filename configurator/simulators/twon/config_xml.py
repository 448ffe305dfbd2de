"""The configuration document of /api/config: built from the simulator state, applied back.

Elements the simulator does not model are kept verbatim, so a downloaded configuration can be
uploaded again unchanged (round trip).

What the manual says, and what the simulator assumes where it says nothing:
- the download is ``application/xml``, a ``<DeviceDatabase Version="4">`` document with a
  comment naming the product (the manual's example); the upload is the mandatory ``blob-cfg``
  parameter (error 11 without it);
- the upload is applied "with a delay of approx. 15 s" after the reply (``config_apply_delay``);
  until then a download still returns the old configuration;
- assumption: a file that is not well-formed XML, declares a DTD, is not a ``DeviceDatabase`` or
  holds a value the device cannot take is refused at once with error 12 (``blob-cfg``) and
  nothing of it is applied; one larger than ``MAX_CONFIG_BYTES`` with error 13 (the manual
  gives no limit); a second upload while one is still being applied with error 18 (request
  rejected);
- assumption: the element names of the sections the simulator models (System, Switches,
  Phone, HttpApi) are its own; the manual shows only ``Network/DhcpEnabled``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

from ...core.errors import InvalidValue
from ...core.safexml import parse_xml_document
from .protocol import ApiError, invalid

if TYPE_CHECKING:
    from .device import TwoNSimulator

_KNOWN = ("System", "Switches", "Phone", "HttpApi")
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def default_extra() -> list[bytes]:
    network = etree.Element("Network")
    for tag, text in (("DhcpEnabled", "1"), ("IpAddress", "192.168.1.100"),
                      ("NetMask", "255.255.255.0"), ("Gateway", "192.168.1.1")):
        etree.SubElement(network, tag).text = text
    return [etree.tostring(network)]


def build(sim: TwoNSimulator) -> bytes:
    m = sim.profile
    root = etree.Element("DeviceDatabase", Version="4")
    root.append(etree.Comment(
        f"\n    Product name: {m.variant}\n    Serial number: {m.serial}\n"
        f"    Software version: {sim.sw_version}\n    Hardware version: {m.hw_version}\n"
        f"    Display: {'Yes' if m.displays else 'No'}\n"))
    system = etree.SubElement(root, "System")
    etree.SubElement(system, "DeviceName").text = sim.device_name
    switches = etree.SubElement(root, "Switches")
    for sw in sim.switches.items.values():
        node = etree.SubElement(switches, "Switch", Id=str(sw.n))
        etree.SubElement(node, "Enabled").text = "1" if sw.config.enabled else "0"
        etree.SubElement(node, "Mode").text = sw.config.mode
        etree.SubElement(node, "SwitchOnDuration").text = _num(sw.config.duration)
        etree.SubElement(node, "Type").text = sw.config.type
    phone = etree.SubElement(root, "Phone")
    for account in _accounts(sim):
        node = etree.SubElement(phone, "Account", Id=str(account["account"]))
        etree.SubElement(node, "Enabled").text = "1" if account.get("enabled") else "0"
        etree.SubElement(node, "SipNumber").text = str(account.get("sipNumber", ""))
        etree.SubElement(node, "Password").text = _passwords(sim).get(int(account["account"]), "")
    api = etree.SubElement(root, "HttpApi")
    for service, sec in sim.security.items():
        node = etree.SubElement(api, "Service", Name=service.value)
        etree.SubElement(node, "Enabled").text = "1" if sec.enabled else "0"
        etree.SubElement(node, "Connection").text = sec.connection
        etree.SubElement(node, "Auth").text = sec.auth
    for raw in sim.config_extra:
        root.append(etree.fromstring(raw))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _accounts(sim: TwoNSimulator) -> list[dict[str, Any]]:
    phone = sim.extensions.get("phone")
    return list(getattr(phone, "accounts", []))


def _passwords(sim: TwoNSimulator) -> dict[int, str]:
    """SIP account passwords: in the configuration file only (phone/status never shows them)."""
    passwords: dict[int, str] = sim.extensions.setdefault("sip_passwords", {})
    return passwords


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def apply(sim: TwoNSimulator, data: bytes) -> None:
    """Validate the whole document first, then apply it (all or nothing)."""
    prepare(sim, data)()


def prepare(sim: TwoNSimulator, data: bytes) -> Callable[[], None]:
    """Validate the whole document (ApiError 12 ``blob-cfg``); returns the commit step."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ApiError(13, "blob-cfg")
    try:
        root = parse_xml_document(data, max_bytes=MAX_CONFIG_BYTES).getroot()
    except InvalidValue:
        raise invalid("blob-cfg") from None
    if root.tag != "DeviceDatabase":
        raise invalid("blob-cfg")
    name = root.findtext("System/DeviceName")
    updates = []
    for node in root.findall("Switches/Switch"):
        try:
            sw = sim.switches.items[int(node.get("Id", ""))]
            enabled = node.findtext("Enabled", "1" if sw.config.enabled else "0")
            mode = node.findtext("Mode", sw.config.mode)
            duration = float(node.findtext("SwitchOnDuration", str(sw.config.duration)))
            kind = node.findtext("Type", sw.config.type)
        except (KeyError, ValueError):
            raise invalid("blob-cfg") from None
        if enabled not in ("0", "1") or mode not in ("monostable", "bistable") or not (
                0 < duration <= 86400) or kind not in ("normal", "security"):
            raise invalid("blob-cfg")
        updates.append((sw, enabled == "1", mode, duration, kind))
    accounts = {int(a["account"]): a for a in _accounts(sim)}
    phone_updates = []
    for node in root.findall("Phone/Account"):
        try:
            account = accounts[int(node.get("Id", ""))]
        except (KeyError, ValueError):
            raise invalid("blob-cfg") from None
        enabled = node.findtext("Enabled", "1" if account.get("enabled") else "0")
        number = node.findtext("SipNumber", str(account.get("sipNumber", "")))
        password = node.findtext("Password", _passwords(sim).get(int(account["account"]), ""))
        if enabled not in ("0", "1") or len(number) > 64 or any(
                not (c.isalnum() or c in "+*#._-") for c in number):
            raise invalid("blob-cfg")
        if len(password) > 128:
            raise invalid("blob-cfg")
        phone_updates.append((account, enabled == "1", number, password))
    extra = [etree.tostring(child) for child in root
             if isinstance(child.tag, str) and child.tag not in _KNOWN]

    def commit() -> None:
        _commit(sim, name, updates, extra)
        for account, enabled, number, password in phone_updates:
            account["enabled"], account["sipNumber"] = enabled, number
            _passwords(sim)[int(account["account"])] = password
            # An account that is switched off does not stay registered.
            account["registered"] = bool(account.get("registered")) and enabled

    return commit


def _commit(sim: TwoNSimulator, name: str | None, updates: list[Any], extra: list[bytes]
            ) -> None:
    if name is not None:
        sim.device_name = name
    for sw, enabled, mode, duration, kind in updates:
        sw.config.enabled, sw.config.mode = enabled, mode
        sw.config.duration, sw.config.type = duration, kind
    # Assumption: HTTP API security is not changed by a configuration upload (the
    # simulator would lock its own clients out); the section is ignored on upload.
    sim.config_extra = extra
