"""Outputs written away from their destination and moved into place together.

A run ends either with every output complete in place or with none of them changed: each
output is written into a staging folder beside its destination
(:func:`~..engine.writing.atomic_folder_destination`) and moved when all are written. Used by
both algorithms for their file outputs; a QGIS feature sink (the point layer) is pointed at
its staging folder here, which QGIS's own ``parameterAsSink`` does not offer.

A layer of a GeoPackage or of a SQLite/SpatiaLite database (``ogr:dbname='…gpkg'
table="points"``, ``spatialite:dbname='…sqlite' table="points"``, which may add the layer to
an existing database of other layers) is written into a GeoPackage of its own in a staging
folder too, and copied into the destination in one SQLite transaction once every output is
complete (:func:`staged_database_layer`): a failure, a cancellation or a killed run leaves the
destination's layers, that one included, as they were. A layer on a PostGIS server
(``postgres:``, ``postgis:``) is written to a new table of that database and takes the
destination table's place at the end, in one SQL transaction (:class:`_ServerTable`).
"""
import contextlib
import os
import re
import shutil

from qgis.core import (
    QgsDataSourceUri,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProperty,
    QgsProviderRegistry,
)
from qgis.PyQt.QtCore import QCoreApplication


def file_destination(algorithm, parameters, name, context):
    """The file a layer output will be written to, or None when it is not a plain file.

    Memory layers, databases and other providers (``memory:``, ``postgres:``, ``ogr:dbname=``,
    which may add a table to an existing GeoPackage) are not plain files; a drive letter
    (``C:``) is.
    """
    destination = (algorithm.parameterAsOutputLayer(parameters, name, context) or "").split("|")[0]
    if not destination or re.match(r"[A-Za-z][\w+.-]+:", destination):
        return None
    return destination


#: Providers whose output layers live in a database file (GeoPackage, SQLite, SpatiaLite).
FILE_DATABASE_PROVIDERS = ("ogr", "spatialite")


def written_file(algorithm, parameters, name, context):
    """The file an output changes, whatever its spelling, or None when it changes no file.

    A plain file; the database file of a layer written into a GeoPackage, SQLite or SpatiaLite
    database (``ogr:dbname='/data/x.gpkg' table="points" (geom)``, ``spatialite:dbname=…``,
    ``ogr:/data/x.gpkg|layername=points``), which adding a layer changes as much as replacing
    it would. None for memory layers and database servers (``memory:``, ``postgres:``). This is
    what the overlap checks compare with the inputs: a layer written into the GeoPackage the
    MASK is read from is writing into an input.
    """
    value = (algorithm.parameterAsOutputLayer(parameters, name, context) or "").strip()
    match = re.match(r"([A-Za-z][\w+.-]+):", value)  # a drive letter ("C:") is no provider
    if not value:
        return None
    if not match:
        return value.split("|")[0]
    provider, source = match.group(1).lower(), value[match.end():]
    if provider not in FILE_DATABASE_PROVIDERS:
        return None
    database = QgsDataSourceUri(source).database()
    return database or source.split("|")[0] or None


def layer_file(layer):
    """The file a layer reads (its GeoPackage, SQLite database, shapefile...), or "".

    Parameters
    ----------
    layer : QgsMapLayer or None
    """
    if layer is None:
        return ""
    source = layer.source()
    path = QgsProviderRegistry.instance().decodeUri(layer.providerType(), source).get("path")
    if not path and layer.providerType() in FILE_DATABASE_PROVIDERS:
        path = QgsDataSourceUri(source).database()
    return path or source.split("|")[0]


#: Database files a layer is copied into in one SQLite transaction, by extension, and the
#: OGR driver (with its creation options for a new file) that writes them.
DATABASE_DRIVERS = {".gpkg": ("GPKG", []), ".sqlite": ("SQLite", ["SPATIALITE=YES"]),
                    ".sqlite3": ("SQLite", ["SPATIALITE=YES"]), ".db": ("SQLite", ["SPATIALITE=YES"])}


