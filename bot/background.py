"""Work done after Slack has been answered: a small bounded thread pool per process.

Listeners must answer Slack within three seconds and never wait on the Slack Web API (a 429 may ask
for a minute's patience), so anything that calls Slack runs here, after the ack: `jobs.submit(fn,
*args)`. Failures are logged (type and message only: no payloads) and never reach the request.
`drain()` waits until the queue is empty (tests, graceful shutdown).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["Jobs"]

_log = logging.getLogger(__name__)


class Jobs:
    """A named thread pool that logs failures and can be drained."""

    def __init__(self, workers: int, name: str = "iamdeny-jobs") -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn(*args, **kwargs)` on the pool; its exceptions are logged, not raised."""
        with self._idle:
            self._pending += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                _log.error("background job %s failed: %s", _name(fn), _short(exc))
                return None
            finally:
                with self._idle:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.notify_all()

        return self._pool.submit(run)

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished."""
        with self._idle:
            return self._pending

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until no job is pending; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self, timeout: float | None = 30.0) -> None:
        """Let running jobs finish (up to `timeout`), then stop the threads."""
        self.drain(timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _short(exc: BaseException) -> str:
    """An exception as one short line: its type and first line (no SQL parameters, no bodies)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__
