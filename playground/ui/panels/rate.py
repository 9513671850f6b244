"""The measured training speed: epochs per second from the frames that arrive while playing.

The speed setting is a target; a loaded machine may train slower (the "60
epochs/s" setting gave 36 to 38). The transport bar shows this measurement
next to the setting, so what it promises can be checked on screen.

Qt-free, and the clock is a parameter, so it is tested without waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

WINDOW_S = 0.25  # a rate from less time than this is mostly jitter of the frame timing
SMOOTHING = 0.5  # weight of the newest window's rate in the running estimate
STALE_S = 2.0  # no new epoch for this long: the estimate says nothing about now


class RateMeter:
    """Epochs per second, from (time, epoch) samples, smoothed over windows of ``WINDOW_S``.

    ``add(epoch)`` records the epoch of a frame; ``rate`` is NaN until a whole
    window has passed, and after ``restart`` (play pressed, a reset, a jump
    on the timeline), so a number is only shown once it was measured.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rate = math.nan
        self._start: tuple[float, int] | None = None
        self._last_change = -math.inf

    @property
    def rate(self) -> float:
        """The smoothed epochs per second, or NaN when there is no fresh measurement."""
        if self._clock() - self._last_change > STALE_S:
            return math.nan
        return self._rate

    def restart(self) -> None:
        """Forget the measurement: the next epochs start a new one."""
        self._rate = math.nan
        self._start = None
        self._last_change = -math.inf

    def add(self, epoch: int) -> None:
        """Record that training is at ``epoch`` now (an epoch that went back restarts)."""
        now = self._clock()
        if self._start is None or epoch < self._start[1]:
            self.restart()
            self._start = (now, epoch)
            self._last_change = now
            return
        start_time, start_epoch = self._start
        if epoch != start_epoch:
            self._last_change = now
        elapsed = now - start_time
        if elapsed < WINDOW_S:
            return
        measured = (epoch - start_epoch) / elapsed
        self._rate = measured if math.isnan(self._rate) else (SMOOTHING * measured + (1 - SMOOTHING) * self._rate)
        self._start = (now, epoch)


def epochs_per_second(rate: float) -> str:
    """``"1 epoch/s"``, ``"60 epochs/s"``: the unit agrees with the number."""
    return f"{rate:g} epoch/s" if rate == 1 else f"{rate:g} epochs/s"
