"""Writing results to disk without ever leaving a half-written file.

Every file is written under a temporary name in the destination folder and moved into place
only once complete, so a failure or a cancellation leaves any previous output untouched. A run
killed before it could remove its temporaries (SIGKILL, a crash, power loss) leaves them
behind; their names say which process made them, and the next run writing to that folder
removes those of processes no longer running (:func:`remove_stale_temporaries`).
"""
import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator

import numpy as np

from .errors import EngineError
from .memory_budget import release_freed_memory

# float32's lowest value: a nodata marker no decoded value can take.
NODATA = float(np.finfo(np.float32).min)
#: Nodata of integer rasters (the class index, which starts at 0): ``warping.INTEGER_NODATA``.
INTEGER_NODATA = -1
#: Overviews are built for rasters larger than this on a side. Building them reads the written
#: tiles back and costs about as much as writing the raster (0.25 s of 0.4 s for a 12 MP
#: figure's output); QGIS draws a raster of up to 4096 × 4096 pixels without them quickly.
OVERVIEW_MIN_SIZE = 4096
#: DEFLATE level and predictor, chosen by measurement on decoded rasters (a 12 MP
#: contour-filled figure's 2 bands, 7.3 MP; the smooth sample tiled to 6 MP). A decoded raster
#: holds few distinct values (one per colour of the scale), so its bytes repeat: without a
#: predictor DEFLATE finds those repeats, which the floating-point predictor (3) scrambles.
#: Level 1 without predictor: 0.11 s / 0.85 MB and 0.10 s / 7.0 MB; level 3 with predictor 3
#: (before): 0.20 s / 1.09 MB and 0.27 s / 14.1 MB; level 3 without: 0.12 s / 0.86 MB and
#: 0.17 s / 5.8 MB; level 6 with predictor 3: 0.26 s / 0.90 MB and 0.35 s / 13.9 MB.
DEFLATE_LEVEL = 1
DEFLATE_PREDICTOR = 1
#: Threads GDAL may compress tiles with...
WRITE_THREADS = 2
#: ... for a raster of at least this many pixels a band; a smaller one is compressed in the
#: writing thread alone. GDAL's compression threads stay for the process, each with a heap of
#: its own that keeps what it held (some 1 MiB of a 1 MP job's peak, every option on its own
#: grid), while a 1 MP band is written in 0.04 s by one thread as by two (a 4 MP band 0.15
#: against 0.13 s, load 12). The file is the same, byte for byte, with one thread or two
#: (tested).
THREADED_WRITE_MIN_PIXELS = 1 << 22
#: Rows converted (NaN -> nodata) and handed to GDAL at a time: a multiple of the tile size
#: (one row of tiles: 512 rows and twice the cache took 6 MiB more of a 4 MP job's writing,
#: for the same file, byte for byte).
WRITE_BLOCK_ROWS = 256
#: Pixels of a block read and converted at a time: a raster computed where read
#: (``computed_arrays.ComputedArray``: the colour distance, the rebuilt field) computes a
#: piece at a time, its temporaries (some 5 to 20 bytes a pixel) a piece's, not a block's
#: (256 rows of a 1414-pixel-wide raster are 362,000 pixels: writing a 2 MP figure's rebuilt
#: field peaked 2 MiB higher, a 1 MP figure's colour distance 2.4 MiB).
#: GDAL is still handed whole blocks: the same calls, the same file.
CONVERT_BLOCK_PIXELS = 1 << 16
#: GDAL's block cache while a GeoTIFF is written. GDAL keeps every written tile in its cache
#: until the cache (5 % of the machine's memory by default) is full or the file is closed: a
#: raster of two float32 bands was held a second time, and more, while written (8 to 11 bytes
#: an output pixel). 64 MiB holds a row of tiles of a 30,000-pixel-wide raster in each of its
#: bands with room to spare, and writes as fast (measured on 12 to 100 MP figures' outputs).
WRITE_CACHE_BYTES = 64 * 2 ** 20
#: ... and while a raster is compressed by the writing thread alone: one tile (GDAL reads a
#: GDAL_CACHEMAX under 100,000 as megabytes: this is above).
SINGLE_THREAD_CACHE_BYTES = 256 * 256 * 4
_CACHE_LOCK = threading.Lock()
# Writes under way, and the cache size to restore when the last one ends.
_CACHE_STATE = {"writers": 0, "restore": None}


