"""The one write contract: how a change of settings or table rows reaches any device.

A driver only reads and writes values (:class:`SettingsDriver`); everything else happens here,
the same way for every vendor, for one device or (called many times) for a whole site.

Settings (:func:`apply_settings`, what ``Device.write_page`` runs):

1. **Validate** every key with its :class:`ParamSpec` before anything is sent. An unknown key
   or an invalid value raises :class:`InvalidValue` and nothing is written. A page with no
   writable setting at all raises :class:`NotSupported` ("… is read-only").
2. **Read** the current values of the keys asked for.
3. **Send only the changed keys** (``write_values``).
4. **Read back** those keys, whatever the answer to the write was, even when it was lost.
5. **Classify** each key, in this order:

   ``read-only``     the spec says the device does not take this key; not sent.
   ``applied``       the device already held the value (message "unchanged"; not sent), or
                     the read-back equals the value sent.
   ``rejected``      the device refused this key: its own words are the message; or no error
                     came back but the read-back shows the value from before the write
                     ("the device kept X").
   ``skipped``       the device did not get to this key: the write stopped before it (the
                     device stopped at another key, or the answer to the write was lost) and
                     the read-back still shows the value from before. Nothing was refused;
                     sending it again may work.
   ``not verified``  the read-back failed or did not report the key, or it shows a third
                     value (neither the one sent nor the one before).

   A value the device refused but that reads back as sent is ``applied``: the read-back is
   what the device holds. Authentication errors and TLS pin mismatches are not classified
   per key: they raise (nothing is known to have been written).

Table rows (:class:`RowWriter`, used by every driver's ``change_table``): each add / update
("set") / delete ("del") / clear of one row gives a :class:`RowResult` of the same shape for
every vendor: applied; rejected with the device's words (or the validation message); not
verified when the answer was lost; skipped (not sent) for the rows after a lost answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any, Protocol, TypeVar

from .errors import (
    AuthError,
    CertificateMismatch,
    ConfiguratorError,
    DeviceError,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Unreachable,
)
from .params import ParamSpec, SettingsPage

T = TypeVar("T")


class WriteOutcome(StrEnum):
    """What became of one key of a write (see the module docstring for the rule)."""

    APPLIED = "applied"
    REJECTED = "rejected"
    NOT_VERIFIED = "not verified"
    READ_ONLY = "read-only"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class KeyResult:
    """The outcome of one key: ``value`` is what the device reports after the write."""

    key: str
    outcome: WriteOutcome
    value: Any = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the device holds the value asked for."""
        return self.outcome is WriteOutcome.APPLIED


