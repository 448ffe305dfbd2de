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


def _f(name: str, method: Method, body: str = "", path_arg: str = "",
       prefix: str = "/pbx/") -> Function:
    """The function ``name`` at ``prefix + name``; a GET has no body unless said."""
    kind = body or ("none" if method == "GET" else "json")
    return Function(name, method, prefix + name, kind, path_arg)  # type: ignore[arg-type]


# Every documented function. Names are the URL without the ``/pbx/`` (or ``/api/``) prefix.
FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        _f("systeminfo/system-current-time", "GET"),
        _f("extension-digital/search-extension-page", "POST"),
        _f("extension-digital/extension-info", "GET"),
        _f("extension-common/gen-add-extension", "POST", "form"),
        _f("extension-digital/is-extension-available", "GET", path_arg="exten"),
        _f("extension-digital/add-extension", "POST"),
        _f("extension-digital/update-extension", "POST"),
        _f("extension-digital/delete-extension", "DELETE"),
        _f("systeminfo/version", "GET"),
        _f("systeminfo/cpu", "GET"),
        _f("systeminfo/mem", "GET"),
        _f("systeminfo/disk", "GET"),
        _f("systeminfo/calls", "GET"),
        _f("systeminfo/extension-status", "GET"),
        _f("systeminfo/trunk-info", "GET"),
        _f("systeminfo/trunk-status", "GET"),
        _f("call-forward/list", "POST"),
        _f("call-forward/available", "GET"),
        _f("call-forward/add", "POST"),
        _f("call-forward/update", "POST"),
        _f("call-forward/delete", "DELETE"),
        _f("call-forward/delete-all", "DELETE", "none"),
        _f("wakeup-call/list", "POST"),
        _f("wakeup-call/add", "POST"),
        _f("wakeup-call/update", "POST"),
        _f("wakeup-call/delete", "DELETE"),
        _f("call-log/search-calllog-page", "POST"),
        _f("call-log/search-general-recording-page", "POST"),
        _f("call-log/search-conference-recording-page", "POST"),
        _f("call-log/search-onetouch-recording-page", "POST"),
        _f("voice-file/list-music-on-hold-voice-file-folder", "GET"),
        _f("dial-context/list-dial-plan-simple-info", "GET"),
        # Assumption: documented as GET with a parameter object; sent as a query string.
        _f("phone-book/list", "GET", "query"),
        _f("phone-book/add", "POST"),
        _f("phone-book/update", "POST"),
        _f("phone-book/delete-contact", "DELETE"),
        _f("phone-book/delete-all", "DELETE", "none"),
        _f("phone-book-ldap/sync", "GET"),
        _f("time-rule/list-time-rule-simple-info", "GET"),
        _f("call-dial/dial", "POST", prefix="/api/"),
        _f("call-dial/hangup", "POST", prefix="/api/"),
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
