"""Typed async client of the FCM5600 IP-PBX REST API (one method per documented function).

Token login (see :mod:`.protocol` for the assumed login details): the client logs in lazily
on the first request, and when a request answers HTTP 401 (token expired or logged out) it
logs in again ONCE and repeats the request; a second 401 is an :class:`AuthError`.
Reply parsing and error mapping happen in :meth:`FcmClient._reply` only.

The token is a secret: it is never logged (query parameters go through ``redact_params``)
and never appears in ``repr``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from functools import partial
from typing import Any, Protocol

import httpx

from ...core import safejson
from ...core.errors import (
    AuthError,
    DeviceError,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Rejected,
)
from ...core.transport import RedactingFilter, Transport
from . import parsers
from .parsers import Page
from .protocol import FUNCTIONS, GEN_ADD_EXTENSION_FORM, LOGIN, RECORDING_KINDS, LoginProtocol

DEFAULT_PAGE_SIZE = 50
# "page ... Current extension list page, starts from 0" (search-extension-page); the reply
# example's "page":1 contradicts it, but the request's own field description is explicit.
EXTENSION_FIRST_PAGE = 0


def _protect_httpx_log() -> None:
    """httpx logs request URLs at INFO; recording downloads carry ``?token=`` (documented),
    so scrub secrets from httpx's own log records."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


_protect_httpx_log()
log = logging.getLogger(__name__)


class PageFetch(Protocol):
    """A paged search or list function of the client (its other arguments bound)."""

    def __call__(self, *, page: int, page_size: int) -> Awaitable[Page]:
        """Read page ``page`` of ``page_size`` rows."""
        ...


