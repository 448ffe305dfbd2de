"""The simulator's own reading of the FCM5600 API document (seeds/004), written without the
driver: every function's URL and HTTP method as the document gives them, how parameters
travel, the trunk-info strings and the recording download paths.

The driver (``configurator/drivers/fcm5600/protocol.py``) holds a second, independent reading;
the tests run one against the other, so a misreading shows up as a failing test instead of
agreeing with itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

HttpMethod = Literal["GET", "POST", "DELETE"]
# How a function's parameters arrive (document, "Parameters of the requests"): GET requests
# carry none, POST and DELETE a raw JSON body, gen-add-extension a form ("submitted as a form,
# like x-www-form-urlencoded"), is-extension-available the extension in the URL.
Params = Literal["none", "json", "form", "path", "query"]


@dataclass(frozen=True)
class Documented:
    """One function of the document: URL, method and how its parameters arrive."""

    url: str
    method: HttpMethod
    params: Params


def _get(url: str, params: Params = "none") -> Documented:
    return Documented(url, "GET", params)


def _post(url: str, params: Params = "json") -> Documented:
    return Documented(url, "POST", params)


def _delete(url: str, params: Params = "json") -> Documented:
    return Documented(url, "DELETE", params)


#: Every function in the order of the document's table of contents, keyed by its URL.
DOCUMENTED: tuple[Documented, ...] = (
    _get("/pbx/systeminfo/system-current-time"),
    _post("/pbx/extension-digital/search-extension-page"),
    _get("/pbx/extension-digital/extension-info"),
    _post("/pbx/extension-common/gen-add-extension", "form"),
    _get("/pbx/extension-digital/is-extension-available", "path"),  # .../<exten>
    _post("/pbx/extension-digital/add-extension"),
    _post("/pbx/extension-digital/update-extension"),
    _delete("/pbx/extension-digital/delete-extension"),
    _get("/pbx/systeminfo/version"),
    _get("/pbx/systeminfo/cpu"),
    _get("/pbx/systeminfo/mem"),
    _get("/pbx/systeminfo/disk"),
    _get("/pbx/systeminfo/calls"),
    _get("/pbx/systeminfo/extension-status"),
    _get("/pbx/systeminfo/trunk-info"),
    _get("/pbx/systeminfo/trunk-status"),
    _post("/pbx/call-forward/list"),
    _get("/pbx/call-forward/available"),
    _post("/pbx/call-forward/add"),
    _post("/pbx/call-forward/update"),
    _delete("/pbx/call-forward/delete"),
    _delete("/pbx/call-forward/delete-all", "none"),
    _post("/pbx/wakeup-call/list"),
    _post("/pbx/wakeup-call/add"),
    _post("/pbx/wakeup-call/update"),
    _delete("/pbx/wakeup-call/delete"),
    _post("/pbx/call-log/search-calllog-page"),
    _post("/pbx/call-log/search-general-recording-page"),
    _post("/pbx/call-log/search-conference-recording-page"),
    _post("/pbx/call-log/search-onetouch-recording-page"),
    _get("/pbx/voice-file/list-music-on-hold-voice-file-folder"),
    _get("/pbx/dial-context/list-dial-plan-simple-info"),
    # The document gives phone-book/list as GET *with* a Param object, against its own rule
    # that GET requests carry no parameters; a GET can only carry them in the query string,
    # so that is where this simulator reads them.
    _get("/pbx/phone-book/list", "query"),
    _post("/pbx/phone-book/add"),
    _post("/pbx/phone-book/update"),
    _delete("/pbx/phone-book/delete-contact"),
    _delete("/pbx/phone-book/delete-all", "none"),
    _get("/pbx/phone-book-ldap/sync"),
    _get("/pbx/time-rule/list-time-rule-simple-info"),
    _post("/api/call-dial/dial"),
    _post("/api/call-dial/hangup"),
)

#: Recording downloads ("Call recordings", "Conference recordings", "One touch recordings"),
#: fetched as ``playUrl?token``.
RECORDING_PATHS: Mapping[str, str] = {
    "general": "/pbx/play/general-recording",
    "conference": "/pbx/play/conference-recording",
    "onetouch": "/pbx/play/onetouch-recording",
}
TOKEN_QUERY = "token"

#: The extension query answers ``rtptimeout`` and ``srtplib``; add/update take ``rtpTimeout``
#: and ``srtp`` (both spellings stand in the document). Write name -> query name.
QUERY_NAMES: Mapping[str, str] = {"rtpTimeout": "rtptimeout", "srtp": "srtplib"}


@dataclass(frozen=True)
class Login:
    """The document's login section is cut off in our copy: it keeps the answer
    (``{"code":0,"message":"OK","data":"<token>"}``, HTTP 400 "not equal" on a wrong
    password, a month's validity, 401 after logging out) but not the URL, the field names or
    how the token travels. Assumption: the values below, the same guess the driver makes (a
    real device will settle it; both sides then change)."""

    path: str = "/pbx/auth/login"
    logout_path: str = "/pbx/auth/logout"
    user_field: str = "username"
    password_field: str = "password"
    header: str = "Authorization"
    scheme: str = "Bearer"

    def token_in(self, header_value: str) -> str:
        """The token of an ``Authorization: Bearer <token>`` header (bare tokens too)."""
        word, _, rest = header_value.strip().partition(" ")
        return rest.strip() if word.lower() == self.scheme.lower() and rest else word


LOGIN = Login()

# Trunk info (document "Trunk info"): one string per trunk kind, one line per trunk ("\n"),
# fields separated by ":". Analog and digital: "Serial number:Channel:Trunk type:Status:
# Channel status:BLF"; IAX and SIP: "Name:Trunk type:Ip:Delayed:Status".
_LINE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "analog": ("serial", "channel", "type", "status", "channel_status", "blf"),
    "digital": ("serial", "channel", "type", "status", "channel_status", "blf"),
    "iax": ("name", "type", "ip", "delay", "status"),
    "sip": ("name", "type", "ip", "delay", "status"),
}
_KEYS = {"analog": "analogOut", "digital": "digitalOut", "iax": "iaxOut", "sip": "sipOut"}


def trunk_info(trunks: list[Mapping[str, str]]) -> dict[str, str]:
    """The ``data`` of trunk-info for the simulated trunks (each with its ``kind``)."""
    lines: dict[str, list[str]] = {key: [] for key in _KEYS.values()}
    for trunk in trunks:
        fields = _LINE_FIELDS[trunk["kind"]]
        lines[_KEYS[trunk["kind"]]].append(":".join(str(trunk.get(f, "")) for f in fields))
    return {key: "\n".join(rows) for key, rows in lines.items()}
