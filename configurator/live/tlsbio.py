"""TLS over memory buffers, so one session can move from the event loop to a thread.

asyncio keeps a TLS connection's state inside its own SSL transport, out of reach; a camera
stream read with ``ssl.SSLObject`` and two ``MemoryBIO`` s instead (public ``ssl`` API only)
does its handshake and request on the loop (:mod:`.mjpegstream`), then hands the very same
session, with the plain TCP socket, to its stream thread (:mod:`.streamthread`), which goes on
decrypting there. Only one side ever drives the session at a time.
"""

from __future__ import annotations

import ssl

READ_SIZE = 256 * 1024


class TlsSession:
    """A client TLS session whose encrypted bytes go in through ``feed`` and out through
    ``take_output`` (the caller moves them over its socket)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        # Devices are addressed by IP and trusted by their pinned certificate: no SNI name.
        self._obj = context.wrap_bio(self._incoming, self._outgoing, server_side=False,
                                     server_hostname=None)
        self.handshaken = False
        self.closed = False  # the peer sent close_notify

    def handshake(self) -> bool:
        """Advance the handshake with what has been fed; True once it is complete."""
        if not self.handshaken:
            try:
                self._obj.do_handshake()
            except ssl.SSLWantReadError:
                return False
            self.handshaken = True
        return True

    @property
    def buffered_input(self) -> int:
        """Received bytes the session holds but has not turned into plaintext yet."""
        return self._incoming.pending

    def feed(self, data: bytes) -> None:
        """Encrypted bytes received from the peer."""
        self._incoming.write(data)

    def read_plain(self) -> bytes:
        """All the plaintext that the bytes fed so far hold (empty when none yet)."""
        chunks: list[bytes] = []
        while not self.closed:
            try:
                data = self._obj.read(READ_SIZE)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            chunks.append(data)
        return b"".join(chunks)

    def encrypt(self, data: bytes) -> bytes:
        """The encrypted form of ``data`` to send (plus anything else pending)."""
        self._obj.write(data)
        return self.take_output()

    def take_output(self) -> bytes:
        """Encrypted bytes waiting to be sent (handshake messages, alerts, records)."""
        return self._outgoing.read()

    def peer_certificate(self) -> bytes | None:
        """The peer's certificate (DER) once the handshake is complete."""
        return self._obj.getpeercert(binary_form=True) if self.handshaken else None


__all__ = ["TlsSession"]