class FcmClient:
    """All calls of the FCM5600 REST API over one :class:`Transport`."""

    def __init__(self, transport: Transport, *, login: LoginProtocol = LOGIN) -> None:
        self.transport = transport
        self.login_protocol = login
        self._token: str | None = None
        self._login_lock = asyncio.Lock()
        self.logins = 0  # how many successful logins (tests check re-login happens once)

    def __repr__(self) -> str:  # never show the token
        state = "logged in" if self._token else "logged out"
        return f"FcmClient({self.transport.endpoint.base_url}, {state})"

    @property
    def host(self) -> str:
        """The PBX's address (for messages)."""
        return self.transport.endpoint.host

    @property
    def logged_in(self) -> bool:
        """Whether a login token is held."""
        return self._token is not None

    # -- login ----------------------------------------------------------------------------
    async def login(self) -> None:
        """Log in with the transport's credentials and keep the token."""
        creds = self.transport.credentials
        if creds is None:
            raise AuthError("the FCM5600 requires a user and password", host=self.host)
        proto = self.login_protocol
        body = {proto.user_field: creds.user, proto.password_field: creds.password}
        self.transport.warn_cleartext_login()
        response = await self.transport.request("POST", proto.path, json=body, idempotent=False)
        if response.status_code in (400, 401, 403):
            message = _message_of(response) or "wrong user or password"
            raise AuthError(f"login failed: {message}", host=self.host)
        self.use_login_reply(response)

    def use_login_reply(self, response: httpx.Response) -> None:
        """Take the token from a successful login reply (``data`` is the token)."""
        data = self._reply(response, "login")
        # Tolerance: accept {"token": ...} as well as the bare token string.
        token = data.get("token") if isinstance(data, Mapping) else data
        if not isinstance(token, str) or not token:
            raise AuthError("login failed: the PBX returned no token", host=self.host)
        self._token = token
        self.logins += 1

    async def logout(self) -> None:
        """Log out (the token becomes invalid on the PBX)."""
        token, self._token = self._token, None
        if token is None:
            return
        # Straight to the transport: a token the PBX already refuses needs no new login just
        # to be logged out (``_send`` would log in again on a 401).
        proto = self.login_protocol
        try:
            await self.transport.request(
                "POST", proto.logout_path, json={},
                headers={proto.header: proto.header_value(token)})
        except AuthError:
            return  # the token had expired: nothing left to log out

    async def _ensure_token(self) -> str:
        async with self._login_lock:
            if self._token is None:
                await self.login()
            assert self._token is not None
            return self._token

    async def _relogin(self, stale: str) -> None:
        async with self._login_lock:
            if self._token == stale:  # nobody refreshed it meanwhile
                self._token = None
                await self.login()

    # -- requests -------------------------------------------------------------------------
    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        token_in_query: bool = False,
    ) -> httpx.Response:
        """Send with the token; on 401 log in again once and repeat."""
        for attempt in (1, 2):
            token = await self._ensure_token()
            headers: dict[str, str] = {}
            query = dict(params or {})
            if token_in_query:
                query[self.login_protocol.query_param] = token
            else:
                headers[self.login_protocol.header] = self.login_protocol.header_value(token)
            try:
                response = await self.transport.request(
                    method, path, json=json, data=data, params=query or None, headers=headers,
                    idempotent=method == "GET",
                )
            except AuthError:
                # The transport turns a 401 into AuthError when it holds credentials; here
                # it means the token was refused (expired or logged out).
                response = None
            if response is not None and response.status_code != 401:
                return response
            if attempt == 1:
                self.transport.log.info("token refused (expired?); logging in again")
                await self._relogin(token)
        raise AuthError("the PBX refused a fresh login token (HTTP 401)", host=self.host)

    def _reply(self, response: httpx.Response, what: str) -> Any:
        """The single place where replies are parsed and errors mapped."""
        status = response.status_code
        if status == 400:
            message = _message_of(response) or "parameter error or record does not exist"
            raise Rejected(f"{what}: {message}", host=self.host, code=400, description=message)
        if status == 401:
            raise AuthError(f"{what}: not logged in (HTTP 401)", host=self.host)
        if status == 403:
            raise PermissionDenied(f"{what}: access forbidden (HTTP 403)", host=self.host)
        if status == 404:
            raise NotSupported(f"{what}: not offered by this PBX (HTTP 404)", host=self.host)
        self.transport.raise_for_http_status(response, what)
        try:
            payload = safejson.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ProtocolError(f"{what}: the PBX did not answer JSON", host=self.host) from None
        try:
            code, message, data = parsers.unwrap(payload, what=what)
        except ProtocolError as exc:
            exc.host = self.host
            raise
        if code != 0:
            raise Rejected(f"{what}: {message or 'error'} (code {code})", host=self.host,
                           code=code, description=message)
        return data

    async def call(self, name: str, args: Mapping[str, Any] | None = None) -> Any:
        """Call a documented function by name (see :data:`FUNCTIONS`); returns ``data``."""
        try:
            fn = FUNCTIONS[name]
        except KeyError:
            known = ", ".join(sorted(FUNCTIONS))
            raise NotSupported(f"no function {name!r} (known: {known})", host=self.host) from None
        args = dict(args or {})
        path = fn.path
        if fn.path_arg:
            value = args.pop(fn.path_arg, None)
            if value in (None, ""):
                raise Rejected(f"{name}: argument {fn.path_arg} is required", host=self.host)
            path = f"{path}/{httpx.URL(str(value)).raw_path.decode()}"
        kwargs: dict[str, Any] = {}
        if fn.body == "json":
            kwargs["json"] = args
        elif fn.body == "form":
            kwargs["data"] = {**GEN_ADD_EXTENSION_FORM, **{k: str(v) for k, v in args.items()}}
        elif fn.body == "query":
            kwargs["params"] = args
        response = await self._send(fn.method, path, **kwargs)
        return self._reply(response, name)

    # -- paging ---------------------------------------------------------------------------
    @staticmethod
    async def iter_pages(fetch: PageFetch, page_size: int = DEFAULT_PAGE_SIZE, *,
                         first_page: int = 1) -> AsyncIterator[dict[str, Any]]:
        """Every row of a paged search, page by page from ``first_page`` (the extension
        search counts from 0 as the document says; the others' examples start at 1)."""
        page_no, seen = first_page, 0
        while True:
            page = await fetch(page=page_no, page_size=page_size)
            for item in page.items:
                yield item
            seen += len(page.items)
            if not page.items or seen >= page.count or len(page.items) < page_size:
                return
            page_no += 1

    async def _page(self, name: str, body: Mapping[str, Any]) -> Page:
        return parsers.parse_page(await self.call(name, body), what=name)

    # -- system ---------------------------------------------------------------------------
    async def system_time(self) -> str:
        """Current PBX time, ``yyyy-MM-dd HH:mm``."""
        return str(await self.call("systeminfo/system-current-time"))

    async def version(self) -> dict[str, str]:
        """Run the device's ``systeminfo/version`` function."""
        return parsers.parse_version(await self.call("systeminfo/version"))

    async def cpu(self) -> list[float]:
        """Run the device's ``systeminfo/cpu`` function."""
        return parsers.parse_cpu(await self.call("systeminfo/cpu"))

    async def mem(self) -> dict[str, float]:
        """Run the device's ``systeminfo/mem`` function."""
        return parsers.parse_mem(await self.call("systeminfo/mem"))

    async def mem_raw(self) -> dict[str, Any]:
        """Run the device's ``systeminfo/mem`` function."""
        data = await self.call("systeminfo/mem")
        if not isinstance(data, Mapping):
            raise ProtocolError("systeminfo/mem: expected an object", host=self.host)
        return dict(data)

    async def disk(self) -> dict[str, int]:
        """Run the device's ``systeminfo/disk`` function."""
        return parsers.parse_disk(await self.call("systeminfo/disk"))

    async def calls(self) -> dict[str, int]:
        """Run the device's ``systeminfo/calls`` function."""
        return parsers.parse_calls(await self.call("systeminfo/calls"))

    async def extension_status(self) -> list[dict[str, Any]]:
        """Run the device's ``systeminfo/extension-status`` function."""
        return parsers.parse_rows(await self.call("systeminfo/extension-status"),
                                  what="extension-status")

    async def trunk_info(self) -> list[dict[str, str]]:
        """Run the device's ``systeminfo/trunk-info`` function."""
        return parsers.parse_trunk_info(await self.call("systeminfo/trunk-info"))

    async def trunk_status(self) -> list[dict[str, Any]]:
        """Run the device's ``systeminfo/trunk-status`` function."""
        return parsers.parse_rows(await self.call("systeminfo/trunk-status"), what="trunk-status")

    # -- extensions -----------------------------------------------------------------------
    async def search_extensions(self, keyword: str = "", *, page: int = 0,
                                page_size: int = DEFAULT_PAGE_SIZE, order: str = "exten",
                                column_key: str = "exten") -> Page:
        """Run the device's ``extension-digital/search-extension-page`` function."""
        body = {"columnKey": column_key, "keyWord": keyword, "order": order,
                "page": page, "pageSize": page_size}
        return await self._page("extension-digital/search-extension-page", body)

    def all_extensions(self, keyword: str = "", *, page_size: int = DEFAULT_PAGE_SIZE,
                       order: str = "exten") -> AsyncIterator[dict[str, Any]]:
        """Every extension matching ``keyword``, page after page."""
        return self.iter_pages(partial(self.search_extensions, keyword, order=order), page_size,
                               first_page=EXTENSION_FIRST_PAGE)

    async def extension_info(self) -> list[dict[str, Any]]:
        """Run the device's ``extension-digital/extension-info`` function."""
        return parsers.parse_rows(await self.call("extension-digital/extension-info"),
                                  what="extension-info")

    async def gen_add_extension(self) -> str:
        """The next free extension number the PBX proposes."""
        return str(await self.call("extension-common/gen-add-extension"))

    async def is_extension_available(self, exten: str) -> bool:
        """Run the device's ``extension-digital/is-extension-available`` function."""
        data = await self.call("extension-digital/is-extension-available", {"exten": exten})
        return _bool(data, "is-extension-available")

    async def add_extension(self, extension: Mapping[str, Any]) -> bool:
        """Run the device's ``extension-digital/add-extension`` function."""
        return _bool(await self.call("extension-digital/add-extension", extension),
                     "add-extension")

    async def update_extension(self, extension: Mapping[str, Any]) -> bool:
        """Run the device's ``extension-digital/update-extension`` function."""
        return _bool(await self.call("extension-digital/update-extension", extension),
                     "update-extension")

    async def delete_extensions(self, extens: Sequence[str]) -> int:
        """Run the device's ``extension-digital/delete-extension`` function."""
        data = await self.call("extension-digital/delete-extension",
                               {"extensions": [str(e) for e in extens]})
        return _count(data, "delete-extension")

    # -- call forward ---------------------------------------------------------------------
    async def call_forwards(self, *, page: int = 1,
                            page_size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Run the device's ``call-forward/list`` function."""
        return await self._page("call-forward/list", {"page": page, "pageSize": page_size})

    def all_call_forwards(self, page_size: int = DEFAULT_PAGE_SIZE
                          ) -> AsyncIterator[dict[str, Any]]:
        """Every call forward rule, page after page."""
        return self.iter_pages(self.call_forwards, page_size)

    async def call_forward_available(self) -> list[dict[str, Any]]:
        """Run the device's ``call-forward/available`` function."""
        return parsers.parse_rows(await self.call("call-forward/available"),
                                  what="call-forward/available")

    async def add_call_forward(self, record: Mapping[str, Any]) -> bool:
        """Run the device's ``call-forward/add`` function."""
        return _bool(await self.call("call-forward/add", {"id": 0, **record}), "call-forward/add")

    async def update_call_forward(self, record: Mapping[str, Any]) -> bool:
        """Run the device's ``call-forward/update`` function."""
        return _bool(await self.call("call-forward/update", record), "call-forward/update")

    async def delete_call_forwards(self, ids: Sequence[int]) -> bool:
        """Run the device's ``call-forward/delete`` function."""
        return _bool(await self.call("call-forward/delete", {"ids": [int(i) for i in ids]}),
                     "call-forward/delete")

    async def delete_all_call_forwards(self) -> None:
        """Run the device's ``call-forward/delete-all`` function."""
        await self.call("call-forward/delete-all")

    # -- wake-up calls --------------------------------------------------------------------
    async def wakeup_calls(self, *, page: int = 1,
                           page_size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Run the device's ``wakeup-call/list`` function."""
        return await self._page("wakeup-call/list", {"page": page, "pageSize": page_size})

    def all_wakeup_calls(self, page_size: int = DEFAULT_PAGE_SIZE
                         ) -> AsyncIterator[dict[str, Any]]:
        """Every wake-up call, page after page."""
        return self.iter_pages(self.wakeup_calls, page_size)

    async def add_wakeup_call(self, call_time: str, extens: Sequence[str],
                              music_id: int = 0) -> None:
        """Run the device's ``wakeup-call/add`` function."""
        await self.call("wakeup-call/add", {"callDateTime": call_time,
                                            "extens": [str(e) for e in extens],
                                            "musicID": music_id})

    async def update_wakeup_calls(self, ids: Sequence[int], call_time: str,
                                  music_id: int = 0) -> None:
        """Run the device's ``wakeup-call/update`` function."""
        await self.call("wakeup-call/update", {"callDateTime": call_time,
                                               "ids": [int(i) for i in ids],
                                               "musicID": music_id})

    async def delete_wakeup_calls(self, ids: Sequence[int]) -> None:
        """Run the device's ``wakeup-call/delete`` function."""
        await self.call("wakeup-call/delete", {"ids": [int(i) for i in ids]})

    # -- call logs and recordings ---------------------------------------------------------
    async def search_call_log(self, filters: Mapping[str, Any] | None = None, *,
                              page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Run the device's ``call-log/search-calllog-page`` function."""
        body = {**log_filters(filters), "page": page, "pageSize": page_size}
        return await self._page("call-log/search-calllog-page", body)

    async def search_recordings(self, kind: str = "general",
                                filters: Mapping[str, Any] | None = None, *,
                                page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page:
        """kind: general, conference or onetouch."""
        if kind not in RECORDING_KINDS:
            raise Rejected(f"unknown recording kind {kind!r} (general, conference, onetouch)",
                           host=self.host)
        body = {**log_filters(filters, conference=kind == "conference"),
                "page": page, "pageSize": page_size}
        return await self._page(f"call-log/search-{kind}-recording-page", body)

    def all_recordings(self, kind: str = "general", filters: Mapping[str, Any] | None = None,
                       page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[dict[str, Any]]:
        """Every recording of one kind (general, conference, onetouch), page after page."""
        return self.iter_pages(partial(self.search_recordings, kind, filters), page_size)

    def all_call_logs(self, filters: Mapping[str, Any] | None = None,
                      page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[dict[str, Any]]:
        """Every call log row matching ``filters``, page after page."""
        return self.iter_pages(partial(self.search_call_log, filters), page_size)

    async def download_recording(self, play_url: str) -> bytes:
        """The recording file at a ``playUrl`` from a recording search (token in the query)."""
        if not any(play_url.startswith(prefix + "/") for prefix in RECORDING_KINDS.values()):
            raise Rejected(f"{play_url!r} is not a recording playUrl", host=self.host)
        response = await self._send("GET", play_url, token_in_query=True)
        if response.status_code != 200:
            self._reply(response, "download recording")  # raises the mapped error
            raise ProtocolError(f"download recording: HTTP {response.status_code}",
                                host=self.host)
        if response.headers.get("content-type", "").startswith("application/json"):
            self._reply(response, "download recording")  # an error envelope
            raise ProtocolError("download recording: got JSON instead of a file", host=self.host)
        return response.content

    # -- MOH, dial permissions, time conditions -------------------------------------------
    async def moh_folders(self) -> list[dict[str, Any]]:
        """Run the device's ``voice-file/list-music-on-hold-voice-file-folder`` function."""
        return parsers.parse_rows(
            await self.call("voice-file/list-music-on-hold-voice-file-folder"), what="moh")

    async def dial_plans(self) -> list[dict[str, Any]]:
        """Run the device's ``dial-context/list-dial-plan-simple-info`` function."""
        return parsers.parse_rows(await self.call("dial-context/list-dial-plan-simple-info"),
                                  what="dial plans")

    async def time_conditions(self) -> list[dict[str, Any]]:
        """Run the device's ``time-rule/list-time-rule-simple-info`` function."""
        return parsers.parse_rows(await self.call("time-rule/list-time-rule-simple-info"),
                                  what="time conditions")

    # -- phonebook ------------------------------------------------------------------------
    async def phonebook(self, keyword: str = "", *, page: int = 1,
                        page_size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Run the device's ``phone-book/list`` function."""
        body = {"keyword": keyword, "order": "", "columnKey": "", "page": page,
                "pageSize": page_size}
        return await self._page("phone-book/list", body)

    def all_contacts(self, keyword: str = "", page_size: int = DEFAULT_PAGE_SIZE
                     ) -> AsyncIterator[dict[str, Any]]:
        """Every phonebook contact matching ``keyword``, page after page."""
        return self.iter_pages(partial(self.phonebook, keyword), page_size)

    async def add_contact(self, contact: Mapping[str, Any]) -> bool:
        """Run the device's ``phone-book/add`` function."""
        body = {"addByRole": "", "addUser": "", "id": 0, "phoneNumber": "", "company": "",
                "email": "", "dialCode": "", **contact}
        return _bool(await self.call("phone-book/add", body), "phone-book/add")

    async def update_contact(self, contact: Mapping[str, Any]) -> None:
        """Run the device's ``phone-book/update`` function."""
        await self.call("phone-book/update", contact)

    async def delete_contacts(self, ids: Sequence[int]) -> bool:
        """Run the device's ``phone-book/delete-contact`` function."""
        return _bool(await self.call("phone-book/delete-contact", {"ids": [int(i) for i in ids]}),
                     "phone-book/delete-contact")

    async def delete_all_contacts(self) -> None:
        """Run the device's ``phone-book/delete-all`` function."""
        await self.call("phone-book/delete-all")

    async def ldap_sync(self) -> bool:
        """Run the device's ``phone-book-ldap/sync`` function."""
        return _bool(await self.call("phone-book-ldap/sync"), "phone-book-ldap/sync")

    # -- calls ----------------------------------------------------------------------------
    async def dial(self, src: str, dest: str) -> str:
        """Make ``src`` call ``dest``; returns the PBX's message ("ami dial")."""
        data = await self.call("call-dial/dial", {"dest": str(dest), "src": str(src)})
        return str(data.get("msg", "")) if isinstance(data, Mapping) else str(data)

    async def hangup(self, extens: Sequence[str]) -> str:
        """Run the device's ``call-dial/hangup`` function."""
        data = await self.call("call-dial/hangup", {"extensions": [str(e) for e in extens]})
        return str(data.get("msg", "")) if isinstance(data, Mapping) else str(data)

    async def aclose(self) -> None:
        """Log out (a token left behind stays valid on the PBX for a month), then close.

        The logout is bounded by a short deadline and its failure only logged: closing must
        never hang or fail because the PBX went away.
        """
        try:
            async with asyncio.timeout(LOGOUT_DEADLINE):
                await self.logout()
        except (DeviceError, TimeoutError) as exc:
            log.debug("%s: logout at close failed: %s", self.host, type(exc).__name__)
        finally:
            await self.transport.aclose()


LOGOUT_DEADLINE = 3.0  # seconds; a PBX that does not answer must not hold up closing

LOG_FILTER_DEFAULTS: dict[str, Any] = {
    "from": "", "to": "", "type": "all", "src": "", "dest": "", "pinCode": "",
    "trunkName": "", "status": "all", "order": "", "columnKey": "",
}


def log_filters(filters: Mapping[str, Any] | None, *, conference: bool = False
                ) -> dict[str, Any]:
    """Call log / recording search filters with the documented defaults filled in."""
    body = {**LOG_FILTER_DEFAULTS, **(filters or {})}
    if conference:  # conference recordings have no trunk and PIN filters
        body.pop("pinCode", None)
        body.pop("trunkName", None)
    return body


def _bool(data: Any, what: str) -> bool:
    if isinstance(data, bool):
        return data
    if data in ({}, None):  # several calls answer "data":{} for success
        return True
    raise ProtocolError(f"{what}: expected true/false, got {data!r}")


def _count(data: Any, what: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise ProtocolError(f"{what}: expected a number, got {data!r}")
    return data


def _message_of(response: httpx.Response) -> str:
    try:
        payload = safejson.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    if isinstance(payload, Mapping) and payload.get("message"):
        return str(payload["message"])
    return ""
