"""Wire-level facts of the FCM5600 REST API, in one place for the client (the simulator keeps its
own reading of the document in ``simulators/fcm5600/document.py``).

The vendor document's login section is cut off in our copy. What survived:
- the login answers ``{"code":0,"message":"OK","data":"<token>"}`` (the "-----token" comment
  also leaked into the system-time example), a failed login answers HTTP 400 with an empty
  token, a token lives for a month unless logged out, and a request without a valid token
  answers HTTP 401;
- recordings are downloaded as ``<playUrl>?token=<token>``.

Assumption: everything else about the login below (path, field names, how the token travels on
ordinary requests) is our best guess. It lives ONLY in :data:`LOGIN` so it is a one-line change
when a real device shows otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["GET", "POST", "DELETE"]


@dataclass(frozen=True)
class LoginProtocol:
    """How to log in and how to present the token (see the module docstring)."""

    # Assumption: the admin login path and its JSON body field names.
    path: str = "/pbx/auth/login"
    user_field: str = "username"
    password_field: str = "password"
    # Assumption: logging out (the document mentions "log out actively").
    logout_path: str = "/pbx/auth/logout"
    # Assumption: the token travels in this header, with this prefix, on ordinary requests.
    header: str = "Authorization"
    header_prefix: str = "Bearer "
    # Documented for recording downloads: ``playUrl?token``.
    query_param: str = "token"

    def header_value(self, token: str) -> str:
        """The header value that carries ``token``."""
        return f"{self.header_prefix}{token}"

    def token_from_header(self, value: str) -> str:
        """The token in a header value (the prefix removed)."""
        if self.header_prefix and value.startswith(self.header_prefix):
            return value[len(self.header_prefix):].strip()
        return value.strip()


LOGIN = LoginProtocol()


@dataclass(frozen=True)
class Function:
    """One documented function: its CLI name (``call ADDR <name>``), HTTP method and path."""

    name: str
    method: Method
    path: str
    body: Literal["none", "json", "form", "query"] = "json"
    path_arg: str = ""  # an argument that is appended to the path (``is-extension-available/<x>``)


def _f(name: str, method: Method, path: str, body: str = "", path_arg: str = "") -> Function:
    kind = body or ("none" if method == "GET" else "json")
    return Function(name, method, path, kind, path_arg)  # type: ignore[arg-type]


# Every documented function. Names are the URL without the ``/pbx/`` (or ``/api/``) prefix.
FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        _f("systeminfo/system-current-time", "GET", "/pbx/systeminfo/system-current-time"),
        _f("extension-digital/search-extension-page", "POST",
           "/pbx/extension-digital/search-extension-page"),
        _f("extension-digital/extension-info", "GET", "/pbx/extension-digital/extension-info"),
        _f("extension-common/gen-add-extension", "POST",
           "/pbx/extension-common/gen-add-extension", "form"),
        _f("extension-digital/is-extension-available", "GET",
           "/pbx/extension-digital/is-extension-available", path_arg="exten"),
        _f("extension-digital/add-extension", "POST", "/pbx/extension-digital/add-extension"),
        _f("extension-digital/update-extension", "POST",
           "/pbx/extension-digital/update-extension"),
        _f("extension-digital/delete-extension", "DELETE",
           "/pbx/extension-digital/delete-extension"),
        _f("systeminfo/version", "GET", "/pbx/systeminfo/version"),
        _f("systeminfo/cpu", "GET", "/pbx/systeminfo/cpu"),
        _f("systeminfo/mem", "GET", "/pbx/systeminfo/mem"),
        _f("systeminfo/disk", "GET", "/pbx/systeminfo/disk"),
        _f("systeminfo/calls", "GET", "/pbx/systeminfo/calls"),
        _f("systeminfo/extension-status", "GET", "/pbx/systeminfo/extension-status"),
        _f("systeminfo/trunk-info", "GET", "/pbx/systeminfo/trunk-info"),
        _f("systeminfo/trunk-status", "GET", "/pbx/systeminfo/trunk-status"),
        _f("call-forward/list", "POST", "/pbx/call-forward/list"),
        _f("call-forward/available", "GET", "/pbx/call-forward/available"),
        _f("call-forward/add", "POST", "/pbx/call-forward/add"),
        _f("call-forward/update", "POST", "/pbx/call-forward/update"),
        _f("call-forward/delete", "DELETE", "/pbx/call-forward/delete"),
        _f("call-forward/delete-all", "DELETE", "/pbx/call-forward/delete-all", "none"),
        _f("wakeup-call/list", "POST", "/pbx/wakeup-call/list"),
        _f("wakeup-call/add", "POST", "/pbx/wakeup-call/add"),
        _f("wakeup-call/update", "POST", "/pbx/wakeup-call/update"),
        _f("wakeup-call/delete", "DELETE", "/pbx/wakeup-call/delete"),
        _f("call-log/search-calllog-page", "POST", "/pbx/call-log/search-calllog-page"),
        _f("call-log/search-general-recording-page", "POST",
           "/pbx/call-log/search-general-recording-page"),
        _f("call-log/search-conference-recording-page", "POST",
           "/pbx/call-log/search-conference-recording-page"),
        _f("call-log/search-onetouch-recording-page", "POST",
           "/pbx/call-log/search-onetouch-recording-page"),
        _f("voice-file/list-music-on-hold-voice-file-folder", "GET",
           "/pbx/voice-file/list-music-on-hold-voice-file-folder"),
        _f("dial-context/list-dial-plan-simple-info", "GET",
           "/pbx/dial-context/list-dial-plan-simple-info"),
        # Assumption: documented as GET with a parameter object; sent as a query string.
        _f("phone-book/list", "GET", "/pbx/phone-book/list", "query"),
        _f("phone-book/add", "POST", "/pbx/phone-book/add"),
        _f("phone-book/update", "POST", "/pbx/phone-book/update"),
        _f("phone-book/delete-contact", "DELETE", "/pbx/phone-book/delete-contact"),
        _f("phone-book/delete-all", "DELETE", "/pbx/phone-book/delete-all", "none"),
        _f("phone-book-ldap/sync", "GET", "/pbx/phone-book-ldap/sync"),
        _f("time-rule/list-time-rule-simple-info", "GET",
           "/pbx/time-rule/list-time-rule-simple-info"),
        _f("call-dial/dial", "POST", "/api/call-dial/dial"),
        _f("call-dial/hangup", "POST", "/api/call-dial/hangup"),
    )
}

# The three recording download prefixes (``playUrl`` of a recording starts with one of them).
RECORDING_KINDS: dict[str, str] = {
    "general": "/pbx/play/general-recording",
    "conference": "/pbx/play/conference-recording",
    "onetouch": "/pbx/play/onetouch-recording",
}

# The fixed form value of gen-add-extension ("The parameter is not a variable").
GEN_ADD_EXTENSION_FORM = {"name": "extension"}

# The extension query answers ``rtptimeout``/``srtplib`` where add/update take
# ``rtpTimeout``/``srtp`` (both spellings are in the document). Query key -> write key.
EXTENSION_WRITE_RENAMES: dict[str, str] = {"rtptimeout": "rtpTimeout", "srtplib": "srtp"}
# Query-only columns the PBX derives itself; never sent on add/update.
# Assumption: departments are managed elsewhere, so departmentName is read-only here.
EXTENSION_READ_ONLY: frozenset[str] = frozenset({"dialPlanName", "departmentName"})
