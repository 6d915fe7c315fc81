"""Hostile conditions for tests, made without privileges: a disk that fills up."""
import contextlib
import resource
import signal


@contextlib.contextmanager
def file_size_limit(limit_bytes):
    """Files of this process cannot grow beyond ``limit_bytes`` inside the block.

    With ``SIGXFSZ`` ignored, a write beyond the limit fails with EFBIG, as a write onto a full
    disk fails with ENOSPC (or a quota with EDQUOT): the writer sees a failed write part-way.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)
