"""A token bucket per gateway, shared by the threads of one Odoo process.

SMS leave through the queue (one cron at a time), so a process-wide bucket keeps each provider
under its rate limit. Clock and sleep are injectable for tests.
"""

import threading
import time


class RateLimiter:
    def __init__(self, rate, burst=None, clock=time.monotonic, sleep=time.sleep):
        self.rate = float(rate)
        self.capacity = float(burst or max(1.0, self.rate))
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self):
        """Wait until one message may leave; return the seconds waited."""
        if self.rate <= 0:
            return 0.0
        with self.lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            wait = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
            self.tokens -= 1
        if wait:
            self.sleep(wait)
        return wait


_LIMITERS = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(key, rate):
    """The process-wide limiter of ``key`` (e.g. (dbname, gateway id)); rebuilt when the rate
    changes."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None or limiter.rate != float(rate):
            limiter = _LIMITERS[key] = RateLimiter(rate)
        return limiter
