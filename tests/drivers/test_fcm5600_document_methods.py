"""FCM5600: each function's HTTP method as the vendor document (004, "FCM5600 API") gives it.

Transcribed from the document's "URL: ... Method: ..." lines, independently of the driver's
table (which the simulator shares, so a wrong method there was invisible to every other test).
"""

from __future__ import annotations

from configurator.drivers.fcm5600.protocol import FUNCTIONS

DOCUMENT_METHODS: dict[str, str] = {
    "/api/call-dial/dial": "POST",
    "/api/call-dial/hangup": "POST",
    "/pbx/call-forward/add": "POST",
    "/pbx/call-forward/available": "GET",
    "/pbx/call-forward/delete": "DELETE",
    "/pbx/call-forward/delete-all": "DELETE",  # the document wraps this URL over two lines
    "/pbx/call-forward/list": "POST",
    "/pbx/call-forward/update": "POST",
    "/pbx/call-log/search-calllog-page": "POST",
    "/pbx/call-log/search-conference-recording-page": "POST",
    "/pbx/call-log/search-general-recording-page": "POST",
    "/pbx/call-log/search-onetouch-recording-page": "POST",
    "/pbx/dial-context/list-dial-plan-simple-info": "GET",
    "/pbx/extension-common/gen-add-extension": "POST",
    "/pbx/extension-digital/add-extension": "POST",
    "/pbx/extension-digital/delete-extension": "DELETE",
    "/pbx/extension-digital/extension-info": "GET",
    "/pbx/extension-digital/is-extension-available": "GET",
    "/pbx/extension-digital/search-extension-page": "POST",
    "/pbx/extension-digital/update-extension": "POST",
    "/pbx/phone-book-ldap/sync": "GET",
    "/pbx/phone-book/add": "POST",
    "/pbx/phone-book/delete-all": "DELETE",
    "/pbx/phone-book/delete-contact": "DELETE",
    "/pbx/phone-book/list": "GET",
    "/pbx/phone-book/update": "POST",
    "/pbx/systeminfo/calls": "GET",
    "/pbx/systeminfo/cpu": "GET",
    "/pbx/systeminfo/disk": "GET",
    "/pbx/systeminfo/extension-status": "GET",
    "/pbx/systeminfo/mem": "GET",
    "/pbx/systeminfo/system-current-time": "GET",
    "/pbx/systeminfo/trunk-info": "GET",
    "/pbx/systeminfo/trunk-status": "GET",
    "/pbx/systeminfo/version": "GET",
    "/pbx/time-rule/list-time-rule-simple-info": "GET",
    "/pbx/voice-file/list-music-on-hold-voice-file-folder": "GET",
    "/pbx/wakeup-call/add": "POST",
    "/pbx/wakeup-call/delete": "DELETE",
    "/pbx/wakeup-call/list": "POST",
    "/pbx/wakeup-call/update": "POST",
}


def test_every_function_uses_the_documents_http_method() -> None:
    wrong = {f.path: (f.method, DOCUMENT_METHODS.get(f.path)) for f in FUNCTIONS.values()
             if DOCUMENT_METHODS.get(f.path) != f.method}
    assert wrong == {}, "driver method vs the document's (None: path not in the document)"


def test_every_documented_function_is_in_the_driver() -> None:
    assert set(DOCUMENT_METHODS) <= {f.path for f in FUNCTIONS.values()}
