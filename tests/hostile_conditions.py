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


@contextlib.contextmanager
def unwritable_folder(folder):
    """No file can be added to, removed from or renamed in ``folder`` inside the block.

    A read-only folder (mode 0o555) for a user; root writes into those, so for root the folder
    is made immutable (``chattr +i``, which root obeys). Skips the test where neither works
    (a file system without immutable folders, a container without the capability).
    """
    import os
    import subprocess
    import tempfile

    import pytest

    folder = str(folder)
    if os.geteuid() != 0:
        mode = os.stat(folder).st_mode
        os.chmod(folder, 0o555)
        try:
            yield
        finally:
            os.chmod(folder, mode)
        return
    made = subprocess.run(["chattr", "+i", folder], capture_output=True, check=False)
    try:
        probe_failed = made.returncode != 0
        if not probe_failed:
            try:
                handle, probe = tempfile.mkstemp(dir=folder)
            except OSError:
                pass
            else:  # written all the same: not immutable here
                os.close(handle)
                subprocess.run(["chattr", "-i", folder], capture_output=True, check=False)
                os.remove(probe)
                probe_failed = True
        if probe_failed:
            pytest.skip(f"cannot make {folder} unwritable for root here (chattr +i)")
        yield
    finally:
        subprocess.run(["chattr", "-i", folder], capture_output=True, check=False)
