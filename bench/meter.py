"""Measuring one section of a worker process: wall time, CPU time, peak and growth of RSS.

Peak RSS is the kernel's high-water mark (``VmHWM``), reset when the section starts
(writing ``5`` to ``/proc/self/clear_refs``), so that memory used while setting up does
not count. Where that is not possible, the lifetime peak (``ru_maxrss``) stands in.
"""

from __future__ import annotations

import gc
import re
import resource
import time

_FIELDS = re.compile(r"^(VmHWM|VmRSS):\s+(\d+) kB", re.MULTILINE)


def _status() -> dict[str, int]:
    try:
        with open("/proc/self/status") as f:
            text = f.read()
    except OSError:
        return {}
    return {name: int(kb) * 1024 for name, kb in _FIELDS.findall(text)}


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


class Meter:
    """``start()`` before the measured work, ``stop()`` after it; then read the fields."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu = 0.0
        self.peak_rss = 0
        self.rss_growth = 0
        self._t0 = self._cpu0 = 0.0
        self._rss0 = 0
        self._reset = False
        self.started = self.stopped = False

    def start(self) -> None:
        gc.collect()
        self._reset = _reset_peak()
        self._rss0 = _status().get("VmRSS", 0)
        self.started = True
        self._cpu0 = _cpu()
        self._t0 = time.perf_counter()

    def stop(self) -> None:
        seconds = time.perf_counter() - self._t0
        cpu = _cpu() - self._cpu0
        if not self.started:
            raise RuntimeError("Meter.stop() before start()")
        status = _status()
        if self._reset and "VmHWM" in status:
            peak = status["VmHWM"]
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.seconds = seconds
        self.cpu = cpu
        self.peak_rss = peak
        self.rss_growth = max(0, peak - self._rss0)
        self.stopped = True