#: Temporary names begin with this, then the writing process's owner mark (see
#: :func:`_owner_mark`), so that a run killed before it could clean up (SIGKILL, power loss)
#: has its leftovers recognised and removed by the next run writing to that folder.
PARTIAL_PREFIX = ".partial-"
#: host, process id, process start time, random part (mkstemp's), and the file's own suffix.
_PARTIAL_NAME = re.compile(r"\.partial-([0-9a-f]{8})-(\d+)-(\d+)-[A-Za-z0-9_]{8}")


def _start_time(pid) -> int:
    """When process ``pid`` started (clock ticks since boot, /proc); 0 where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            # The command name (field 2) is in parentheses and may hold spaces.
            return int(handle.read().rpartition(")")[2].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def _host_mark() -> str:
    """Eight hex digits naming this machine: process ids are only comparable on the machine
    that gave them (a folder may be shared over the network)."""
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _owner_mark() -> str:
    """The prefix of this process's temporary names: ``.partial-<host>-<pid>-<start>-``."""
    pid = os.getpid()
    return f"{PARTIAL_PREFIX}{_host_mark()}-{pid}-{_start_time(pid)}-"


def process_mark() -> tuple:
    """This process's (host mark, process id, start time), as its temporaries' names carry
    them: what :func:`made_by_a_dead_process` is asked about later."""
    pid = os.getpid()
    return _host_mark(), pid, _start_time(pid)


def made_by_a_dead_process(host, pid, start) -> bool:
    """Whether a temporary marked with :func:`process_mark`'s three values was made on this
    machine by a process that no longer runs: one that may be removed. False when in doubt
    (another machine, not POSIX)."""
    if os.name != "posix" or host != _host_mark():
        return False
    try:
        return not _owner_is_alive(int(pid), int(start))
    except ValueError:
        return False