def database_layer_destination(algorithm, parameters, name, context):
    """The database file, layer name and geometry column of an output written as a layer of
    a GeoPackage or a SQLite/SpatiaLite database (``ogr:dbname='/data/x.gpkg' table="points"
    (geom)``, ``spatialite:dbname='/data/x.sqlite' table="points" (geom)``), or None.

    Both are SQLite files, written in one transaction (:func:`staged_database_layer`). Database
    servers (PostGIS) and plain files are not such destinations.
    """
    value = algorithm.parameterAsOutputLayer(parameters, name, context) or ""
    provider, _, source = value.partition(":")
    if provider.lower() not in FILE_DATABASE_PROVIDERS or not source:
        return None
    uri = QgsDataSourceUri(source)
    database, table = uri.database(), uri.table()
    if not database or not table or os.path.splitext(database)[1].lower() not in DATABASE_DRIVERS:
        return None
    return database, table, uri.geometryColumn() or "geom"


def _error(text, *values):
    return QgsProcessingException(QCoreApplication.translate("ColormapDecoder", text).format(*values))


@contextlib.contextmanager
def staged_database_layer(database, table, geometry_column, parameter, transaction=None):
    """Yield a GeoPackage file to write a layer into; when the block succeeds, copy its layer
    into ``database`` (a GeoPackage or SQLite/SpatiaLite file) as ``table`` in one
    transaction, replacing a layer of that name.

    Nothing is written into ``database`` before every feature is in the staged file; the copy
    is one SQLite transaction (the new layer is filled under a temporary name, the previous
    one deleted and the new one renamed, then committed), so a failure rolls it back and a
    killed process leaves a journal SQLite rolls back on the next opening: the GeoPackage's
    other layers, and the previous layer of that name, are never touched otherwise. A
    GeoPackage that does not exist yet is made in the staging folder and moved into place.

    Parameters
    ----------
    database : str
        The GeoPackage or SQLite file (:data:`DATABASE_DRIVERS`).
    table : str
        The layer's name in it.
    geometry_column : str
    parameter : str
        For messages.
    transaction : OutputTransaction, optional
        The run's outputs: the copy is prepared (filled, not committed) before the
        transaction's files move and committed after them, and rolled back when a move fails.
        Without one the copy is committed when the block ends.

    Raises
    ------
    QgsProcessingException
        Naming ``parameter`` when the layer cannot be copied; the GeoPackage is as it was.
    """
    from ..engine.errors import EngineError
    from ..engine.writing import OutputTransaction, staging_folder

    folder = os.path.dirname(os.path.abspath(database)) or "."
    try:
        staging = staging_folder(folder, parameter)
    except EngineError as error:
        raise QgsProcessingException(f"{parameter}: {error}") from error
    own = transaction is None
    transaction = OutputTransaction() if own else transaction
    transaction.on_finish(lambda: shutil.rmtree(staging, ignore_errors=True))
    try:
        staged = os.path.join(staging, "layer.gpkg")
        yield staged
        transaction.join(_LayerCopy(staged, database, table, geometry_column, parameter,
                                    staging, transaction))
        if own:
            transaction.commit()
    finally:
        if own:
            transaction.finish()


class _LayerCopy:
    """The copy of a staged layer into a GeoPackage or SQLite database, as a participant of an
    :class:`~..engine.writing.OutputTransaction`: filled in :meth:`prepare`, committed in
    :meth:`commit`, undone in :meth:`rollback`."""

    def __init__(self, staged, database, table, geometry_column, parameter, staging, transaction):
        self.staged, self.database, self.table = staged, database, table
        self.geometry_column, self.parameter = geometry_column, parameter
        self.staging, self.transaction = staging, transaction
        self._copy = None

    def prepare(self):
        if os.path.exists(self.database):
            self._copy = _copy_layer_in_one_transaction(self.staged, self.database, self.table,
                                                        self.geometry_column, self.parameter)
            return
        # A new database: made complete beside the staged layer, then moved like a file.
        fresh = os.path.join(self.staging, os.path.basename(self.database))
        copy = _copy_layer_in_one_transaction(self.staged, fresh, self.table,
                                              self.geometry_column, self.parameter)
        copy.commit()
        self.transaction.move(fresh, self.database, self.parameter)

    def commit(self):
        if self._copy is not None:
            self._copy.commit()

    def rollback(self):
        if self._copy is not None:
            self._copy.rollback()


