"""The colour scale names callers import from here; they live in the ``colour_scales`` package."""
from .colour_scales import (  # noqa: F401
                            ColourScale,
                            available_colour_scale_names,
                            colour_scale_from_matplotlib,
                            colour_scale_from_samples,
                            read_cpt,
                            resolve_colour_scale,
)