def _owner_is_alive(pid, start) -> bool:
    """Whether the process that made a temporary name still runs (a later process given the
    same id has another start time). When in doubt, alive."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to another user
        pass
    except (OverflowError, ValueError):  # no process can have that id: not a name we made
        return True
    now = _start_time(pid)
    return not (start and now and now != start)


def remove_stale_temporaries(folder) -> list:
    """Remove the temporary files and staging folders that dead runs left in ``folder``.

    Only names this module makes are looked at (``.partial-<host>-<pid>-<start>-<random>``
    and what writers add after them: ``.aux.xml``, ``.ovr``; previous outputs kept as
    ``….previous`` hard links while new ones moved in), made on this machine by a process
    that no longer runs; a live run's temporaries, other machines' and any other file are
    left alone, and so is everything where processes cannot be asked (not POSIX). Errors
    (a file removed meanwhile, no permission) are ignored: this is tidying, never a reason
    for a run to fail.

    Parameters
    ----------
    folder : str

    Returns
    -------
    list of str
        The paths removed.
    """
    if os.name != "posix":
        return []
    try:
        names = [name for name in os.listdir(folder) if name.startswith(PARTIAL_PREFIX)]
    except OSError:
        return []
    host, removed = _host_mark(), []
    for name in names:
        match = _PARTIAL_NAME.match(name)
        if match is None or match.group(1) != host:
            continue
        if _owner_is_alive(int(match.group(2)), int(match.group(3))):
            continue
        path = os.path.join(folder, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                _put_back_previous_outputs(path, folder)
                shutil.rmtree(path)
            else:
                os.remove(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def _put_back_previous_outputs(staging, folder):
    """Move the previous outputs a killed commit left moved aside in ``staging`` back into
    ``folder``, where no new file took their place (see :class:`OutputTransaction`)."""
    if not os.path.exists(os.path.join(staging, PREVIOUS_MARKER)):
        return
    for name in os.listdir(staging):
        destination = os.path.join(folder, name)
        if name != PREVIOUS_MARKER and not os.path.lexists(destination):
            with contextlib.suppress(OSError):
                os.replace(os.path.join(staging, name), destination)


def staging_folder(folder, parameter="OUTPUT") -> str:
    """A new private folder for temporaries in ``folder`` (created if missing), named as this
    module names them, after the stale temporaries there are removed.

    Raises
    ------
    EngineError
        The folder cannot be created or written.
    """
    return _new_temporary(folder, parameter,
                          lambda: tempfile.mkdtemp(prefix=_owner_mark(), dir=folder))


def _new_temporary(folder, parameter, make):
    """``make()``'s temporary in ``folder`` (created if missing), once the stale temporaries
    there are removed; a folder that cannot be written is the user's to change."""
    remove_stale_temporaries(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        return make()
    except OSError as error:
        raise EngineError(f"Cannot write in the folder '{folder}': {error.strerror}. "
                          + write_failure_advice(error, folder), parameter=parameter) from error


#: errno of a write refused for want of room: no space (or no inode) left, a disk quota, a
#: file size limit.
NO_ROOM_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def free_space_note(folder) -> str:
    """' (12.5 MiB free there now)' for ``folder``'s file system, or '' where it cannot be asked."""
    with contextlib.suppress(OSError, AttributeError):
        stats = os.statvfs(folder)
        return f" ({stats.f_bavail * stats.f_frsize / 2 ** 20:,.1f} MiB free there now)"
    return ""


def disk_looks_full(folder) -> bool:
    """Whether ``folder``'s file system has (almost) no room left: under 1 MiB, or no inode
    for a new file. False where it cannot be asked."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    if stats.f_blocks == 0:  # a file system with no capacity of its own: /proc, /sys
        return False
    return stats.f_bavail * stats.f_frsize < 2 ** 20 or (stats.f_files > 0 and stats.f_favail == 0)


def write_failure_advice(error, folder) -> str:
    """What the user can do about ``error`` (an OSError) writing in ``folder``: one sentence."""
    if getattr(error, "errno", None) in NO_ROOM_ERRORS:
        return ("The disk is full, or a quota or file size limit was reached"
                f"{free_space_note(folder)}: free some space or choose a destination on "
                "another disk.")
    return "Choose another destination, in a folder you can write to."


def current_umask() -> int:
    """The process's umask, read without changing it.

    ``os.umask`` can only be read by setting it, which for a moment would change it for every
    thread of QGIS; Linux shows it in /proc. Elsewhere the usual 0o022 is assumed.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


#: A file in a folder of moved-aside previous outputs (see :class:`OutputTransaction`): while
#: it is there, the folder's files are previous outputs to put back, not temporaries.
PREVIOUS_MARKER = ".previous-outputs"


class OutputTransaction:
    """Outputs moved into place all together, or none of them.

    Each output is written away from its destination (:func:`atomic_destination`,
    :func:`atomic_folder_destination`) and registered here with :meth:`move` once complete; a
    database layer joins with :meth:`join` (its own SQLite transaction, prepared before the files
    move and committed after). Used as a context manager around the writing: when the block
    succeeds, :meth:`commit` moves every file: each previous file of those names is kept (a
    hard link beside it) and the new file renamed over it; if any move fails (the destination
    became a folder, no permission any more, a full disk) the previous files are renamed back
    and new files that had none removed, so the outputs are all new or all as they were.
    Temporaries are removed in any case.

    A process killed during the moves themselves (a few renames) can leave some outputs new and
    others previous, each one whole: a destination holds its previous file or its new one at
    every instant. The kept links it leaves are removed by the next run writing to that folder
    (:func:`remove_stale_temporaries`); where no hard link can be made the previous file is
    moved aside instead, and one not yet replaced is put back by that next run, never deleted.
    """

    def __init__(self):
        self._moves = []         # (source, destination, parameter)
        self._participants = []  # objects with prepare(), commit(), rollback()
        self._cleanups = []

    def __enter__(self) -> "OutputTransaction":
        return self

    def __exit__(self, kind, value, traceback) -> bool:
        try:
            if kind is None:
                self.commit()
        finally:
            self.finish()
        return False

    def move(self, source, destination, parameter="OUTPUT") -> None:
        """Move file ``source`` onto ``destination`` at the commit."""
        self._moves.append((source, destination, parameter))

    def join(self, participant) -> None:
        """Take part in the commit: ``participant.prepare()`` before the files move (it may
        :meth:`move` files too), ``commit()`` after, ``rollback()`` when anything fails."""
        self._participants.append(participant)

    def on_finish(self, cleanup) -> None:
        """Call ``cleanup()`` when the transaction ends, committed or not (errors ignored)."""
        self._cleanups.append(cleanup)

    def finish(self) -> None:
        """Remove the temporaries (what :meth:`on_finish` registered), last registered first."""
        while self._cleanups:
            cleanup = self._cleanups.pop()
            with contextlib.suppress(Exception):
                cleanup()

    def commit(self) -> None:
        """Move every registered output into place, or leave every destination as it was.

        Raises
        ------
        EngineError
            Naming the parameter whose output could not be moved; nothing changed.
        """
        prepared = []
        try:
            for participant in self._participants:
                participant.prepare()
                prepared.append(participant)
            placed, folders = self._place_files()
            try:
                for participant in self._participants:
                    participant.commit()
            except BaseException:
                self._undo(placed)
                _remove_kept(placed, folders)
                raise
        except BaseException:
            for participant in reversed(prepared):
                with contextlib.suppress(Exception):
                    participant.rollback()
            raise
        _remove_kept(placed, folders)

    def _place_files(self):
        """Move the new outputs in, keeping each previous one until all are in; undone on any
        failure.

        Each previous output is kept as a hard link beside it (:func:`_keep_previous`), and the
        new file renamed over it: the destination holds the previous file or the new one at
        every instant, never nothing, whenever the process dies. Only where hard links cannot
        be made (some network and FAT file systems) is the previous file moved aside first.

        Returns
        -------
        placed : list of (destination, how, kept)
            ``how`` is None (no previous file), "linked" or "moved"; ``kept`` the previous
            file's temporary name.
        folders : list of str
            Folders of moved-aside previous files, removed once all is done.
        """
        placed, folders = [], {}
        for _, destination, parameter in self._moves:
            if os.path.isdir(destination) and not os.path.islink(destination):
                raise EngineError(
                    f"'{destination}' is a folder now (it was made while the outputs were "
                    "written): the output cannot take its place. Choose another file name; no "
                    "output was changed.", parameter=parameter)
        current = None
        try:
            for source, destination, parameter in self._moves:
                current = (destination, parameter)
                how = kept = None
                if os.path.lexists(destination):
                    how, kept = _keep_previous(destination, parameter, folders)
                # Registered before the move: a previous file moved aside is put back if the
                # move fails.
                placed.append([destination, how, kept, False])
                os.replace(source, destination)
                placed[-1][3] = True
        except (OSError, EngineError) as error:
            problem = self._undo(placed)
            _remove_kept(placed, folders.values())
            destination, parameter = current
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise EngineError(
                f"The output '{destination}' could not be moved into place ({reason}). "
                + (problem or "No output was changed: previous files of these names are as "
                   "they were.") + " Free some space, or choose a destination you can write "
                "to.", parameter=parameter) from error
        return placed, list(folders.values())

    @staticmethod
    def _undo(placed) -> str:
        """Put the previous files back (removing new files that had none); the problem, if any."""
        problems = []
        for destination, how, kept, moved_in in reversed(placed):
            try:
                if how is None:
                    if moved_in:
                        with contextlib.suppress(FileNotFoundError):
                            os.remove(destination)
                elif how == "linked":
                    if moved_in:  # one rename: the destination is never missing
                        os.replace(kept, destination)
                else:
                    if moved_in:
                        with contextlib.suppress(FileNotFoundError):
                            os.remove(destination)
                    os.replace(kept, destination)
            except OSError as error:
                problems.append(f"'{destination}', kept as '{kept}' ({error.strerror})"
                                if kept else f"'{destination}' ({error.strerror})")
        if problems:
            return ("Some outputs could not be put back as they were: " + "; ".join(problems)
                    + ".")
        return ""


def _keep_previous(destination, parameter, folders):
    """Keep the previous file at ``destination`` under a temporary name until the new outputs
    are all in place.

    A hard link beside it (a name of this process's temporaries, ``….previous``): the previous
    file stays where it is until the new one is renamed over it in one step. Where no hard link
    can be made, the file is moved into a folder of moved-aside outputs beside it (marked
    :data:`PREVIOUS_MARKER`, so that a run killed before moving its new file in has the previous
    one put back by the next run, see :func:`remove_stale_temporaries`).

    Returns
    -------
    how : str
        "linked" or "moved".
    kept : str
        The previous file's temporary name.
    """
    folder = os.path.dirname(os.path.abspath(destination)) or "."
    for _ in range(100):
        link = os.path.join(folder, f"{_owner_mark()}{secrets.token_hex(4)}.previous")
        try:
            os.link(destination, link, follow_symlinks=False)
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):
            break  # no hard links here: moved aside instead
        return "linked", link
    if folder not in folders:
        folders[folder] = staging_folder(folder, parameter)
        with open(os.path.join(folders[folder], PREVIOUS_MARKER), "w",
                  encoding="utf-8") as marker:
            marker.write("Previous outputs moved aside while new ones moved in.\n")
    kept = os.path.join(folders[folder], os.path.basename(destination))
    os.replace(destination, kept)
    return "moved", kept


