"""Work done after Slack has been answered: a small bounded thread pool per process.

Listeners must answer Slack within three seconds and never wait on the Slack Web API (a 429 may ask
for a minute's patience), so anything that calls Slack runs here, after the ack: `jobs.submit(fn,
*args)`. Failures are logged (type and message only: no payloads) and never reach the request.
`drain()` waits until the queue is empty (tests, graceful shutdown).

`Periodic` is the base of the per-process sweepers (reply recovery, the spool's drainer): a daemon
thread that calls `tick()` every `period()` seconds until `stop()`, logging (never raising) what a
tick raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["Jobs", "Periodic"]

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


class Periodic:
    """A daemon thread calling `tick()` every `period()` seconds until `stop()`."""

    thread_name = "iamdeny-periodic"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def period(self) -> float:
        """Seconds until the next tick."""
        raise NotImplementedError

    def tick(self) -> None:
        """One round of work."""
        raise NotImplementedError

    @property
    def stopping(self) -> bool:
        """True once `stop()` was called: a long tick should end early."""
        return self._stop.is_set()

    def start(self) -> None:
        """Tick on a daemon thread until `stop()`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop ticking (waits up to `timeout` for the current tick)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.period()):
            try:
                self.tick()
            except Exception as exc:
                _log.error("%s failed: %s", self.thread_name, _short(exc))


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _short(exc: BaseException) -> str:
    """An exception as one short line: its type and first line (no SQL parameters, no bodies)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__
