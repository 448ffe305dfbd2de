"""The generated settings form: load, dirty state, diff preview, apply outcomes per field."""

from __future__ import annotations

from configurator.core.params import Category, Choice, Kind, ParamSpec, SettingsPage, repeat
from configurator.services.drafts import DraftStore
from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.editors.settings_form import PageForm

from .fakes import MemoryDevice, unreachable
from .helpers import context_for

RELAY_TEMPLATE = (
    ParamSpec("Config.DoorSetting.RELAY.Type{n}", "Open type", Kind.ENUM, group="{label}",
              choices=(Choice(0, "NC - COM open"), Choice(1, "NO - COM open"))),
    ParamSpec("Config.DoorSetting.RELAY.HoldDelay{n}", "Hold delay", Kind.INT, 0, 60, unit="s",
              group="{label}"),
    ParamSpec("Config.DoorSetting.RELAY.Name{n}", "Name", group="{label}", max_length=32),
    ParamSpec("Config.DoorSetting.RELAY.Password{n}", "Trigger password", Kind.SECRET,
              group="{label}", category=Category.ADVANCED),
)
PAGE = SettingsPage("relay", "Relays", tuple(repeat(RELAY_TEMPLATE,
                                                   [("A", "Relay A"), ("B", "Relay B")])),
                    capability="relays")
# the document's own example values: "HoldDelayA":"5", "TypeA":"0", "NameA":"RelayA"
VALUES = {"Config.DoorSetting.RELAY.TypeA": 0, "Config.DoorSetting.RELAY.HoldDelayA": 5,
          "Config.DoorSetting.RELAY.NameA": "RelayA", "Config.DoorSetting.RELAY.TypeB": 0,
          "Config.DoorSetting.RELAY.HoldDelayB": 5, "Config.DoorSetting.RELAY.NameB": "RelayB"}
HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"
NAME_A = "Config.DoorSetting.RELAY.NameA"


def make_form(qtbot, device, prompter=None, drafts=None):
    form = PageForm(PAGE, context_for(device, prompter, drafts))
    qtbot.addWidget(form)
    return form


def test_groups_and_advanced_section(qtbot, qloop):
    form = make_form(qtbot, MemoryDevice([PAGE], values=VALUES))
    titles = [b.title() for b in form.findChildren(type(form.rows[HOLD_A].label.parent()))]
    assert titles[:2] == ["Relay A", "Relay B"]
    assert form.advanced_toggle is not None
    assert form.advanced_toggle.text() == "Advanced settings (2)"
    assert form.advanced_box.isHidden()
    form.show_advanced()
    assert not form.advanced_box.isHidden()