def _remove_kept(placed, folders):
    """Remove the previous files kept while the outputs moved (all placed, or all put back)."""
    for _, how, kept, _ in placed:
        if how == "linked":
            with contextlib.suppress(OSError):
                os.remove(kept)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _joined(transaction):
    """``transaction``, or a transaction of its own committed when the block succeeds."""
    if transaction is not None:
        yield transaction
        return
    with OutputTransaction() as own:
        yield own


@contextlib.contextmanager
def atomic_destination(path, parameter="OUTPUT", transaction=None) -> Iterator[str]:
    """Yield a temporary path beside ``path``; move it onto ``path`` when the block succeeds.

    Parameters
    ----------
    path : str
        Final destination.
    parameter : str
        Parameter name for error messages.
    transaction : OutputTransaction, optional
        Moved with the transaction's other outputs at its commit, rather than at once.
    """
    folder = os.path.dirname(os.path.abspath(path)) or "."
    handle, temporary = _new_temporary(folder, parameter, lambda: tempfile.mkstemp(
        prefix=_owner_mark(), suffix=os.path.splitext(path)[1], dir=folder))
    os.close(handle)

    def remove_temporaries():
        for leftover in (temporary, temporary + ".aux.xml", temporary + ".ovr"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)

    with _joined(transaction) as joined:
        joined.on_finish(remove_temporaries)
        with _naming(temporary, path):
            yield temporary
        # mkstemp makes the file private (0600); an output gets the usual permissions.
        os.chmod(temporary, 0o666 & ~current_umask())
        joined.move(temporary, path, parameter)


