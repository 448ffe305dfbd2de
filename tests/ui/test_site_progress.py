"""Site operations show progress over their devices; Cancel starts no further device and the
result says which devices were not done (never a half-done run reported as success)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from .test_window import close, open_window, start


def cancel_at_first_device(work) -> list:
    """Press Cancel of the operation's progress dialog as soon as the first device starts."""
    shown: list = []
    original = work._progress

    def progress(title, total, *, cancellable=True):
        dialog = original(title, total, cancellable=cancellable)
        started = dialog._started

        def first_started(entry):
            started(entry)
            if not shown:
                shown.append((dialog.labelText(), dialog.maximum(), dialog.isVisible()))
                dialog.canceled.emit()  # what a click on its Cancel button emits
        dialog._started = first_started
        return dialog

    work._progress = progress
    return shown


def test_cancel_a_site_backup_after_the_first_device(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sims = [await start("onetouch", loopback()) for _ in range(3)]
        window = await open_window(sims)
        try:
            work = window.site_work
            work.concurrency = 1
            shown = cancel_at_first_device(work)
            folder = await work.backup(tmp_path / "backups")
            assert shown and shown[0][1] == 3 and shown[0][2]  # 3 devices, dialog visible
            assert not any(b.isEnabled() for b in work.last_progress.findChildren(QPushButton))
            configs = [f for f in folder.iterdir() if f.suffix == ".tgz"]  # one per device
            assert len(configs) == 1  # the device in progress finished; the others untouched
            message = window.statusBar().currentMessage()
            assert "2 device(s) not backed up (cancelled)" in message
            assert "failed" not in message
            assert not work.last_progress.isVisible()
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_site_backup_without_cancel_counts_every_device(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sims = [await start("onetouch", loopback()) for _ in range(2)]
        window = await open_window(sims)
        try:
            work = window.site_work
            folder = await work.backup(tmp_path / "backups")
            progress = work.last_progress
            assert progress.maximum() == 2 and progress.value() == 2
            assert len([f for f in folder.iterdir() if f.suffix == ".tgz"]) == 2
            assert "cancelled" not in window.statusBar().currentMessage()
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_door_test_can_be_cancelled_and_the_report_shows_progress(qtbot, qloop, loopback,
                                                                  tmp_path):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso") for _ in range(2)]
        window = await open_window(sims)
        try:
            work = window.site_work
            work.concurrency = 1
            assert work.select(lambda s: True) == 2
            cancel_at_first_device(work)
            results = await work.door_test(wait=0.5)
            assert [str(r.status) for r in results].count("not started") == 1
            html = await work.write_report(tmp_path / "site.html")
            assert html.exists()
            report = work.last_progress
            assert report.maximum() == 2 and report.value() == 2
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())
