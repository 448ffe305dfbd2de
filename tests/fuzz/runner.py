"""Run one fuzz input against a target: only typed errors, within a time limit."""

from __future__ import annotations

import random
import time

from ..timelimit import TimeLimitExceeded, time_limit
from .targets import Target

TIME_LIMIT = 5.0  # seconds for one input, far above what any parser needs


class Finding(AssertionError):
    """An input made a target fail in a way the program does not promise."""


def run_one(target: Target, data: bytes, limit: float = TIME_LIMIT) -> float:
    """Seconds the input took; :class:`Finding` for an untyped error or a hang."""
    started = time.perf_counter()
    try:
        with time_limit(limit):
            target.run(data)
    except target.allowed:
        pass
    except TimeLimitExceeded:
        raise Finding(f"{target.name}: no answer within {limit:g} s for {data[:80]!r}"
                      f" ({len(data)} bytes)") from None
    except Exception as exc:
        raise Finding(f"{target.name}: {type(exc).__name__}: {str(exc)[:200]} for "
                      f"{data[:80]!r} ({len(data)} bytes)") from exc
    target.inputs += 1
    return time.perf_counter() - started


# Byte strings that break parsers more often than random bytes do.
HOSTILE = [b"-1", b"-6", b"0x10", b"1e999", b"NaN", b"-Infinity", b"9" * 5000, b"[" * 3000,
           b"{\"a\":" * 200, b"\x00", b"\xff\xfe", "²".encode(), "²".encode("latin-1"),
           b"\r\n", b"\r\n\r\n", b";", b"=", b":", b"\"", b"<", b"<!DOCTYPE x [", b"&x;",
           b"%s", b"\xc3", b" " * 300, b"65536", b"99999", b"4294967296", b"--frame\r\n",
           b"Content-Length: ", b"HTTP/1.1 ", b"\xc0\x0c", b"\xc0\x00"]


def mutate(rng: random.Random, seed: bytes) -> bytes:
    """A few random edits of ``seed``: flips, cuts, splices and hostile tokens."""
    data = bytearray(seed)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(data))
        if op == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.choice(HOSTILE)
        elif op == 2:
            del data[pos:pos + rng.randint(1, 32)]
        elif op == 3 and data:
            start = rng.randrange(len(data))
            data[pos:pos] = data[start:start + rng.randint(1, 64)]
        elif op == 4:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 5 and data:
            data[rng.randrange(len(data))] = rng.choice(b"0123456789-+.eE{}[]\":,<>/=;\r\n ")
        else:
            data = data[:pos]
    return bytes(data)


def random_input(rng: random.Random, target: Target) -> bytes:
    if rng.random() < 0.15:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    return mutate(rng, rng.choice(target.seeds))


__all__ = ["HOSTILE", "TIME_LIMIT", "Finding", "mutate", "random_input", "run_one"]
