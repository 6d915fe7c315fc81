"""Cancellation asked from inside any stage, without a progress hook passed down to it.

A job (:func:`..pipeline.decode_map`, :func:`.detection.findings.find_everything`) runs its
stages inside :func:`cancellable`, naming how to ask whether the user has cancelled. The
engine's long loops (each Tesseract reading, the lattice search, the reduction's passes, the
report's pictures) call :func:`check` as often as they like: it asks at most every
:data:`ASK_INTERVAL_S` seconds, so a cancellation is honoured within about that long plus one
step of the loop, and costs nothing measurable when no one cancels. The hook belongs to the
job's thread: another job running in another thread of the same process (QGIS's Processing
runs several) has its own, and code outside a job checks nothing.
"""
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Longest time between two questions to the job's hook, seconds: the asking is a few
#: microseconds, a fifth of a second is prompt to a person.
ASK_INTERVAL_S = 0.05

_JOB = threading.local()


@contextmanager
def cancellable(ask) -> Iterator[None]:
    """Run the ``with`` block with ``ask() -> bool`` as this thread's cancellation question.

    Parameters
    ----------
    ask : callable() -> bool or None
        True once the user has cancelled. None: nothing can cancel the block (an enclosing
        job's question, if any, still holds).
    """
    if ask is None:
        yield
        return
    previous = getattr(_JOB, "ask", None), getattr(_JOB, "asked_at", 0.0)
    _JOB.ask, _JOB.asked_at = ask, time.monotonic()
    try:
        yield
    finally:
        _JOB.ask, _JOB.asked_at = previous


@contextmanager
def cancellable_by_progress(progress) -> Iterator[list]:
    """Run the ``with`` block with a job's progress hook as its cancellation question.

    The job (:func:`..pipeline.decode_map`, :func:`.detection.findings.find_everything`)
    keeps the fraction it last reported in the list this yields; the stages' inner loops
    (:func:`check`) then ask ``progress(that fraction, None)``: the same fraction, no new
    message.

    Parameters
    ----------
    progress : callable(fraction, message) -> bool or None
        True once the user has cancelled. None: nothing can cancel the block.

    Yields
    ------
    list of one float
        The fraction last reported (0 to 1), for the job to update.
    """
    reported = [0.0]

    def ask():
        return progress(reported[0], None)

    with cancellable(ask if progress is not None else None):
        yield reported


def check() -> None:
    """Raise ``InterruptedError`` when this thread's job has been cancelled.

    Asks the job's question at most every :data:`ASK_INTERVAL_S` seconds; outside a job (no
    :func:`cancellable` around the caller, or another thread) it does nothing.

    Raises
    ------
    InterruptedError
        When the user has cancelled the job.
    """
    ask = getattr(_JOB, "ask", None)
    if ask is None:
        return
    now = time.monotonic()
    if now - _JOB.asked_at < ASK_INTERVAL_S:
        return
    _JOB.asked_at = now
    if ask():
        raise InterruptedError("Cancelled.")