@contextlib.contextmanager
def atomic_folder_destination(path, parameter="OUTPUT", transaction=None) -> Iterator[str]:
    """Yield ``path``'s file name inside a new temporary folder beside it; on success move
    every file written there into ``path``'s folder.

    For outputs that are several files (a shapefile's parts, a report and its JSON twin) or
    whose writer names something after the file (a GeoPackage's layer): they are written
    under their own names, away from the destination, and none replaces a previous file until
    all are complete. A failure or a cancellation inside the block removes the folder and
    leaves the destination as it was.

    Parameters
    ----------
    path : str
        Final destination.
    parameter : str
        Parameter name for error messages.
    transaction : OutputTransaction, optional
        Moved with the transaction's other outputs at its commit, rather than at once.

    Raises
    ------
    EngineError
        The folder cannot be created or written.
    """
    folder = os.path.dirname(os.path.abspath(path)) or "."
    staging = staging_folder(folder, parameter)
    with _joined(transaction) as joined:
        joined.on_finish(lambda: shutil.rmtree(staging, ignore_errors=True))
        with _naming(os.path.join(staging, os.path.basename(path)), path):
            yield os.path.join(staging, os.path.basename(path))
        mode = 0o666 & ~current_umask()
        for name in sorted(os.listdir(staging)):
            if name.startswith(PARTIAL_PREFIX):
                continue  # a writer's own temporary file, left by a failure it survived
            written = os.path.join(staging, name)
            os.chmod(written, mode)
            joined.move(written, os.path.join(folder, name), parameter)


@contextlib.contextmanager
def _naming(temporary, path) -> Iterator[None]:
    """Errors raised inside name the user's file ``path``, never its temporary stand-in."""
    try:
        yield
    except EngineError as error:
        message = str(error)
        renamed = message.replace(temporary, path).replace(os.path.dirname(temporary),
                                                           os.path.dirname(path))
        if renamed == message:
            raise
        try:
            replacement = type(error)(renamed, parameter=error.parameter)
        except TypeError:  # a subclass with another signature
            replacement = EngineError(renamed, parameter=error.parameter)
        raise replacement from error