class _OpenLayerCopy:
    """A database with a layer copied into it in a transaction not yet committed."""

    def __init__(self, target, database, parameter):
        self.target, self.database, self.parameter = target, database, parameter

    def commit(self):
        from osgeo import gdal

        target, self.target = self.target, None
        if target is None:
            return
        try:
            failed = target.CommitTransaction() != 0
        except RuntimeError:
            failed = True
        if failed:
            message = gdal.GetLastErrorMsg() or "the transaction could not be committed"
            _roll_back(target)
            raise _error("{}: the point layer could not be written into '{}' ({}). Is the disk "
                         "full? The database was left as it was: its layers unchanged.",
                         self.parameter, self.database, message)

    def rollback(self):
        target, self.target = self.target, None
        if target is not None:
            _roll_back(target)


def _roll_back(target):
    """Roll back ``target``'s transaction quietly: GDAL complains, on rolling back, that it
    cannot make the feature-count triggers of the layer the rollback removed."""
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        target.RollbackTransaction()
    except RuntimeError:
        pass
    finally:
        gdal.PopErrorHandler()


def _copy_layer_in_one_transaction(staged, database, table, geometry_column, parameter):
    """Copy the only layer of GeoPackage ``staged`` into ``database`` (a GeoPackage or a
    SQLite/SpatiaLite file, made if missing) as ``table``, in one transaction left open: the
    returned object commits or rolls it back. Rolled back on any failure here.

    In a GeoPackage the new layer is filled under a temporary name and renamed once the
    previous one is deleted; OGR's SQLite driver cannot rename a layer, so there the previous
    layer is deleted and the new one made under its name, in the same transaction.

    Returns
    -------
    _OpenLayerCopy
    """
    from osgeo import gdal, ogr

    try:  # OGR raises instead of returning None where its exceptions were switched on
        source = ogr.Open(staged)
    except RuntimeError:
        source = None
    if source is None or source.GetLayerCount() != 1:
        raise _error("{}: the point layer written could not be read back. No output was "
                     "changed.", parameter)
    driver, creation_options = DATABASE_DRIVERS.get(os.path.splitext(database)[1].lower(),
                                                     ("GPKG", []))
    try:
        if os.path.exists(database):
            target = ogr.Open(database, update=1)
        else:
            target = ogr.GetDriverByName(driver).CreateDataSource(database, creation_options)
    except RuntimeError:
        target = None
    if target is None:
        raise _error("{}: the database '{}' cannot be opened for writing ({}). Choose another "
                     "destination; no output was changed.", parameter, database,
                     gdal.GetLastErrorMsg() or "not a GeoPackage or SQLite database, or no permission")
    # A name no layer has: the new layer is filled under it, then takes the table's name.
    names = {target.GetLayer(index).GetName().lower() for index in range(target.GetLayerCount())}
    renames = target.GetDriver().GetName() == "GPKG"
    temporary = next(f"{table}_partial_{os.getpid()}_{n}" for n in range(len(names) + 1)
                     if f"{table}_partial_{os.getpid()}_{n}".lower() not in names) if renames else table
    try:
        started = target.StartTransaction(force=True) == 0
    except RuntimeError:
        started = False
    if not started:
        raise _error("{}: the database '{}' cannot be written ({}). No output was changed.",
                     parameter, database, gdal.GetLastErrorMsg())
    try:
        gdal.ErrorReset()
        if renames:
            _copy_features(source.GetLayer(0), target, temporary, geometry_column)
        previous = [index for index in range(target.GetLayerCount())
                    if target.GetLayer(index).GetName().lower() == table.lower()]
        if previous and target.DeleteLayer(previous[0]) != 0:
            raise RuntimeError(gdal.GetLastErrorMsg() or f"the layer '{table}' cannot be replaced")
        if not renames:
            _copy_features(source.GetLayer(0), target, table, geometry_column)
        elif target.GetLayerByName(temporary).Rename(table) != 0:
            raise RuntimeError(gdal.GetLastErrorMsg() or f"the layer cannot be named '{table}'")
    except Exception as error:
        # The traceback's frames hold layers, which hold the GeoPackage open: let them go so
        # that it closes here.
        error.__traceback__ = None
        _roll_back(target)
        target = None
        raise _error("{}: the point layer could not be written into '{}' ({}). Is the disk "
                     "full? The database was left as it was: its layers unchanged.",
                     parameter, database, error) from error
    finally:
        source = None
    return _OpenLayerCopy(target, database, parameter)


