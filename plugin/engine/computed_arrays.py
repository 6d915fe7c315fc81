"""Read-only rasters computed where they are read (issue 11's memory).

A figure-sized raster that only some outputs read (the denoised figure, the colour distance,
the field rebuilt from the points) is not held from the stage that could make it to the
writers that read it: it is an object read as a numpy array is read, which computes the pixels
asked for. :class:`ComputedArray` is what such rasters share (their size, their conversion by
``np.asarray``, the ``[rows, cols]`` keys they take, their windows); each subclass says how its
pixels are computed.
"""

import numpy as np


class ComputedArray:
    """Base of the rasters computed where read: ``dtype`` and ``shape`` as an array's,
    ``raster[rows, cols]`` (a subclass's ``__getitem__``) and ``np.asarray(raster)`` for all of
    it; nothing of the pixels is held.

    Subclasses set ``dtype``, ``ndim`` and ``shape`` and define ``__getitem__``.
    """

    dtype = np.dtype(np.float32)
    ndim = 2
    shape = (0, 0)

    @property
    def size(self) -> int:
        """Pixels (times bands) the array would have."""
        return int(np.prod(self.shape))

    @property
    def nbytes(self) -> int:
        """What the array would take, bytes (nothing of it is held)."""
        return self.dtype.itemsize * self.size

    def __array__(self, dtype=None):
        whole = self[:, :]
        return whole if dtype is None else whole.astype(dtype, copy=False)

    @staticmethod
    def _rows_and_cols(key, name) -> tuple:
        """``key`` of ``raster[key]`` as (rows part, cols part); an IndexError naming the
        raster (``name``) when it has more than two parts."""
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (2 - len(key))
        if len(key) != 2:
            raise IndexError(f"{name} is read by [rows, cols].")
        return key

    def _window_ranges(self, rows, cols, name) -> tuple:
        """The ranges of rows and columns of a window ``[rows, cols]`` (two slices of step 1),
        of this raster's own; a ValueError naming the raster (``name``) for other steps."""
        rows, cols = (range(n)[part] for n, part in zip(self.shape[:2], (rows, cols)))
        if rows.step != 1 or cols.step != 1:
            raise ValueError(f"A window of {name} takes slices of step 1.")
        return rows, cols
