"""Events pushed to the POS (card swipes, printer and device status, display updates).

Clients long-poll ``GET /v1/events?after=SEQ``: every event has a sequence number, the hub
keeps the last few hundred, and a waiting request returns as soon as a newer one arrives.
``boot`` changes when the proxy restarts, so a client knows its cursor is stale.
"""

import secrets
import threading
import time
from collections import deque


class EventHub:
    def __init__(self, capacity=256):
        self.boot = secrets.token_hex(6)
        self._events = deque(maxlen=capacity)
        self._seq = 0
        self._cond = threading.Condition()

    @property
    def last_seq(self):
        with self._cond:
            return self._seq

    def publish(self, type_, **data):
        """Record an event and wake every waiting client; return the event."""
        with self._cond:
            self._seq += 1
            event = {"seq": self._seq, "type": type_, "time": time.time(), **data}
            self._events.append(event)
            self._cond.notify_all()
        return event

    def wait(self, after=None, timeout=25.0, types=None):
        """Events newer than ``after`` (of ``types`` if given), waiting up to ``timeout``.

        Returns ``(events, last_seq, reset)``; ``reset`` is True when ``after`` is ahead of the
        hub (the proxy restarted), and the client should continue from ``last_seq``.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            if after is None:
                after = self._seq
            if after > self._seq:
                return [], self._seq, True
            while True:
                found = [
                    event
                    for event in self._events
                    if event["seq"] > after and (not types or event["type"] in types)
                ]
                remaining = deadline - time.monotonic()
                if found or remaining <= 0:
                    return found, self._seq, False
                self._cond.wait(remaining)