def _copy_features(source_layer, target, name, geometry_column):
    """Create layer ``name`` in ``target`` like ``source_layer`` and copy its features (inside
    the caller's transaction: OGR's CopyLayer opens one of its own)."""
    from osgeo import ogr

    copy = target.CreateLayer(name, source_layer.GetSpatialRef(), source_layer.GetGeomType(),
                              [f"GEOMETRY_NAME={geometry_column}"])
    if copy is None:
        raise RuntimeError(f"the layer '{name}' cannot be created")
    definition = source_layer.GetLayerDefn()
    for index in range(definition.GetFieldCount()):
        if copy.CreateField(definition.GetFieldDefn(index)) != 0:
            raise RuntimeError("a field cannot be created")
    copied = 0
    source_layer.ResetReading()
    for feature in source_layer:
        new = ogr.Feature(copy.GetLayerDefn())
        new.SetFrom(feature)
        if copy.CreateFeature(new) != 0:
            raise RuntimeError(f"feature {copied + 1} cannot be written")
        copied += 1
    if copied != source_layer.GetFeatureCount():
        raise RuntimeError(f"{copied} of {source_layer.GetFeatureCount()} features copied")


#: Providers of layers on a database server, written to a new table renamed at the end.
SERVER_PROVIDERS = {"postgres": "postgres", "postgis": "postgres"}
#: PostgreSQL cuts longer identifiers (in bytes): a staged table's name must fit.
MAX_IDENTIFIER_BYTES = 63


def server_table_destination(algorithm, parameters, name, context):
    """The provider prefix and data source of an output written as a table of a PostGIS
    database (``postgres:dbname='maps' host=… table="public"."points" (geom)``, or
    ``postgis:…``), or None."""
    value = (algorithm.parameterAsOutputLayer(parameters, name, context) or "").strip()
    prefix, _, source = value.partition(":")
    if prefix.lower() not in SERVER_PROVIDERS or not source:
        return None
    uri = QgsDataSourceUri(source)
    if not uri.table() or not uri.database() and not uri.service():
        return None  # QGIS's own sink explains what is missing
    return prefix, uri


def _quoted(identifier):
    return '"' + identifier.replace('"', '""') + '"'


#: A staged table's name ends with this: "_partial_", then the machine, process id and start
#: time of the process that made it (as temporary files are named, ``writing.process_mark``)
#: and 4 random hex digits.
_STAGED_TABLE_END = re.compile(r"_partial_([0-9a-f]{8})_(\d+)_(\d+)_[0-9a-f]{4}$")


def _staged_table_name(table):
    """A new table's name beside ``table``: its start, "_partial_", this process's mark
    (:data:`_STAGED_TABLE_END`), within PostgreSQL's identifier length. A run killed before
    it could drop its staged table leaves it; the mark lets the next run writing to that schema
    on this machine drop it (:func:`_drop_tables_of_dead_runs`)."""
    import secrets

    from ..engine.writing import process_mark

    host, pid, start = process_mark()
    suffix = f"_partial_{host}_{pid}_{start}_{secrets.token_hex(2)}"
    start = table.encode("utf-8")[:MAX_IDENTIFIER_BYTES - len(suffix)].decode("utf-8", "ignore")
    return start + suffix


def _drop_tables_of_dead_runs(uri):
    """Drop the staged tables of ``uri``'s schema that runs on this machine left when they
    were killed (SIGKILL, a crash) before they could drop them; every other table is left
    alone. Errors are ignored: this is tidying, never a reason for a run to fail."""
    from ..engine.writing import made_by_a_dead_process

    schema = uri.schema() or "public"
    server = _ServerTable(uri, None, None)
    literal = "'" + schema.replace("'", "''") + "'"
    try:
        rows = server._execute("SELECT tablename FROM pg_tables WHERE schemaname = "
                               f"{literal} AND tablename LIKE '%\\_partial\\_%'") or []
    except RuntimeError:
        return
    for row in rows:
        name = str(row[0]) if row else ""
        match = _STAGED_TABLE_END.search(name)
        if match and made_by_a_dead_process(*match.groups()):
            with contextlib.suppress(RuntimeError):
                server._execute(f"DROP TABLE IF EXISTS {_quoted(schema)}.{_quoted(name)}")


