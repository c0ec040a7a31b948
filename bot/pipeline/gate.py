"""`DatabaseGate`: remembers a recent database outage, so that new pastes go straight to the spool
for a moment instead of each request waiting for a connection attempt to fail (a stopped server
refuses at once, an unreachable one only after the connect timeout). Any successful record reopens
the way; after `hold` seconds the next request tries the database again.
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["DatabaseGate"]

_log = logging.getLogger(__name__)


class DatabaseGate:
    """Remembers a recent database outage: `bypass()` is True for `hold` seconds after `trip()`,
    until `reset()`."""

    def __init__(self, hold: float = 2.0) -> None:
        self.hold = hold
        self._until = 0.0
        self._lock = threading.Lock()
        self._announced = False

    def trip(self) -> bool:
        """The database just failed; True when this starts an outage (log it once)."""
        with self._lock:
            self._until = time.monotonic() + self.hold
            first = not self._announced
            self._announced = True
            return first

    def reset(self) -> None:
        """The database answered."""
        if self._announced or self._until:
            with self._lock:
                if self._announced:
                    _log.warning("database answering again")
                self._until = 0.0
                self._announced = False

    def bypass(self) -> bool:
        """True while the last outage is recent: do not try the database."""
        return time.monotonic() < self._until
