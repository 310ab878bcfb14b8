"""Polling an HTTP health endpoint on a fixed cadence: ``HealthPoller``.

Each tick is one ``check_health`` (``wsmonitor.net.health_check``); every failure becomes a
``HealthSample``, and nothing raises out of the poller's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from wsmonitor.core.health import HealthPeriod, HealthSample, Timeline
from wsmonitor.net.health_check import (
    HealthConfigError,
    build_client,
    check_health,
    check_url,
    shown_url,
    verify_option,
)

log = logging.getLogger(__name__)

SampleCallback = Callable[[HealthSample], object]


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


class HealthPoller:
    """Checks one health URL every ``interval`` seconds and delivers each ``HealthSample``."""

    def __init__(
        self,
        url: str,
        *,
        interval: float = 5.0,
        timeout: float | None = None,
        verify: bool = True,
        ca_file: str | Path | None = None,
        headers: Mapping[str, str] | None = None,
        expect_json: bool = True,
        on_sample: SampleCallback | None = None,
        queue: asyncio.Queue[HealthSample] | None = None,
        keep: int = 17_280,
    ) -> None:
        self.url = str(check_url(url))
        if not _positive(interval):
            raise HealthConfigError(
                f"health interval must be a positive number of seconds, got {interval!r}"
            )
        if timeout is not None and not _positive(timeout):
            raise HealthConfigError(
                f"health timeout must be a positive number of seconds, got {timeout!r}"
            )
        self.interval = float(interval)
        self.timeout = float(timeout) if timeout is not None else max(1.0, min(self.interval, 5.0))
        self.expect_json = expect_json
        self._verify = verify_option(verify, ca_file)  # validates the CA file up front
        self._headers = dict(headers or {})
        self._on_sample = on_sample
        self._queue = queue
        self._samples: deque[HealthSample] = deque(maxlen=max(1, keep))
        self._timeline = Timeline()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def latest(self) -> HealthSample | None:
        return self._samples[-1] if self._samples else None

    @property
    def samples(self) -> list[HealthSample]:
        return list(self._samples)

    @property
    def down_since(self) -> float | None:
        """When the current down period began (None when up or no sample yet); O(1)."""
        return self._timeline.down_since

    def periods(self, until: float | None = None) -> list[HealthPeriod]:
        """Up/down timeline of the samples kept so far (kept incrementally: cheap per redraw)."""
        return self._timeline.periods(until)

    def start(self) -> None:
        """Start polling on the running loop (no-op when already running)."""
        if self.running:
            return
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"health:{shown_url(self.url)}"
        )

    async def stop(self) -> None:
        """Stop polling and release the HTTP client; safe to call twice."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def poll_once(self) -> HealthSample:
        """Check now and deliver the sample like a periodic one."""
        if self._client is None:
            self._client = build_client(self._verify, self.timeout, self._headers)
        sample = await check_health(
            self.url, timeout=self.timeout, expect_json=self.expect_json, client=self._client
        )
        await self._deliver(sample)
        return sample

    async def _deliver(self, sample: HealthSample) -> None:
        if len(self._samples) == self._samples.maxlen:
            oldest = self._samples[0]
            self._timeline.evict(oldest, self._samples[1].t if len(self._samples) > 1 else None)
        self._samples.append(sample)
        self._timeline.add(sample)
        if self._queue is not None:
            if self._queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    self._queue.get_nowait()  # a slow consumer loses the oldest, not the newest
            self._queue.put_nowait(sample)
        if self._on_sample is not None:
            try:
                result = self._on_sample(sample)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("health sample callback failed; polling continues")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time()
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not end monitoring silently; log and keep the cadence
                log.exception("health check of %s failed unexpectedly", shown_url(self.url))
            next_tick += self.interval
            now = loop.time()
            if next_tick < now:  # a slow check: skip missed ticks rather than bursting
                next_tick = now + self.interval - ((now - next_tick) % self.interval)
            await asyncio.sleep(next_tick - now)