class _ServerTable:
    """A layer written to a new table of its PostGIS database (``staged``) and renamed to the
    destination's table at the commit of an :class:`~..engine.writing.OutputTransaction`: the
    previous table dropped and the new one renamed in one SQL transaction, which the server
    rolls back whole if any part fails (a view that depends on the previous table, no
    permission). Until then the destination's table is untouched; a failure, a cancellation or
    a failed move of the run's files drops the new table."""

    def __init__(self, uri, staged, parameter):
        self.uri, self.staged, self.parameter = uri, staged, parameter
        self.schema = uri.schema() or "public"
        self.committed = False

    def _execute(self, sql):
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        try:
            connection = metadata.createConnection(self.uri.connectionInfo(False), {})
            return connection.executeSql(sql)
        except Exception as error:  # noqa: BLE001 - QGIS 3.22 raises a bare QgsException
            # "SQL error: <the statement> returned 0 [ERROR:  what the server said]"
            said = str(error).rpartition("[ERROR:")[2].strip(" ]\n") or str(error).strip()
            # The server's hints are for its own users (DROP ... CASCADE): not repeated here.
            said = "; ".join(line.strip() for line in said.splitlines()
                             if line.strip() and not line.lstrip().startswith("HINT:"))
            raise RuntimeError(said or "no answer from the server") from None

    def prepare(self):
        pass

    def commit(self):
        table = f"{_quoted(self.schema)}.{_quoted(self.uri.table())}"
        try:
            # One statement string: the server runs it as one transaction.
            self._execute(f"DROP TABLE IF EXISTS {table}; ALTER TABLE "
                          f"{_quoted(self.schema)}.{_quoted(self.staged)} RENAME TO "
                          f"{_quoted(self.uri.table())}")
        except RuntimeError as error:
            raise _error("{}: the point layer could not take the place of the table {} ({}). "
                         "The table was left as it was; remove what depends on it (a view) or "
                         "choose another table.", self.parameter, table, error) from None
        self.committed = True

    def rollback(self):
        self.drop_staged()

    def drop_staged(self):
        if not self.committed:
            with contextlib.suppress(RuntimeError):
                self._execute(f"DROP TABLE IF EXISTS {_quoted(self.schema)}."
                              f"{_quoted(self.staged)}")


def staged_server_table(uri, parameter, transaction):
    """The data source of a new table to write a layer into instead of ``uri``'s, renamed to
    ``uri``'s table when ``transaction`` commits (see :class:`_ServerTable`)."""
    _drop_tables_of_dead_runs(uri)
    staged_uri = QgsDataSourceUri(uri)
    staged = _staged_table_name(uri.table())
    staged_uri.setTable(staged)
    table = _ServerTable(uri, staged, parameter)
    transaction.on_finish(table.drop_staged)
    transaction.join(table)
    return staged_uri


