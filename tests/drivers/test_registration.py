"""SIP registration records from each vendor's documented answers (the documents' examples)."""

from __future__ import annotations

from configurator.core.registration import RegRole, RegState, SipRegistration, merged, summarize
from configurator.drivers.fanvil.registration import line_registration
from configurator.drivers.fanvil.registration import registration_report as fanvil_report
from configurator.drivers.fcm5600.registration import (
    addresses,
    extension_registration,
    trunk_registration,
)
from configurator.drivers.fcm5600.registration import registration_report as fcm_report
from configurator.drivers.onetouch.registration import registration_report as onetouch_report
from configurator.drivers.twon.registration import event_registration
from configurator.drivers.twon.registration import registration_report as twon_report


def states(report):
    return [(r.account, r.state, r.identity) for r in report.accounts]


def test_2n_v238_example_registered_and_disabled_account():
    # /api/phone/status example of the v2.38 manual
    report = twon_report([
        {"account": 1, "enabled": True, "sipNumber": "5207", "registrationEnabled": True,
         "registered": True, "registerTime": 1663585547},
        {"account": 2, "enabled": False, "sipNumber": "", "registrationEnabled": True,
         "registered": False}])
    assert states(report) == [("1", RegState.REGISTERED, "5207"),
                              ("2", RegState.DISABLED, "")]
    assert report.accounts[0].raw == "registered=true"
    assert "never why" in report.note


def test_2n_v211_example_has_no_enabled_flag():
    report = twon_report([{"account": 1, "sipNumber": "5046", "registered": True,
                           "registerTime": 1418034578},
                          {"account": 2, "sipNumber": "", "registered": False}])
    assert states(report) == [("1", RegState.REGISTERED, "5046"),
                              ("2", RegState.NOT_REGISTERED, "")]


def test_2n_event_states():
    assert event_registration({"sipAccount": 1, "state": "registered"}).state \
        is RegState.REGISTERED
    assert event_registration({"sipAccount": 2, "state": "unregistering"}).state \
        is RegState.UNREGISTERING
    assert event_registration({"sipAccount": 1, "state": "odd"}).state is RegState.UNKNOWN
    assert event_registration({"state": "registered"}) is None


def test_onetouch_example_and_every_documented_status():
    # /api/sip/status example of the Onetouch document
    report = onetouch_report({"Account1": {"UserName": "130", "SipServer": "192.168.1.115",
                                           "Status": "2"},
                              "Account2": {"UserName": "", "SipServer": "", "Status": "0"}})
    assert states(report) == [("1", RegState.REGISTERED, "130@192.168.1.115"),
                              ("2", RegState.DISABLED, "")]
    seen = {code: onetouch_report({"Account1": {"Status": code}}).accounts[0].state
            for code in ("-1", "0", "1", "2", "3", "9")}
    assert seen == {"-1": RegState.UNKNOWN, "0": RegState.DISABLED, "1": RegState.REGISTERING,
                    "2": RegState.REGISTERED, "3": RegState.FAILED, "9": RegState.UNKNOWN}
    assert onetouch_report({"Account1": {"Status": "3"}}).accounts[0].reason == \
        "no reason given"


def test_fanvil_codes_and_the_line_settings():
    assert line_registration(1, "200").state is RegState.REGISTERED
    assert line_registration(1, "100").state is RegState.REGISTERING
    assert line_registration(1, "0", enabled="1").state is RegState.NOT_REGISTERED
    assert line_registration(1, "0", enabled="0").state is RegState.DISABLED
    failed = line_registration(1, "401", enabled="1")
    assert (failed.state, failed.reason, failed.raw) == (
        RegState.FAILED, "wrong password (401)", "registerCode=401")
    assert line_registration(1, "499").reason == "SIP 499"
    assert line_registration(1, "n/a").state is RegState.UNKNOWN
    report = fanvil_report([1, 2], {
        "info.sip.line.1.registerCode": "200", "sip.line.1.EnableReg": "1",
        "sip.line.1.RegisterUser": "2190", "sip.line.1.RegisterAddr": "172.16.1.2",
        "info.sip.line.2.registerCode": "0", "sip.line.2.EnableReg": "0"})
    assert states(report) == [("1", RegState.REGISTERED, "2190@172.16.1.2"),
                              ("2", RegState.DISABLED, "")]
    assert report.accounts[0].source == "info.sip.line.1.registerCode"


def test_fcm_trunks_and_extensions_as_the_document_gives_them():
    documented = {"Registered": RegState.REGISTERED, "Authenticated": RegState.REGISTERED,
                  "Unregistered": RegState.NOT_REGISTERED, "Rejected": RegState.FAILED,
                  "Unauthenticated": RegState.FAILED, "": RegState.DISABLED}
    for status, state in documented.items():
        assert trunk_registration("sip", "33", status).state is state, status
    assert trunk_registration("sip", "33", "Rejected").capability == "trunks"
    for status in ("Idle", "InUse", "Hold", "Ringing"):
        assert extension_registration("100", status).state is RegState.REGISTERED
    assert extension_registration("100", "Unavailable").state is RegState.NOT_REGISTERED
    assert extension_registration("100", "Unknown").state is RegState.UNKNOWN
    rows = [{"exten": "100", "statusText": "Idle", "addr": "10.0.0.5:5060"},
            {"exten": "100", "statusText": "InUse", "addr": "10.0.0.6:5060"},
            {"exten": "101", "statusText": "Unavailable", "addr": ""}]
    report = fcm_report([{"trunkType": "iax", "name": "adf", "status": "Registered"}],
                        {"100": "InUse", "101": "Unavailable"}, addresses(rows))
    assert [(r.label, r.state, r.role) for r in report.accounts] == [
        ("IAX trunk adf", RegState.REGISTERED, RegRole.OWN),
        ("Extension 100", RegState.REGISTERED, RegRole.HOSTED),
        ("Extension 101", RegState.NOT_REGISTERED, RegRole.HOSTED)]
    assert report.accounts[1].identity == "10.0.0.5:5060, 10.0.0.6:5060"


def test_summary_leaves_disabled_accounts_out_and_merge_keeps_identity():
    a = SipRegistration("1", "A", RegState.REGISTERED, identity="5207")
    b = SipRegistration("2", "B", RegState.FAILED)
    c = SipRegistration("3", "C", RegState.DISABLED)
    counts = summarize([a, b, c])
    assert (counts.in_use, counts.registered, counts.failed) == (2, 1, 1)
    assert not counts.all_registered
    update = SipRegistration("1", "A", RegState.REGISTERING)
    assert merged((a, b), update) == (SipRegistration("1", "A", RegState.REGISTERING,
                                                      identity="5207"), b)
    assert merged((a,), c) == (a, c)
