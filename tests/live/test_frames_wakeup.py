"""The one newest-frame-wins holder, and the loop wake-up: Qt only in ui/, no private qasync."""

from __future__ import annotations

import ast
import asyncio
import threading
from pathlib import Path

import configurator.live
from configurator.live.frames import LoopInbox, NewestWins
from configurator.live.wakeup import use_loop_watch

LIVE = Path(configurator.live.__file__).parent


def test_newest_wins_keeps_only_the_newest_and_counts_the_rest() -> None:
    holder: NewestWins[int] = NewestWins()
    assert holder.take() is None and not holder.pending
    assert holder.put(1) is False  # nothing was waiting
    assert holder.put(2) is True and holder.put(3) is True  # 1 and 2 replaced
    assert holder.pending and holder.take() == 3 and holder.take() is None
    assert (holder.received, holder.dropped) == (3, 2)


def test_newest_wins_across_threads_loses_no_count() -> None:
    holder: NewestWins[int] = NewestWins()
    taken: list[int] = []
    done = threading.Event()

    def producer() -> None:
        for i in range(20_000):
            holder.put(i)
        done.set()

    thread = threading.Thread(target=producer)
    thread.start()
    while not done.is_set():
        item = holder.take()
        if item is not None:
            taken.append(item)
    thread.join()
    last = holder.take()
    taken += [last] if last is not None else []
    assert taken == sorted(taken) and taken[-1] == 19_999  # newest last, never older ones
    assert holder.received == 20_000 and holder.dropped == 20_000 - len(taken)


def test_no_module_under_live_imports_qt_or_reads_private_qasync_state() -> None:
    for path in LIVE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                if isinstance(node, ast.Attribute | ast.Constant):
                    text = node.attr if isinstance(node, ast.Attribute) else node.value
                    assert text != "_read_notifiers", path.name
                continue
            assert not any(n.split(".")[0] in ("PySide6", "shiboken6", "qasync")
                           for n in names), (path.name, names)


def test_the_gui_wakes_the_qasync_loop_with_its_own_notifier(qloop) -> None:
    import shiboken6

    from configurator.ui.live import loop_wakeup

    loop_wakeup.install()

    async def scenario() -> None:
        inbox = LoopInbox(asyncio.get_running_loop())
        watch = inbox._watch
        assert isinstance(watch, loop_wakeup.QtSocketWatch)
        notifier = watch._notifier
        got: list[int] = []
        worker = threading.Thread(target=lambda: [inbox.post(got.append, i) for i in range(3)])
        worker.start()
        worker.join()
        for _ in range(200):
            if len(got) == 3:
                break
            await asyncio.sleep(0.005)
        inbox.close()
        assert got == [0, 1, 2] and inbox.wakeups >= 1
        assert not shiboken6.isValid(notifier)  # deleted on the GUI thread at close

    qloop.run_until_complete(scenario())


def test_a_plain_asyncio_loop_is_watched_with_add_reader() -> None:
    from configurator.ui.live import loop_wakeup

    loop_wakeup.install()  # the Qt watch declines loops that are not qasync's

    async def scenario() -> None:
        inbox = LoopInbox(asyncio.get_running_loop())
        assert inbox._watch is None
        got: list[str] = []
        threading.Thread(target=inbox.post, args=(got.append, "x")).start()
        for _ in range(200):
            if got:
                break
            await asyncio.sleep(0.005)
        inbox.close()
        assert got == ["x"]

    asyncio.run(scenario())
    use_loop_watch(loop_wakeup.qt_watch)  # unchanged for the rest of the session