@dataclass
class WriteReport:
    """Per-key result of an apply: only changed keys were sent, then read back."""

    results: list[KeyResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every key was applied."""
        return all(r.ok for r in self.results)

    def by_key(self) -> dict[str, KeyResult]:
        """The results keyed by setting key."""
        return {r.key: r for r in self.results}

    def counts(self) -> dict[str, int]:
        """How many keys ended in each outcome (outcomes with none are left out)."""
        out: dict[str, int] = {}
        for result in self.results:
            out[str(result.outcome)] = out.get(str(result.outcome), 0) + 1
        return out


@dataclass(frozen=True)
class TableChanges:
    """What one apply does to a table: rows to add, rows to update (each with its key) and
    the keys of rows to delete."""

    add: Sequence[Mapping[str, Any]] = ()
    update: Sequence[Mapping[str, Any]] = ()
    delete: Sequence[Any] = ()


@dataclass(frozen=True)
class RowResult:
    """Result of one row of a table apply (op: ``add``, ``set``, ``del`` or ``clear``).

    ``outcome`` is APPLIED when ``ok``, else REJECTED unless given (NOT_VERIFIED: the answer
    was lost, the row may or may not have changed).
    """

    op: str
    key: Any
    ok: bool
    message: str = ""
    outcome: WriteOutcome | None = None

    def __post_init__(self) -> None:
        if self.outcome is None:
            fallback = WriteOutcome.APPLIED if self.ok else WriteOutcome.REJECTED
            object.__setattr__(self, "outcome", fallback)


@dataclass
class SendResult:
    """What a driver learned while sending values (``SettingsDriver.write_values``).

    ``refused``: key -> the device's own words, for keys the device refused.
    ``stopped``: why the device may not have processed every key (it stopped at a bad key,
    the answer was lost); empty when it answered for all of them.
    """

    refused: dict[str, str] = field(default_factory=dict)
    stopped: str = ""


class SettingsDriver(Protocol):
    """What a driver supplies for settings: reading and writing values, nothing more."""

    @property
    def host(self) -> str:
        """The device's address (for messages)."""
        ...

    async def writable_page(self, page_id: str) -> SettingsPage:
        """The page whose specs validate a write to ``page_id``."""
        ...

    async def read_values(self, page_id: str, keys: Sequence[str]) -> dict[str, Any]:
        """Current typed values of these keys (a key the device does not report is left
        out)."""
        ...

    async def write_values(self, page_id: str, values: Mapping[str, Any]) -> SendResult:
        """Send these validated, changed values; raise the device's error for the whole
        call, or return per-key refusals."""
        ...

    def same_value(self, spec: ParamSpec, current: Any, wanted: Any) -> bool:
        """Whether the device's value counts as the wanted one."""
        ...


def same_value(spec: ParamSpec, current: Any, wanted: Any) -> bool:
    """The default comparison of a read value with a wanted one (sets in any order)."""
    if isinstance(wanted, frozenset | set):
        if current is None:
            return not wanted
        return isinstance(current, frozenset | set | list | tuple) and frozenset(
            current) == frozenset(wanted)
    return bool(current == wanted)


#: Errors that mean the answer to a request was lost: the device may have done it or not.
LOST = (Unreachable, ProtocolError, TimeoutError)


def refused_words(err: ConfiguratorError) -> str:
    """The device's own words for a refusal (its description, else the message)."""
    return err.description or err.message


def must_raise(err: BaseException) -> bool:
    """Errors no per-key or per-row result can express: wrong credentials, a TLS pin
    mismatch (an account without the privilege is a refusal, not one of these)."""
    if isinstance(err, PermissionDenied):
        return False
    return isinstance(err, AuthError | CertificateMismatch)


async def apply_settings(device: SettingsDriver, page_id: str,
                         changes: Mapping[str, Any]) -> WriteReport:
    """Validate, read, send only the changed keys, read back and classify each key.

    The single-device apply (``Device.write_page``) and the site-wide bulk apply both call
    this; it keeps no state between calls, so many devices may run it concurrently.
    """
    page = await device.writable_page(page_id)
    specs: dict[str, ParamSpec] = {}
    wanted: dict[str, Any] = {}
    for key, value in changes.items():
        spec = page.spec(key)
        specs[spec.key] = spec
        if not spec.read_only:
            wanted[spec.key] = spec.parse(value) if isinstance(value, str) else spec.validate(
                value)
    if specs and all(s.read_only for s in page.params):
        raise NotSupported(f"{page.title} ({page.id}) is read-only on this device",
                           host=device.host)
    results: dict[str, KeyResult] = {
        key: KeyResult(key, WriteOutcome.READ_ONLY, None, "read-only on this device")
        for key, spec in specs.items() if spec.read_only}
    if wanted:
        before = await device.read_values(page.id, list(wanted))
        send = {k: v for k, v in wanted.items()
                if k not in before or not device.same_value(specs[k], before[k], v)}
        for key in wanted.keys() - send.keys():
            results[key] = KeyResult(key, WriteOutcome.APPLIED, before[key], "unchanged")
        if send:
            sent = await _send(device, page.id, send)
            after, failure = await _read_back(device, page.id, list(send))
            for key, value in send.items():
                results[key] = classify(device, specs[key], value, before.get(key), after,
                                        sent, failure)
    return WriteReport([results[spec_key] for spec_key in specs])


async def _send(device: SettingsDriver, page_id: str, send: Mapping[str, Any]) -> SendResult:
    try:
        return await device.write_values(page_id, send)
    except LOST as err:
        return SendResult(stopped=f"the answer to the write was lost ({_text(err)})")
    except DeviceError as err:
        if must_raise(err):
            raise
        return SendResult(refused=dict.fromkeys(send, refused_words(err)))


async def _read_back(device: SettingsDriver, page_id: str, keys: Sequence[str]
                     ) -> tuple[dict[str, Any], str]:
    try:
        return await device.read_values(page_id, keys), ""
    except (DeviceError, TimeoutError) as err:
        if must_raise(err):
            raise
        return {}, f"could not read back ({_text(err)})"


def classify(device: SettingsDriver, spec: ParamSpec, sent: Any, before: Any,
             after: Mapping[str, Any], answer: SendResult, read_failure: str) -> KeyResult:
    """The outcome of one sent key (the rule of the module docstring)."""
    key = spec.key
    refusal = answer.refused.get(key)
    if key not in after:
        if refusal is not None:
            return KeyResult(key, WriteOutcome.REJECTED, None, refusal)
        reason = read_failure or "the device does not report this setting when read back"
        if answer.stopped:
            reason = f"{answer.stopped}; {reason}"
        return KeyResult(key, WriteOutcome.NOT_VERIFIED, None, reason)
    now = after[key]
    if device.same_value(spec, now, sent):
        return KeyResult(key, WriteOutcome.APPLIED, now)
    if refusal is not None:
        return KeyResult(key, WriteOutcome.REJECTED, now, refusal)
    if device.same_value(spec, now, before):
        shown = spec.format(now)
        if answer.stopped:
            return KeyResult(key, WriteOutcome.SKIPPED, now,
                             f"{answer.stopped}; the device still has {shown!r}")
        return KeyResult(key, WriteOutcome.REJECTED, now, f"the device kept {shown!r}")
    return KeyResult(key, WriteOutcome.NOT_VERIFIED, now,
                     f"the device reports {spec.format(now)!r} after the write")


async def send_each(values: Mapping[str, Any],
                    write_one: Callable[[str, Any], Awaitable[None]]) -> SendResult:
    """For drivers that write key by key: a refusal is that key's; a lost answer stops the
    write (the rest is not sent) and is classified after the read-back."""
    result = SendResult()
    for key, value in values.items():
        try:
            await write_one(key, value)
        except LOST as err:
            result.stopped = f"the answer to the write of {key} was lost ({_text(err)})"
            break
        except DeviceError as err:
            if must_raise(err):
                raise
            result.refused[key] = refused_words(err)
    return result


class RowWriter:
    """Runs a table's row operations one after another and describes each the same way for
    every vendor: applied; rejected with the device's words (or the validation message);
    not verified when the answer was lost, after which the remaining rows are skipped (not
    sent). Wrong credentials and TLS pin mismatches raise."""

    def __init__(self) -> None:
        self.results: list[RowResult] = []
        self.stopped = ""

    async def row(self, op: str, key: Any, call: Callable[[], Awaitable[T]],
                  key_of: Callable[[T], Any] | None = None) -> None:
        """One row: ``call()`` makes the request; ``key_of`` finds the row's key in its
        answer (an added row's new id)."""
        await self.rows(op, [key], call, lambda answer: [
            RowResult(op, _found_key(key, key_of, answer), True)])

    async def rows(self, op: str, keys: Sequence[Any], call: Callable[[], Awaitable[T]],
                   per_row: Callable[[T], list[RowResult]]) -> None:
        """Several rows in one request; ``per_row`` reads the device's answer row by row."""
        if not keys:
            return
        if self.stopped:
            self.results += [RowResult(op, key, False, f"not sent: {self.stopped}",
                                       WriteOutcome.SKIPPED) for key in keys]
            return
        try:
            answer = await call()
        except InvalidValue as err:
            self.results += [RowResult(op, key, False, err.message) for key in keys]
        except LOST as err:
            self.stopped = f"the answer to an earlier row was lost ({_text(err)})"
            self.results += [RowResult(
                op, key, False, f"the answer was lost ({_text(err)}); read the table to see "
                "whether the row changed", WriteOutcome.NOT_VERIFIED) for key in keys]
        except DeviceError as err:
            if must_raise(err):
                raise
            self.results += [RowResult(op, key, False, refused_words(err)) for key in keys]
        else:
            self.results += per_row(answer)

    def refuse(self, op: str, key: Any, message: str) -> None:
        """A row refused before anything was sent (invalid, unknown key)."""
        self.results.append(RowResult(op, key, False, message))

    async def delete_each(self, keys: Sequence[Any],
                          delete: Callable[[int], Awaitable[Any]]) -> None:
        """Delete rows keyed by a record id, one request each (one missing record does not
        fail the others); a key that is not a number is refused without a request."""
        for key in keys:
            try:
                record_id = int(key)
            except (TypeError, ValueError):
                self.refuse("del", key, f"{key!r} is not a record id")
                continue
            await self.row("del", record_id, partial(delete, record_id))


def _found_key(key: Any, key_of: Callable[[T], Any] | None, answer: T) -> Any:
    found = key_of(answer) if key_of is not None else None
    return key if found is None else found


def _text(err: BaseException) -> str:
    if isinstance(err, ConfiguratorError):
        return err.message
    return str(err) or type(err).__name__
