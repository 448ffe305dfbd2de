"""Helpers shared by the CLI commands: addresses, KEY=VALUE, JSON output, the device."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlparse, urlsplit

from ..core.device import Device
from ..core.errors import InvalidValue, NotSupported
from ..core.transport import Credentials, Endpoint


def parse_endpoint(text: str, scheme: str | None, port: int | None) -> Endpoint:
    """``HOST``, ``HOST:PORT``, ``[IPv6]``, ``[IPv6]:PORT``, a bare IPv6 address or
    ``http(s)://HOST[:PORT][/]``; :class:`InvalidValue` for anything else (a port outside
    1-65535 included)."""
    text = text.strip()
    if port is not None:
        _check_port(port, text)
    if "://" in text:
        try:
            url = urlparse(text)
            host, url_port = url.hostname, url.port
        except ValueError:  # "http://[::1", "http://h:abc/", "http://h:99999/"
            raise InvalidValue(f"not a device address: {text!r}") from None
        if url.scheme not in ("http", "https") or not host:
            raise InvalidValue(f"not a device address: {text!r}")
        if url_port is not None:
            _check_port(url_port, text)
        return Endpoint(host, port or url_port, scheme or url.scheme)  # type: ignore[arg-type]
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        if not closed:
            raise InvalidValue(f"not a device address: {text!r}")
        if rest:
            if not rest.startswith(":"):
                raise InvalidValue(f"not a device address: {text!r}")
            port = port or _port_text(rest[1:], text)
        _check_ipv6(host, text)
    elif text.count(":") > 1:
        host = text
        _check_ipv6(host, text)
    else:
        host, sep, maybe_port = text.rpartition(":")
        if sep:
            port = port or _port_text(maybe_port, text)
        else:
            host = text
    if not host or any(c in host for c in "/ ?#@[]") or not host.isprintable():
        raise InvalidValue(f"not a device address: {text!r}")
    return Endpoint(host, port, (scheme or "http"))  # type: ignore[arg-type]


def _port_text(digits: str, text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", digits):
        raise InvalidValue(f"not a device address: {text!r} (the port must be 1-65535)")
    return _check_port(int(digits), text)


def _check_port(port: int, text: str) -> int:
    if not 1 <= port <= 65535:
        raise InvalidValue(f"port {port} of {text!r} is not 1-65535")
    return port


def _check_ipv6(host: str, text: str) -> None:
    try:
        ipaddress.IPv6Address(host.split("%", 1)[0])
    except ValueError:
        raise InvalidValue(f"not a device address: {text!r}") from None


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidValue(f"expected KEY=VALUE, got {item!r}")
        result[key.strip()] = value
    return result


def jsonable(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


# Reply fields whose value is a secret (a device's raw reply has no ParamSpec to say so).
_SECRET_FIELD = re.compile(r"pass(?:word|wd)?|pwd|secret|token", re.IGNORECASE)


def mask_secrets(value: Any) -> Any:
    """A copy of a raw reply with the values of secret-named fields shown as ``***``."""
    if isinstance(value, dict):
        return {k: ("***" if _SECRET_FIELD.search(str(k)) and v not in (None, "")
                    else mask_secrets(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_secrets(v) for v in value]
    return value


def emit_json(data: Any) -> None:
    print(json.dumps(jsonable(data), ensure_ascii=False), flush=True)


def given_credentials(args: argparse.Namespace) -> Credentials | None:
    """--user/--password (or $CONFIGURATOR_PASSWORD), None when neither is given."""
    password = args.password if args.password is not None else os.environ.get(
        "CONFIGURATOR_PASSWORD")
    if args.user or password:
        user = args.user or "admin"
        if not user.isascii() or not user.isprintable():
            # HTTP Digest sends the user name in a header: only ASCII can go there.
            raise InvalidValue(f"the user name {user!r} has characters a device login "
                               "cannot carry (use ASCII letters, digits and signs)")
        return Credentials(user, password or "")
    return None


def is_camera_url(text: str) -> bool:
    """An http(s) URL naming more than a device (a path, a query or ``user:password@``): a
    camera URL the camera command opens as it is, with no vendor probing of the host."""
    parsed = urlsplit(text.strip())
    if parsed.scheme not in ("http", "https"):
        return False
    return parsed.path not in ("", "/") or bool(parsed.query) or "@" in parsed.netloc


async def open_device(args: argparse.Namespace) -> Device:
    """Connect to the device the command names (vendor found by probing unless given)."""
    from ..drivers.registry import connect

    endpoint = parse_endpoint(args.host, args.scheme, args.port)
    return await connect(endpoint, given_credentials(args), driver_id=args.vendor,
                         auth=args.auth)


def print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())




@contextlib.asynccontextmanager
async def opened_device(args: argparse.Namespace, *,
                        detected: bool = False) -> AsyncIterator[Device]:
    """The command's device, closed whatever happens; with ``detected``, its capabilities
    read first (what its pages, tables and actions depend on)."""
    device = await open_device(args)
    try:
        if detected:
            await device.capabilities()
        yield device
    finally:
        await device.aclose()


Ability = TypeVar("Ability")


@contextlib.asynccontextmanager
async def opened_with(args: argparse.Namespace, ability: type[Ability],
                      has_it: Callable[[Ability], object], lacking: str
                      ) -> AsyncIterator[Ability]:
    """The command's device (capabilities read) when it has ``ability`` and ``has_it`` says
    it is there; otherwise :class:`NotSupported` with the words ``lacking``."""
    async with opened_device(args, detected=True) as device:
        if not isinstance(device, ability) or not has_it(device):
            raise NotSupported(lacking)
        yield device


@contextlib.asynccontextmanager
async def deadline(seconds: float | None) -> AsyncIterator[None]:
    """Stop the body quietly after ``seconds`` (None: no limit)."""
    if seconds is None:
        yield
        return
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        pass


def write_output(path: str, content: bytes) -> None:
    """Write atomically and privately (0600: configurations hold secrets): a failed write
    leaves neither a half file under the real name nor the ``.partial`` one."""
    from ..services.private_files import write_private

    try:
        write_private(path, content)
    except OSError as exc:
        raise InvalidValue(f"cannot write {path}: {exc.strerror or exc}") from None
