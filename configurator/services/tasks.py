"""A registry of running tasks, grouped by owner (a device key, a view, "app").

qasync's ``asyncSlot`` keeps no reference to its tasks and cannot cancel them; this registry
does: a device's tasks are cancelled when it is removed, and shutdown cancels everything,
gathers it, and only then lets the caller close clients - inside the running loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("configurator.tasks")

ErrorHook = Callable[[str, BaseException], None]


class TaskRegistry:
    def __init__(self, on_error: ErrorHook | None = None) -> None:
        self._tasks: dict[str, set[asyncio.Task[Any]]] = {}
        self.on_error = on_error
        self.closed = False
        self.listeners: list[Callable[[int], None]] = []

    def spawn(self, owner: str, coro: Coroutine[Any, Any, Any], *, name: str = ""
              ) -> asyncio.Task[Any]:
        """Start ``coro`` as a task owned by ``owner``; unexpected errors go to ``on_error``."""
        if self.closed:
            coro.close()
            raise RuntimeError("the task registry is shut down")
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.setdefault(owner, set()).add(task)
        task.add_done_callback(lambda t: self._done(owner, t))
        self._notify()
        return task

    def _done(self, owner: str, task: asyncio.Task[Any]) -> None:
        tasks = self._tasks.get(owner)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self._tasks[owner]
        self._notify()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            if self.on_error is not None:
                self.on_error(owner, exc)
            else:
                log.error("task %s of %s failed: %s", task.get_name(), owner, exc)

    def _notify(self) -> None:
        count = self.count()
        for listener in list(self.listeners):
            listener(count)

    def count(self, owner: str | None = None) -> int:
        if owner is not None:
            return len(self._tasks.get(owner, ()))
        return sum(len(t) for t in self._tasks.values())

    def tasks(self, owner: str | None = None) -> list[asyncio.Task[Any]]:
        if owner is not None:
            return list(self._tasks.get(owner, ()))
        return [t for tasks in self._tasks.values() for t in tasks]

    async def cancel_owner(self, owner: str) -> None:
        """Cancel an owner's tasks and wait until they have finished."""
        await _cancel_and_gather(self.tasks(owner))

    async def shutdown(self) -> None:
        """Refuse new tasks, cancel all running ones and wait for them."""
        self.closed = True
        current = asyncio.current_task()
        await _cancel_and_gather([t for t in self.tasks() if t is not current])


async def _cancel_and_gather(tasks: list[asyncio.Task[Any]]) -> None:
    current = asyncio.current_task()
    tasks = [t for t in tasks if t is not current]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