def test_apply_sends_only_changed_keys_and_marks_applied(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    prompter = AutoPrompter()
    form = make_form(qtbot, device, prompter)
    assert qloop.run_until_complete(form.load())
    assert form.rows[HOLD_A].editor.raw() == 5 and not form.dirty
    assert not form.apply_button.isEnabled()
    form.rows[HOLD_A].set_value(12)
    assert form.dirty and form.apply_button.isEnabled()
    assert qloop.run_until_complete(form.apply())
    assert device.writes == [{HOLD_A: 12}]
    kind, rows = prompter.asked[0]
    assert kind == "changes" and [(r.spec.key, r.old_text, r.new_text) for r in rows] == [
        (HOLD_A, "5 s", "12 s")]
    assert form.rows[HOLD_A].outcome == "applied"
    assert form.rows[HOLD_A].marker.property("state") == "applied"
    assert not form.dirty and form.banner.kind == "success"


def test_cancelled_preview_writes_nothing(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    form = make_form(qtbot, device, AutoPrompter(answer=False))
    qloop.run_until_complete(form.load())
    form.rows[NAME_A].set_value("Front door")
    assert not qloop.run_until_complete(form.apply())
    assert device.writes == [] and form.dirty


def test_invalid_value_cannot_be_applied_and_says_why(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    prompter = AutoPrompter()
    form = make_form(qtbot, device, prompter)
    qloop.run_until_complete(form.load())
    form.rows[HOLD_A].set_value(61)
    assert not form.apply_button.isEnabled()
    assert form.summary.text() == "1 invalid value(s) — fix them to apply"
    assert not qloop.run_until_complete(form.apply())
    assert device.writes == [] and prompter.asked == []
    assert "Hold delay: 61 is above the maximum 60 s" in form.banner.text()


def test_rejected_and_not_verified_outcomes(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    device.reject[NAME_A] = "parameter too long (error 4)"
    device.unverified.add(HOLD_A)
    form = make_form(qtbot, device)
    qloop.run_until_complete(form.load())
    form.rows[NAME_A].set_value("Gate")
    form.rows[HOLD_A].set_value(9)
    assert not qloop.run_until_complete(form.apply())
    name, hold = form.rows[NAME_A], form.rows[HOLD_A]
    assert name.outcome == "rejected" and name.dirty
    assert name.message.text() == "Rejected by the device: parameter too long (error 4)"
    assert hold.outcome == "not verified" and hold.marker.property("state") == "not verified"
    assert form.banner.kind == "error"
    assert device.values[NAME_A] == "RelayA"


def test_a_skipped_key_is_not_applied_not_rejected(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    device.skipped[NAME_A] = ("the answer to the write was lost (connection reset); the "
                              "device still has 'RelayA'")
    form = make_form(qtbot, device)
    qloop.run_until_complete(form.load())
    form.rows[NAME_A].set_value("Gate")
    form.rows[HOLD_A].set_value(9)
    assert not qloop.run_until_complete(form.apply())
    name = form.rows[NAME_A]
    assert name.outcome == "skipped" and name.dirty  # kept for sending again
    assert name.message.text().startswith("Not applied: the answer to the write was lost")
    assert form.rows[HOLD_A].outcome == "applied"
    assert form.banner.kind == "error" and "1 skipped" in form.banner.text()


def test_device_gone_mid_apply_fails_every_field(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    form = make_form(qtbot, device)
    qloop.run_until_complete(form.load())
    form.rows[HOLD_A].set_value(10)
    form.rows[NAME_A].set_value("Gate")
    device.fail_with = unreachable()
    assert not qloop.run_until_complete(form.apply())
    for key in (HOLD_A, NAME_A):
        row = form.rows[key]
        assert row.outcome == "rejected" and row.dirty
        assert "not applied — 127.0.0.1: cannot connect: connection refused" in row.message.text()
    assert form.ctx.session.state.value == "offline"


def test_revert_restores_device_values(qtbot, qloop):
    form = make_form(qtbot, MemoryDevice([PAGE], values=VALUES))
    qloop.run_until_complete(form.load())
    form.rows[NAME_A].set_value("x")
    form.revert()
    assert form.rows[NAME_A].editor.raw() == "RelayA" and not form.dirty


def test_drafts_survive_and_secrets_are_not_saved(qtbot, qloop, config_home):
    drafts = DraftStore(config_home / "drafts.json")
    device = MemoryDevice([PAGE], values=VALUES)
    form = make_form(qtbot, device, drafts=drafts)
    qloop.run_until_complete(form.load())
    form.rows[HOLD_A].set_value(33)
    form.rows["Config.DoorSetting.RELAY.PasswordA"].set_value("1234")
    form.save_draft()
    text = (config_home / "drafts.json").read_text()
    assert "33" in text and "1234" not in text
    # a new form (after a crash) restores the edit as unsaved
    again = make_form(qtbot, device, drafts=DraftStore(config_home / "drafts.json"))
    qloop.run_until_complete(again.load())
    assert again.rows[HOLD_A].editor.raw() == 33 and again.rows[HOLD_A].dirty
    assert again.banner.kind == "warning"
