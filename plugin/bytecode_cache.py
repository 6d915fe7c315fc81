"""Python's bytecode cache of the plugin, checked before the plugin's modules are imported.

When Python imports a module it writes its compiled form (``__pycache__/*.pyc``) beside it, by
writing a temporary file and renaming it. CPython (3.11 at least) does not check that the write
was complete: on a full disk (or a quota or file size limit reached) the first import writes a
cut-short file and renames it into place all the same. Every later import of that module then
fails with ``EOFError: marshal data too short`` (or ``bad marshal data``), and with it every
run of the plugin, long after the disk was freed. Removing the damaged file is enough: Python
compiles the module again from its source.

Standard library only: this runs before any other module of the plugin is imported.
"""
import marshal
import os

#: Bytes before the marshalled code of a .pyc (PEP 552: magic, flags, and the source's
#: modification time and size, or its hash).
PYC_HEADER_BYTES = 16


def remove_damaged_bytecode(folder) -> list:
    """Remove the ``.pyc`` files under ``folder`` whose code cannot be read back.

    A cut-short or garbled file fails to unmarshal; a readable one is left, whatever its
    Python version (the import system checks those itself). Files that cannot be read or removed
    (no permission: a plugin installed system-wide) are left alone: tidying never stops the
    plugin from loading.

    Parameters
    ----------
    folder : str
        The plugin's folder; its ``__pycache__`` folders are searched, all levels down.

    Returns
    -------
    list of str
        The files removed.
    """
    removed = []
    for parent, children, names in os.walk(folder):
        # Only Python package folders hold bytecode; data folders (sample, docs) are skipped.
        children[:] = [name for name in children if not name.startswith(".")]
        if os.path.basename(parent) != "__pycache__":
            continue
        for name in names:
            if not name.endswith(".pyc"):
                continue
            path = os.path.join(parent, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            if _readable(data):
                continue
            try:
                os.remove(path)
            except OSError:
                continue
            removed.append(path)
    return removed


def _readable(data) -> bool:
    """Whether the code of a .pyc's bytes unmarshals (a file of another Python version's
    bytecode format is left to the import system, which recompiles it)."""
    from importlib.util import MAGIC_NUMBER

    if len(data) < PYC_HEADER_BYTES:
        return False
    if data[:len(MAGIC_NUMBER)] != MAGIC_NUMBER:
        return True
    try:
        marshal.loads(memoryview(data)[PYC_HEADER_BYTES:])
    except (EOFError, ValueError, TypeError):
        return False
    return True
