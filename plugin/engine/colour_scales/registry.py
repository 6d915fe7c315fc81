"""The sources of named colour scales, and how a user's description finds its scale.

A source is one small object (:class:`ColourScaleSource`): the prefixes that name it, the
colour scale names it knows, and how to build a :class:`ColourScale` from one of them.
:data:`SOURCES` lists them in the documented lookup order for bare names; adding a source is
one module with its class and one line in :func:`default_sources` (or, from a script or test,
one call to :func:`register_source`).
"""
import difflib
import os

from ..errors import ColourScaleError
from .scale import ColourScale

#: Where QGIS keeps its resources on Linux packages; the QGIS glue passes the real folder.
DEFAULT_QGIS_RESOURCES = "/usr/share/qgis/resources"


class ColourScaleSource:
    """One source of named colour scales.

    Subclasses set :attr:`key` and :attr:`prefixes` and implement :meth:`names` and
    :meth:`build`; the rest (``_r`` reversal, case-insensitive lookup, suggestions for unknown
    names) is shared.

    Attributes
    ----------
    key : str
        The source's name, used in the scale's name (``"qgis:Spectral"``) and in messages.
    prefixes : tuple of str
        Lower-case prefixes that select this source in a spec such as ``"cc:fire"``.
    bare_lookup : bool
        Whether bare names (without a prefix) are looked up in this source.
    """

    key = ""
    prefixes = ()
    bare_lookup = True

    def names(self, resources: "str | None") -> list:
        """Every colour scale name this source knows here (none when it is unavailable).

        Parameters
        ----------
        resources : str or None
            QGIS's resources folder (or None when there is none).
        """
        raise NotImplementedError

    def build(self, name: str, case_sensitive: bool, resources: "str | None") -> "ColourScale | None":
        """The scale called ``name`` (exactly, or ignoring case), or None if there is none."""
        raise NotImplementedError

    def require(self) -> None:
        """Raise :class:`ColourScaleError` saying what to install when the source cannot work.

        Called when a spec names this source by its prefix; a source that is always available
        has nothing to check.
        """

    def claims_file(self, spec: str) -> bool:
        """Whether ``spec`` is a file this source reads, whatever its prefix (a ``.cpt`` path)."""
        return False

    def resolve(self, name: str, resources: "str | None", spec: str) -> ColourScale:
        """The scale a spec naming this source asks for.

        Parameters
        ----------
        name : str
            The name after the prefix, stripped (or the whole spec of a claimed file).
        resources : str or None
            QGIS's resources folder.
        spec : str
            The user's whole spec, for messages.
        """
        self.require()
        for case_sensitive in (True, False):
            scale = self.lookup(name, case_sensitive, resources)
            if scale is not None:
                return scale
        raise unknown_name_error(spec, name, [self], resources)

    def lookup(self, name: str, case_sensitive: bool, resources: "str | None") -> "ColourScale | None":
        """Find ``name``, falling back to reversing the base of an ``_r`` name."""
        scale = self.build(name, case_sensitive, resources)
        if scale is None and len(name) > 2 and name.lower().endswith("_r"):
            base = self.build(name[:-2], case_sensitive, resources)
            if base is not None:
                scale = base.reversed()
        return scale


def default_sources() -> list:
    """The built-in sources, in the lookup order of bare names."""
    from .gmt_cpt import CptFileSource
    from .matplotlib_source import MatplotlibSource, OptionalPackageSource
    from .qgis_resources import CptCitySource, QgisStyleSource

    return [
        MatplotlibSource(),
        OptionalPackageSource("cmocean", ("cmocean",), "cmocean.cm", "cmap_d", "cmocean"),
        OptionalPackageSource("cmcrameri", ("cmcrameri", "crameri"), "cmcrameri.cm", "cmaps",
                              "cmcrameri"),
        OptionalPackageSource("colorcet", ("colorcet", "cc"), "colorcet", "cm", "colorcet"),
        QgisStyleSource(),
        CptCitySource(),
        CptFileSource(),
    ]


#: Every source, in the lookup order of bare names (built on first use).
SOURCES = []


def sources() -> list:
    """:data:`SOURCES`, filled with :func:`default_sources` on first use."""
    if not SOURCES:
        SOURCES.extend(default_sources())
    return SOURCES


def register_source(source: ColourScaleSource, before: "str | None" = None) -> ColourScaleSource:
    """Add a source of named colour scales.

    Parameters
    ----------
    source : ColourScaleSource
    before : str or None
        Key of the source it is looked up before (bare names); None: after all the others.

    Returns
    -------
    ColourScaleSource
        ``source``, so that the caller can :func:`unregister_source` it.
    """
    registered = sources()
    keys = [existing.key for existing in registered]
    if source.key in keys:
        raise ValueError(f"a colour scale source {source.key!r} is already registered")
    registered.insert(keys.index(before) if before is not None else len(registered), source)
    return source