def write_text(path, text, parameter="OUTPUT_REPORT", what="the report") -> None:
    """Write a UTF-8 text file atomically (through :func:`atomic_destination`).

    Parameters
    ----------
    path : str
        Destination.
    text : str or iterable of str
        Written with LF line ends on every platform; pieces are written one after the other
        (a long document is neither joined nor encoded whole).
    parameter : str
        The parameter named by the error.
    what : str
        What the file is, for the error message.

    Raises
    ------
    EngineError
        The folder or the file cannot be written; ``path`` is left as it was.
    """
    with atomic_destination(path, parameter=parameter) as temporary:
        try:
            with open(temporary, "w", encoding="utf-8", newline="\n") as stream:
                for piece in ([text] if isinstance(text, str) else text):
                    stream.write(piece)
        except OSError as error:
            folder = os.path.dirname(os.path.abspath(path)) or "."
            raise EngineError(f"Cannot write {what} {path}: {error.strerror or error}. "
                              + write_failure_advice(error, folder)
                              + " A previous file of that name is left as it was.",
                              parameter=parameter) from error


def write_geotiff(path, bands, geotransform, crs_wkt, descriptions=None, tags=None,
                  nodata=NODATA, parameter="OUTPUT", atomic=True) -> None:
    """Write float32 bands as a compressed, tiled GeoTIFF.

    Parameters
    ----------
    path : str
        Destination; with ``atomic`` it is written under a temporary name and moved into place
        when complete. Without, ``path`` is written directly (it is itself a temporary file of
        :func:`atomic_destination`, for outputs that are moved into place together).
    bands : list of ndarray, shape (rows, cols)
        Float (NaN marks nodata) or integer (``INTEGER_NODATA``, -1, marks nodata: the class
        index); written as float32, nodata as ``nodata``.
    geotransform : tuple of 6 floats
        GDAL geotransform.
    crs_wkt : str
    descriptions : list of str, optional
        Band descriptions.
    tags : dict, optional
        Dataset metadata (the source figure, colour scale, transform...).
    nodata : float

    Notes
    -----
    DEFLATE (level ``DEFLATE_LEVEL``, predictor ``DEFLATE_PREDICTOR``, ``WRITE_THREADS``
    threads from THREADED_WRITE_MIN_PIXELS a band up, one below), 256×256 tiles,
    band-interleaved (each band's tiles are compressed as soon as written, none waits for the
    other bands), and nearest-neighbour overviews when the raster is larger than
    ``OVERVIEW_MIN_SIZE`` on a side (averaged overviews would show values the figure never
    had). Bands are converted and written ``WRITE_BLOCK_ROWS`` rows at a time:
    memory beyond the bands themselves is a block's and GDAL's cache.
    """
    from affine import Affine
    from rasterio.errors import RasterioError, RasterioIOError

    height, width = bands[0].shape
    tiled = width >= 256 and height >= 256
    profile = dict(driver="GTiff", width=width, height=height, count=len(bands), dtype="float32",
                   crs=crs_wkt, transform=Affine.from_gdal(*geotransform), nodata=nodata,
                   compress="deflate", zlevel=DEFLATE_LEVEL, predictor=DEFLATE_PREDICTOR,
                   tiled=tiled,
                   interleave="band", num_threads=write_threads(width * height),
                   BIGTIFF="IF_SAFER")
    if tiled:
        profile.update(blockxsize=256, blockysize=256)
    with (atomic_destination(path, parameter) if atomic else contextlib.nullcontext(path)) \
            as temporary, small_gdal_cache(
                write_cache_bytes(width, profile["num_threads"], tiled)):
        try:
            _write_bands(temporary, profile, bands, descriptions, tags, nodata)
            if max(width, height) > OVERVIEW_MIN_SIZE:
                _build_overviews(temporary, width, height)
        except (RasterioError, RasterioIOError):
            # With a cache of one tile GDAL writes its tiles as they are made: a full disk
            # fails a tile's write, which rasterio raises (at the close it is only said).
            raise EngineError(_incomplete_write_message(path, "a block could not be written"),
                              parameter=parameter) from None
        # GDAL reports a failed write (a full disk, a quota, a file size limit) on its error
        # stream only: rasterio raises nothing, and the truncated file would be moved into
        # place as if complete.
        check_geotiff_complete(temporary, path, parameter)
    # The tiles GDAL's threads compressed, freed into their heaps (about the cache's size),
    # handed back: the next output or the report is made without them.
    release_freed_memory()


