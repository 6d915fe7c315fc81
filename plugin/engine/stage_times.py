"""Wall-clock time and memory high-water mark of each stage of a run, for the log and the bench.

The log line it makes ("Stage times: read 0.31 s, decode 0.05 s, ...") shows a user where a
long run spends its time, and lets ``bench/bench_pipeline.py`` print a per-stage table of a
real ``qgis_process`` run without instrumenting anything else.
"""
import contextlib
import time


def peak_resident_mib(field="VmHWM") -> float | None:
    """This process's peak resident memory so far (MiB), or None where /proc is absent.

    ``field="VmRSS"`` gives the memory resident now instead.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return None


class StageTimes:
    """Seconds spent in named stages, in the order they first ran.

    Use as ``with times("decode"): ...``; a stage entered twice adds up. After each stage the
    process's peak resident memory so far is noted too, so the stage where the peak was reached
    is the first one whose figure equals the final peak, and the memory resident at its end.
    """

    def __init__(self):
        self.seconds = {}
        self.peak_mib = {}
        self.resident_mib = {}

    @contextlib.contextmanager
    def __call__(self, name):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            peak = peak_resident_mib()
            if peak is not None:
                self.peak_mib[name] = peak
                self.resident_mib[name] = peak_resident_mib("VmRSS")

    def summary(self) -> str:
        """One log line: 'Stage times: read 0.31 s (peak 402 MiB, resident 380 MiB), ...'."""
        parts = []
        for name, seconds in self.seconds.items():
            peak = self.peak_mib.get(name)
            parts.append(f"{name} {seconds:.2f} s" + ("" if peak is None else
                                                     f" (peak {peak:.0f} MiB, resident "
                                                     f"{self.resident_mib[name]:.0f} MiB)"))
        return "Stage times: " + ", ".join(parts)