def staged_sink(algorithm, parameters, name, context, stack, fields, wkb_type, crs,
                transaction=None):
    """``parameterAsSink`` for an output written in a staging folder, moved into place when
    ``stack`` closes without an error.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict
    name : str
        The feature sink parameter.
    context : QgsProcessingContext
    stack : contextlib.ExitStack
        Closed once every output of the run is written: the sink's files move then. Delete
        the sink (which closes its file) before.
    fields, wkb_type, crs
        As for ``parameterAsSink``.
    transaction : OutputTransaction, optional
        The run's outputs, moved (or copied into their database) together at its commit.

    Returns
    -------
    sink, destination, staged
        ``destination`` is where the layer will be once moved (what the run returns); a
        layer QGIS loads at the end is registered under it. ``staged`` is the layer as written
        (for :func:`check_layer_complete`), None when it is not a file.
    """
    from ..engine.writing import OutputTransaction, atomic_folder_destination

    database_layer = database_layer_destination(algorithm, parameters, name, context)
    server_table = server_table_destination(algorithm, parameters, name, context)
    final = file_destination(algorithm, parameters, name, context)
    if server_table is not None:
        prefix, uri = server_table
        if transaction is None:
            transaction = stack.enter_context(OutputTransaction())
        staged = f"{prefix}:{staged_server_table(uri, name, transaction).uri(False)}"
        final = algorithm.parameterAsOutputLayer(parameters, name, context)
    elif database_layer is not None:
        database, table, geometry_column = database_layer
        staged = stack.enter_context(staged_database_layer(database, table, geometry_column,
                                                           name, transaction))
        final = f"{database}|layername={table}"
    elif final is None:
        return algorithm.parameterAsSink(parameters, name, context, fields, wkb_type, crs) + (None,)
    else:
        staged = stack.enter_context(atomic_folder_destination(final, name, transaction))
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = QgsProcessingOutputLayerDefinition(value)  # its project, name and options
        value.sink = QgsProperty.fromValue(staged)
    else:
        value = staged
    try:
        sink, written = algorithm.parameterAsSink(dict(parameters, **{name: value}), name,
                                                  context, fields, wkb_type, crs)
    except QgsProcessingException as error:
        # QGIS names the staged file (in a '.partial-…' folder) and GDAL's whole SQL: the
        # user's destination is named instead, and SQLite's reason kept.
        shown = database_layer[0] if database_layer is not None else final
        raise QgsProcessingException(
            writer_reason(str(error), None if server_table else staged, shown)) from None
    if database_layer is not None or server_table is not None:
        destination = final
    else:
        # QGIS may add an extension ('points.xyz' -> 'points.xyz.gpkg') or a layer name.
        written_file, _, layer_part = (written or staged).partition("|")
        destination = os.path.join(os.path.dirname(os.path.abspath(final)),
                                   os.path.basename(written_file))
        if layer_part:
            destination += "|" + layer_part
    if written and context.willLoadLayerOnCompletion(written):
        layers = context.layersToLoadOnCompletion()
        layers[destination] = layers.pop(written)
        context.setLayersToLoadOnCompletion(layers)
    if server_table is not None:
        return sink, destination, staged
    return sink, destination, written or staged


def writer_reason(text, staged=None, destination=None):
    """A reason QGIS or GDAL gave for a layer that could not be written, fit to show: the
    staged file (and its staging folder) named as the user's ``destination``, and the SQL
    statement SQLite failed on left out (a GeoPackage's creation quotes kilobytes of it) with
    SQLite's own reason kept.

    Parameters
    ----------
    text : str
    staged : str, optional
        The file written instead of ``destination`` (:func:`staged_sink`).
    destination : str, optional
    """
    text = str(text).strip()
    if staged and destination:
        text = text.replace(staged, destination)
        staging, folder = os.path.dirname(staged), os.path.dirname(os.path.abspath(destination))
        text = text.replace(staging + os.sep, folder + os.sep).replace(staging, folder)
    # "sqlite3_exec(CREATE TABLE …) failed: database or disk is full": the reason only.
    return re.sub(r"sqlite3_exec\(.*?\) failed: ", "", text, flags=re.DOTALL)


def check_layer_complete(staged, expected_features, parameter):
    """Refuse a written layer that does not hold every feature handed to its sink.

    A GeoPackage commits its features when the sink is closed; when that fails (a full disk),
    GDAL says so on its error stream only and the file has no layer. The layer is opened again
    and its features counted.

    Parameters
    ----------
    staged : str or None
        The layer as written (``staged_sink``'s third value); None: nothing to check.
    expected_features : int
    parameter : str

    Raises
    ------
    QgsProcessingException
    """
    from qgis.core import QgsProcessingException, QgsVectorLayer
    from qgis.PyQt.QtCore import QCoreApplication

    if staged is None:
        return
    prefix, _, source = staged.partition(":")
    if prefix.lower() in SERVER_PROVIDERS:
        layer = QgsVectorLayer(source, "written", SERVER_PROVIDERS[prefix.lower()])
    else:
        layer = QgsVectorLayer(staged, "written", "ogr")
    found = layer.featureCount() if layer.isValid() else -1
    del layer  # closes the file before it is moved
    if found != expected_features:
        raise QgsProcessingException(QCoreApplication.translate("ColormapDecoder", (
            "{}: the point layer could not be written completely ({} of {} points can be read "
            "back). Is the disk full? Free some space or choose another destination; no output "
            "was changed.")).format(parameter, max(found, 0), expected_features))