def unregister_source(source: ColourScaleSource) -> None:
    """Remove a source added with :func:`register_source`."""
    sources().remove(source)


def find_qgis_resources(search_qgis_resources: "str | None") -> "str | None":
    """QGIS's resources folder: the one given, else the usual places that exist, else None."""
    if search_qgis_resources:
        return str(search_qgis_resources)
    candidates = [DEFAULT_QGIS_RESOURCES]
    prefix = os.environ.get("QGIS_PREFIX_PATH")
    if prefix:
        candidates.append(os.path.join(prefix, "share", "qgis", "resources"))
    return next((folder for folder in candidates if os.path.isdir(folder)), None)


def match_name(name: str, available, case_sensitive: bool) -> "str | None":
    """``name`` if ``available`` holds it, else (ignoring case) its first match, else None."""
    if name in available:
        return name
    if case_sensitive:
        return None
    # Sorting makes the choice among names differing only in case reproducible.
    matches = sorted(candidate for candidate in available if candidate.lower() == name.lower())
    return matches[0] if matches else None


def unknown_name_error(spec: str, name: str, searched: list, resources) -> ColourScaleError:
    """The error for a name no searched source knows, suggesting close names."""
    candidates = list(dict.fromkeys(n for source in searched for n in source.names(resources)))
    by_lower = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=5, cutoff=0.6)
    suggestion = f" Did you mean: {', '.join(by_lower[c] for c in close)}?" if close else ""
    where = ", ".join(source.key for source in searched)
    return ColourScaleError(
        f"unknown colour scale {spec!r}: not a .cpt file and no colormap of that name in {where}.{suggestion}"
    )


def resolve_colour_scale(spec, search_qgis_resources=None) -> ColourScale:
    """Resolve a user's colour scale description into a :class:`ColourScale`.

    Parameters
    ----------
    spec : str
        One of:

        * a path to a GMT colour table (a file that exists, or any name ending in ``.cpt``),
          optionally prefixed ``cpt:``;
        * a prefixed name: ``mpl:`` / ``matplotlib:``, ``cmocean:``, ``cmcrameri:`` (alias
          ``crameri:``), ``colorcet:`` (alias ``cc:``), ``qgis:`` (ramps of QGIS's default
          style) or ``cpt-city:`` (the cpt-city gradients shipped with QGIS, named by their
          path without extension such as ``gmt/GMT_haxby``, or by a unique file name such as
          ``GMT_haxby``);
        * a bare name, looked up in this order: matplotlib, cmocean, cmcrameri, colorcet, QGIS
          ramps, cpt-city; first with exact case, then ignoring case. The first match wins.

        A trailing ``_r`` reverses any named scale.
    search_qgis_resources : str or None
        QGIS's resources folder (holding ``symbology-style.xml`` and ``cpt-city-qgis-min``).
        None tries ``/usr/share/qgis/resources`` and then ``$QGIS_PREFIX_PATH/share/qgis/resources``.

    Returns
    -------
    ColourScale
        Its `name` says which source was used, e.g. ``"matplotlib:Spectral"``.

    Raises
    ------
    ColourScaleError
        If the name is unknown (the message suggests close names), the package a prefix needs
        is not installed (the message names the pip package), or a colour table is malformed.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ColourScaleError("no colour scale given: expected a colormap name or a .cpt file path")
    spec = spec.strip()
    registered = sources()
    for source in registered:
        if source.claims_file(spec):
            return source.resolve(spec, None, spec)

    prefix, separator, name = spec.partition(":")
    resources = find_qgis_resources(search_qgis_resources)
    if separator:
        prefix = prefix.strip().lower()
        for source in registered:
            if prefix in source.prefixes:
                return source.resolve(name.strip(), resources, spec)

    bare = [source for source in registered if source.bare_lookup]
    for case_sensitive in (True, False):
        for source in bare:
            scale = source.lookup(spec, case_sensitive, resources)
            if scale is not None:
                return scale
    raise unknown_name_error(spec, spec, bare, resources)


def available_colour_scale_names(search_qgis_resources=None, prefixed=True) -> list:
    """Names of every named colour scale that can be resolved here.

    Parameters
    ----------
    search_qgis_resources : str or None
        QGIS's resources folder, as for :func:`resolve_colour_scale`.
    prefixed : bool
        True: names carry their source prefix (``"qgis:Spectral"``), so each is unambiguous.
        False: bare names, without duplicates, in lookup order (what a bare spec resolves to).

    Returns
    -------
    list of str
        In the lookup order (matplotlib, cmocean, cmcrameri, colorcet, QGIS, cpt-city); the
        optional packages only when installed. Reversed ``_r`` variants are listed only where
        the source itself defines them.
    """
    resources = find_qgis_resources(search_qgis_resources)
    names = []
    for source in sources():
        if source.bare_lookup:
            names.extend(f"{source.key}:{name}" if prefixed else name
                         for name in source.names(resources))
    return names if prefixed else list(dict.fromkeys(names))