def check_geotiff_complete(path, destination=None, parameter="OUTPUT") -> None:
    """Refuse a GeoTIFF whose tiles (or strips) did not all reach the disk.

    When a write fails part-way (no space left, a disk quota, a file size limit), GDAL says so
    on its error stream and goes on: the file keeps its header, and its tiles' offsets point
    beyond its end or at nothing. Every tile's offset and byte count are compared with the
    file's size (a few milliseconds; reading the tiles back would take as long as writing them).

    Parameters
    ----------
    path : str
        The written file.
    destination : str, optional
        The output's own name, for the message (``path`` may be its temporary file).
    parameter : str
        The parameter named by the error.

    Raises
    ------
    EngineError
        The file cannot be opened or a tile lies (partly) beyond its end.
    """
    import rasterio
    from rasterio.errors import RasterioError

    destination = destination or path
    try:
        size = os.path.getsize(path)
        with rasterio.open(path) as dataset:
            missing = 0
            for band in range(1, dataset.count + 1):
                for (row, col), _ in dataset.block_windows(band):
                    offset = dataset.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=band)
                    length = dataset.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=band)
                    if not offset or not length or int(offset) + int(length) > size:
                        missing += 1
    except (OSError, RasterioError) as error:
        reason = str(error).replace(f"{path}: ", "").replace(path, "the file")
        raise EngineError(_incomplete_write_message(destination, f"it cannot be read back: "
                                                    f"{reason}"), parameter=parameter) from None
    if missing:
        raise EngineError(_incomplete_write_message(
            destination, f"{missing:,} of its blocks did not reach the disk"), parameter=parameter)


def _incomplete_write_message(destination, reason):
    free = free_space_note(os.path.dirname(os.path.abspath(destination)))
    return (f"The raster '{destination}' could not be written completely ({reason}): the disk "
            f"is probably full{free}, or a quota or file size limit was reached. Free some "
            "space or choose a destination on another disk; nothing was written, and a previous "
            "file of that name is left as it was.")


def _build_overviews(path, width, height):
    """Nearest-neighbour overviews (halving until 256 pixels on a side) of a written GeoTIFF."""
    import rasterio
    from rasterio.enums import Resampling

    # In a second opening without NUM_THREADS: GDAL 3.6 building overviews of a file
    # opened with NUM_THREADS deadlocks now and then (seen on a 4480 × 3448 raster).
    factors = [2 ** i for i in range(1, 12) if max(width, height) / 2 ** i >= 256]
    with rasterio.open(path, "r+") as dataset:
        dataset.build_overviews(factors, Resampling.nearest)
        dataset.update_tags(ns="rio_overview", resampling="nearest")


def write_threads(pixels) -> int:
    """Threads GDAL compresses a raster of ``pixels`` pixels a band with: WRITE_THREADS, or
    1 below THREADED_WRITE_MIN_PIXELS."""
    return WRITE_THREADS if pixels >= THREADED_WRITE_MIN_PIXELS else 1


def write_cache_bytes(width, threads=WRITE_THREADS, tiled=True) -> int:
    """GDAL's block cache while a raster ``width`` pixels wide is written by ``threads``
    threads (in 256 × 256 tiles, or in strips when narrower or lower than a tile).

    Compressed by several threads: two blocks of ``WRITE_BLOCK_ROWS`` rows of one float32
    band (the block being written and the one being compressed), at least 1 MiB, at most
    ``WRITE_CACHE_BYTES``. A raster's bands are written one after the other, each block once:
    a larger cache only holds written tiles longer (measured: a 16 MP raster's write peaked
    48 MiB lower with 16 MiB than with 64 MiB). By the writing thread alone (a raster under
    THREADED_WRITE_MIN_PIXELS a band) in tiles: one 256 × 256 float32 tile, each tile
    compressed and written as the next one comes (a 1 MP raster's write peaked 1.4 MiB lower
    than with two rows of tiles; the same file byte for byte, tested). A raster in strips
    keeps the larger cache: GDAL writes its strips in another order with one tile's.
    """
    if threads <= 1 and tiled:
        return SINGLE_THREAD_CACHE_BYTES
    return int(min(WRITE_CACHE_BYTES, max(2 ** 20, 2 * WRITE_BLOCK_ROWS * width * 4)))


@contextlib.contextmanager
def small_gdal_cache(cache_bytes=WRITE_CACHE_BYTES) -> Iterator[None]:
    """Hold GDAL's block cache at ``cache_bytes`` at most while a raster is written.

    The cache is GDAL's, process-wide: the size it had is restored when the last write that
    shrank it ends (writes in several threads at once share one shrinking). Tiles beyond the
    cache are compressed and written out as the writing goes, instead of all at the close.
    """
    from rasterio._env import get_gdal_config, set_gdal_config

    with _CACHE_LOCK:
        if _CACHE_STATE["writers"] == 0:
            _CACHE_STATE["restore"] = int(get_gdal_config("GDAL_CACHEMAX"))
            if _CACHE_STATE["restore"] > cache_bytes:
                set_gdal_config("GDAL_CACHEMAX", int(cache_bytes))
        _CACHE_STATE["writers"] += 1
    try:
        yield
    finally:
        with _CACHE_LOCK:
            _CACHE_STATE["writers"] -= 1
            if _CACHE_STATE["writers"] == 0 and \
                    int(get_gdal_config("GDAL_CACHEMAX")) != _CACHE_STATE["restore"]:
                set_gdal_config("GDAL_CACHEMAX", _CACHE_STATE["restore"])


def _write_bands(path, profile, bands, descriptions, tags, nodata):
    """Create the GeoTIFF and write every band, a block of rows at a time."""
    import rasterio
    from rasterio.windows import Window

    height, width = profile["height"], profile["width"]
    # A block's float32 values (as one band of a 3-D array: rasterio copies a 2-D one into
    # one), in a buffer made once: GDAL copies the block at each write. Filled a piece of
    # CONVERT_BLOCK_PIXELS at a time, each piece's nodata flags in a buffer of its size.
    block_rows = min(WRITE_BLOCK_ROWS, height)
    converted = np.empty((1, block_rows, width), np.float32)
    piece_rows = convert_piece_rows(width)
    missing = np.empty((min(piece_rows, block_rows), width), bool)
    with rasterio.open(path, "w", **profile) as dataset:
        for index, band in enumerate(bands, start=1):
            if band.shape != (height, width):
                raise ValueError(f"Band {index} is {band.shape[1]}×{band.shape[0]} pixels, "
                                 f"band 1 {width}×{height}.")
            for start in range(0, height, WRITE_BLOCK_ROWS):
                rows = min(WRITE_BLOCK_ROWS, height - start)
                block = converted[:, :rows]
                for first in range(0, rows, piece_rows):
                    last = min(rows, first + piece_rows)
                    _convert_piece(band[start + first:start + last], block[0, first:last],
                                   missing[:last - first], nodata)
                dataset.write(block, [index], window=Window(0, start, width, rows))
            if descriptions:
                dataset.set_band_description(index, descriptions[index - 1])
        if tags:
            dataset.update_tags(**{k: str(v) for k, v in tags.items()})


def convert_piece_rows(width) -> int:
    """Rows of a ``width``-pixel-wide raster converted at a time (:data:`CONVERT_BLOCK_PIXELS`
    at most, one row at least)."""
    return max(1, CONVERT_BLOCK_PIXELS // max(width, 1))


def _convert_piece(part, target, missing, nodata):
    """``part`` (rows of a band; read here: a raster computed where read computes them) as
    float32 into ``target``, its nodata (NaN or ``INTEGER_NODATA``) as ``nodata``."""
    np.copyto(target, part, casting="unsafe")
    if np.issubdtype(part.dtype, np.floating):
        np.isfinite(part, out=missing)
        np.logical_not(missing, out=missing)
    else:
        np.equal(part, INTEGER_NODATA, out=missing)
    np.copyto(target, nodata, where=missing)


def geotiff_tags(result) -> dict:
    """Metadata recorded in the GeoTIFFs of a decode: where the values come from.

    Parameters
    ----------
    result : pipeline.DecodeResult

    Returns
    -------
    dict
        GDAL metadata items (name -> value) for :func:`write_geotiff`'s ``tags``.
    """
    ref = result.georeference
    tags = {
        "SOURCE_FIGURE": result.settings.figure_path,
        "COLOUR_SCALE": result.scale_name,
        "VALUE_MIN": result.mapping.vmin,
        "VALUE_MAX": result.mapping.vmax,
        "VALUE_SCALE": "logarithmic" if result.mapping.logarithmic else "linear",
        "MAX_COLOR_DISTANCE": result.settings.max_color_distance,
        "GEOREFERENCING": ref.description,
        "SOFTWARE": "Colormap Decoder",
    }
    if result.mapping.levels:
        tags["LEVELS"] = ",".join(f"{v:g}" for v in result.mapping.levels)
    if ref.residuals is not None:
        tags["GCP_RMSE_PIXELS"] = f"{ref.residuals.rmse_pixels:.6g}"
        tags["GCP_RMSE_MAP"] = f"{ref.residuals.rmse_map:.6g}"
    return tags
