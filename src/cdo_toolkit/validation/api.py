"""Validating a file: against a registered source, a Table Schema, or as a Data Package.

:func:`validate` is what ``cdo validate`` calls. Bad data and unreadable files become
report errors; what makes the request itself unusable (an unknown source, a schema that
cannot be read, a missing file) raises :class:`~cdo_toolkit.errors.CdoError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.validation.engine import Limits, Reference, TableInput, validate_table
from cdo_toolkit.validation.fields import SchemaSpec, schema_spec
from cdo_toolkit.validation.reader import Dialect
from cdo_toolkit.validation.report import Report, ReportError
from cdo_toolkit.validation.source import is_remote

if TYPE_CHECKING:
    import polars as pl

    from cdo_toolkit.registry import Registry, SourceEntry
    from cdo_toolkit.registry.models import Dialect as RegistryDialect

Progress = Callable[[int, int], None]


@dataclass
class Options:
    """What ``cdo validate`` was asked for, beyond the file."""

    source: str | None = None
    schema: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    """The workbook's sheet: its name, or its number from 1."""
    limits: Limits = field(default_factory=Limits)
    allow_remote: bool = False
    engine: str = "fast"
    references: dict[str, Path] = field(default_factory=dict)
    """Files holding the data of registered sources that foreign keys and code lists point at."""
    stored_keys: Callable[[str, tuple[str, ...]], set[tuple[Any, ...]] | None] | None = None
    """Where a registered source's keys come from when no file is given: the warehouse."""
    place: str | None = None
    """The name shown for the file in the report (the landing copy is named by its hash)."""


def dialect_of(entry: SourceEntry, options: Options) -> Dialect:
    """How a registered source's files are read, with what the options override."""
    return reader_dialect(entry.source.dialect, delimiter=options.delimiter, sheet=options.sheet)


def reader_dialect(
    d: RegistryDialect, *, delimiter: str | None = None, sheet: str | int | None = None
) -> Dialect:
    """A registry entry's dialect (snake-case names, unset keys None) as the reader takes
    it; ``delimiter`` and ``sheet`` override it."""
    return Dialect(
        delimiter=delimiter or d.delimiter,
        quote_char=d.quote_char or '"',
        double_quote=True if d.double_quote is None else d.double_quote,
        escape_char=d.escape_char,
        skip_initial_space=bool(d.skip_initial_space),
        header=d.header,
        header_rows=tuple(d.header_rows) if d.header_rows else None,
        header_join=" " if d.header_join is None else d.header_join,
        comment_char=d.comment_char,
        comment_rows=tuple(d.comment_rows or ()),
        skip_blank_rows=bool(d.skip_blank_rows),
        sheet=d.sheet if sheet is None else sheet,
    )


def source_input(
    entry: SourceEntry, path: Path, options: Options, place: str | None = None
) -> TableInput:
    """The validation input of a file submitted for a registered source."""
    if entry.schema is None:
        raise CdoError(
            _("source {id!r} has no readable Table Schema").format(id=entry.id),
            hint=_("run 'cdo registry lint'"),
        )
    return TableInput(
        path=path,
        name=entry.id,
        place=place or display_path(path),
        schema=schema_spec(entry.schema),
        dialect=dialect_of(entry, options),
        encoding=options.encoding or entry.source.encoding,
        format=entry.source.format.value,
    )


def read_keys(
    source: TableInput, wanted: list[tuple[str, ...]]
) -> dict[tuple[str, ...], set[tuple[Any, ...]]]:
    """The distinct values (as text) of each field tuple in ``wanted``, read from ``source``."""
    import polars as pl

    from cdo_toolkit.validation.engine import _open
    from cdo_toolkit.validation.rules import col
    from cdo_toolkit.validation.source import SourceProblem, detect

    try:
        opened = detect(source.path, declared_format=source.format)
        text, schema = _open(source, opened)
    except SourceProblem:
        return {}
    from cdo_toolkit.validation.engine import TableValidation

    validation = TableValidation(source, schema, text, Limits(errors=0))
    found: dict[tuple[str, ...], set[tuple[Any, ...]]] = {fields: set() for fields in wanted}
    usable = [fields for fields in wanted if all(name in schema.names for name in fields)]
    for frame in text.batches:
        prepared = validation.prepare(frame)
        for fields in usable:
            columns = [col("v", schema.field(name)) for name in fields]
            values = prepared.select([pl.col(c).cast(pl.String) for c in columns]).unique()
            found[fields].update(values.iter_rows())
    return {fields: values for fields, values in found.items() if fields in usable}


def typed_frames(source: TableInput, ragged: list[Any] | None = None) -> Iterator[pl.DataFrame]:
    """The rows of a (valid) table as typed columns named after the schema's fields.

    Values are parsed exactly as validation parsed them (Frictionless semantics); what
    validation passed loads unchanged. Rows with missing or extra cells are not among
    them: once the frames are read, ``ragged`` holds them.
    """
    import polars as pl

    from cdo_toolkit.validation.engine import TableValidation, _open
    from cdo_toolkit.validation.rules import col
    from cdo_toolkit.validation.source import SourceProblem, detect

    try:
        opened = detect(source.path, declared_format=source.format)
        text, schema = _open(source, opened)
    except SourceProblem as problem:
        raise CdoError(problem.note) from None
    validation = TableValidation(source, schema, text, Limits(errors=0))
    present = {f.name for f in validation.fields_present}
    for frame in text.batches:
        prepared = validation.prepare(frame)
        yield prepared.select(
            [
                pl.col(col("v", f)).alias(f.name)
                if f.name in present
                else pl.lit(None).alias(f.name)
                for f in schema.fields
            ]
        )
    if ragged is not None:
        ragged.extend(text.ragged)


def _references(
    registry: Registry, entry: SourceEntry, options: Options
) -> tuple[dict[str, Reference], dict[tuple[str, str], list[str]], list[str]]:
    """Foreign-key targets and code lists of ``entry`` from the files given with --reference,
    and notes on the files given that it does not use."""
    wanted: dict[str, list[tuple[str, ...]]] = {}
    schema = entry.schema or {}
    for fk in schema.get("foreignKeys", []):
        resource = fk.get("reference", {}).get("resource", "")
        if resource:
            fields = fk["reference"]["fields"]
            wanted.setdefault(resource, []).append(
                tuple(fields) if isinstance(fields, list) else (fields,)
            )
    for check in entry.source.checks:
        if check.type == "code-list":
            wanted.setdefault(check.source, []).append((check.source_field,))
    unused = _check_given_references(registry, entry, options, set(wanted))
    references: dict[str, Reference] = {}
    code_lists: dict[tuple[str, str], list[str]] = {}
    for source_id, field_sets in wanted.items():
        path = options.references.get(source_id)
        target = registry.sources.get(source_id)
        if target is None:
            continue
        if path is not None:
            keys = read_keys(source_input(target, path, Options()), field_sets)
        elif options.stored_keys is not None:
            stored = {fields: options.stored_keys(source_id, fields) for fields in field_sets}
            keys = {fields: values for fields, values in stored.items() if values is not None}
            if not keys:
                continue
            unused.append(
                _(
                    "foreign keys and code lists into {id} are checked against its table in "
                    "the warehouse"
                ).format(id=source_id)
            )
        else:
            continue
        references[source_id] = Reference(source_id, keys)
        for fields, values in keys.items():
            if len(fields) == 1:
                code_lists[(source_id, fields[0])] = sorted(
                    v[0] for v in values if v[0] is not None
                )
    return references, code_lists, unused


def _check_given_references(
    registry: Registry, entry: SourceEntry, options: Options, wanted: set[str]
) -> list[str]:
    """Notes on --reference files the source does not use.

    Raises:
        CdoError: a --reference names an unknown source or a missing file: the check it
            was meant for would silently not run.
    """
    uses = ", ".join(sorted(wanted)) or _("none")
    notes = []
    for source_id, path in options.references.items():
        if source_id not in registry.sources:
            raise CdoError(
                _("--reference {id}: unknown source {id!r}").format(id=source_id),
                hint=_("the sources {source} refers to: {uses}").format(source=entry.id, uses=uses),
            )
        if not path.is_file():
            raise CdoError(
                _("--reference {id}: file {file} not found").format(
                    id=source_id, file=display_path(path)
                )
            )
        if source_id not in wanted:
            # A note, not an error: a script may pass the same references to every source.
            notes.append(
                _(
                    "--reference {id} is not used: {source} has no foreign key or code list "
                    "into {id}"
                ).format(id=source_id, source=entry.id)
            )
    return notes


def _report(tasks: list[Any], started: float) -> Report:
    return Report(tasks=tasks, seconds=time.perf_counter() - started)


def validate(
    place: str,
    options: Options | None = None,
    *,
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate the file at ``place``: a table, or a Data Package descriptor.

    Raises:
        CdoError: the request cannot be carried out (see the module docstring).
    """
    options = options or Options()
    started = time.perf_counter()
    from cdo_toolkit.validation.piped import STDIN

    if place == STDIN or is_remote(place):
        return _fetched(place, options, registry, progress)
    path = Path(place)
    if not path.exists():
        raise CdoError(_("file {file} not found").format(file=place))
    if path.is_dir() and (path / "datapackage.json").is_file():
        path = path / "datapackage.json"
    # A zip given for a source or with a schema is that table, zipped, whatever else it holds.
    plain = not (options.source or options.schema)
    if plain and path.suffix.lower() == ".zip" and path.is_file():
        from cdo_toolkit.validation import zipped

        descriptor = zipped.descriptor_in(path)
        if descriptor is not None:
            return _zipped_package(path, descriptor, options, progress, started)
    if path.name.endswith(("datapackage.json", "datapackage.yaml", "datapackage.yml")) or (
        _is_package(path)
    ):
        if options.sheet is not None:
            raise CdoError(
                _("--sheet names a sheet of a workbook, and {file} is none").format(
                    file=display_path(path)
                ),
                hint=_("a Data Package names each resource's sheet in its dialect"),
            )
        from cdo_toolkit.validation.package import validate_package

        return _report(validate_package(path, options, progress), started)
    if options.sheet is not None:
        _refuse_sheet_of_no_workbook(path)
    if options.engine == "frictionless":
        from cdo_toolkit.validation.reference_engine import frictionless_validate

        return frictionless_validate(path, options, registry=registry)
    table, verdict = _table_input(path, options, registry)
    try:
        task = validate_table(table, options.limits, progress)
    except Exception:
        if verdict is not None:
            verdict.result()  # an invalid schema explains the failure better
        raise
    if verdict is not None:
        verdict.result()  # raises CdoError if Frictionless found the schema invalid
    return _report([task], started)


def _refuse_sheet_of_no_workbook(path: Path) -> None:
    from cdo_toolkit.validation.source import WORKBOOK_FORMATS, SourceProblem, detect

    try:
        found = detect(path).format
    except SourceProblem:
        return  # validation reports what the file is not
    if found not in WORKBOOK_FORMATS:
        raise CdoError(
            _("--sheet names a sheet of a workbook, and {file} is none").format(
                file=display_path(path)
            )
        )


def _zipped_package(
    path: Path, descriptor: str, options: Options, progress: Progress | None, started: float
) -> Report:
    """The report of the Data Package shipped in the zip archive at ``path``, its files
    named as the archive holds them."""
    from cdo_toolkit.validation import zipped
    from cdo_toolkit.validation.package import validate_package

    with zipped.unpacked(path) as scratch:
        try:
            tasks = validate_package(scratch / descriptor, options, progress)
        except CdoError as exc:
            exc.message = zipped.named_as_in(exc.message, scratch, path)
            raise
    for task in tasks:
        task.place = zipped.named_as_in(task.place, scratch, path)
    return _report(tasks, started)


def _fetched(
    place: str, options: Options, registry: Registry | None, progress: Progress | None
) -> Report:
    """A table piped in or at a URL, validated from a temporary copy and reported under
    the name it was given by (``stdin``, the URL), not the copy's."""
    from cdo_toolkit.validation.piped import PLACE, STDIN

    if place == STDIN:
        from cdo_toolkit.validation.piped import piped

        fetched, shown = piped(), PLACE
    else:
        if not options.allow_remote:
            raise CdoError(
                _("{place} is a remote URL; remote files are not fetched").format(place=place),
                hint=_("download it first, or pass --allow-remote"),
            )
        from cdo_toolkit.validation.remote import download

        fetched, shown = download(place), place
    with fetched as local:
        report = validate(str(local), options, registry=registry, progress=progress)
        copy = display_path(local)
    for task in report.tasks:
        if task.place.startswith(copy):  # a member of a zip too: "copy.zip, member.csv"
            task.place = shown + task.place[len(copy) :]
    return report


def _is_package(path: Path) -> bool:
    """Whether ``path`` is a Data Package descriptor under another name than
    datapackage.json (an object with ``resources``), as Frictionless tells by content."""
    if path.suffix.lower() not in (".json", ".yaml", ".yml") or not path.is_file():
        return False
    if path.stat().st_size > 16 * 1024 * 1024:
        return False
    import json

    import yaml

    try:
        text = path.read_text("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, OSError, RecursionError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and isinstance(data.get("resources"), list)


def _table_input(
    path: Path, options: Options, registry: Registry | None
) -> tuple[TableInput, Future[None] | None]:
    """The table to validate, and the pending verdict of Frictionless on a --schema file."""
    if options.source:
        if registry is None:
            raise CdoError(_("--source needs the registry"))
        entry = registry.source(options.source)
        table = source_input(entry, path, options, options.place)
        from cdo_toolkit.validation.checks import registry_rules

        references, code_lists, unused = _references(registry, entry, options)
        assert table.schema is not None
        rules, notes = registry_rules(entry.source.checks, table.schema, code_lists)
        table.extra_rules = rules
        table.references = references
        table.notes = notes + unused
        return table, None
    if options.references:
        raise CdoError(
            _("--reference needs --source: the registry says which sources a source refers to")
        )
    schema, verdict, described = (
        load_schema_deferred(options.schema) if options.schema else (None, None, None)
    )
    table = TableInput(
        path=path,
        name=path.name.split(".")[0],
        place=display_path(path),
        schema=schema,
        dialect=Dialect(delimiter=options.delimiter, sheet=options.sheet),
        encoding=options.encoding,
    )
    if described is not None:
        table.dialect = written_as(described, options)
        table.encoding = options.encoding or described.encoding
        table.notes = list(described.notes)
    return table, verdict


def written_as(described: Described, options: Options) -> Dialect:
    """The dialect a CSVW description says, with what the options override."""
    import dataclasses

    d = described.dialect
    return dataclasses.replace(d, delimiter=options.delimiter or d.delimiter, sheet=options.sheet)


def _read_descriptor(path: Path) -> dict[str, Any]:
    from cdo_toolkit.yamlpos import YamlProblem, load_yaml

    if not path.is_file():
        raise CdoError(_("schema file {file} not found").format(file=display_path(path)))
    try:
        descriptor = load_yaml(path, max_bytes=16 * 1024 * 1024).data
    except YamlProblem as problem:
        raise CdoError(problem.render()) from None
    if not isinstance(descriptor, dict):
        raise CdoError(
            _("{file}: a Table Schema must be a JSON object").format(file=display_path(path))
        )
    return descriptor


@dataclass
class Described:
    """How a CSVW description says its file is written, and what it says that a Table
    Schema cannot (notes for the report)."""

    dialect: Dialect
    encoding: str
    notes: list[str]


def schema_of(path: Path) -> tuple[dict[str, Any], Described | None]:
    """The Table Schema a schema file holds: a Table Schema, or the one a CSVW table
    description (``*.csv-metadata.json``) amounts to, with how it says the file is written."""
    descriptor = _read_descriptor(path)
    from cdo_toolkit.csvw import is_description, read_description

    if not is_description(descriptor):
        return descriptor, None
    try:
        schema, reading, notes = read_description(descriptor)
    except (AttributeError, TypeError, ValueError, KeyError):  # a column not an object…
        raise CdoError(
            _("{file}: not a valid CSVW table description").format(file=display_path(path)),
            hint=_("see https://www.w3.org/TR/tabular-metadata/"),
        ) from None
    encoding = reading.pop("encoding")
    return schema, Described(Dialect(**reading), encoding, notes)


def judged_schema(path: Path) -> tuple[dict[str, Any], Described | None]:
    """:func:`schema_of`, the Table Schema judged by Frictionless.

    Raises:
        CdoError: the file is missing, unreadable, or not a valid Table Schema.
    """
    descriptor, described = schema_of(path)
    _judge(path, descriptor)
    return descriptor, described


def _judge(path: Path, descriptor: dict[str, Any]) -> None:
    from frictionless import Schema

    report = Schema.validate_descriptor(descriptor)
    if not report.valid:
        note = report.errors[0].note if report.errors else "invalid"
        raise CdoError(
            _("{file}: not a valid Table Schema: {note}").format(
                file=display_path(path), note=note
            ),
            hint=_("see https://specs.frictionlessdata.io/table-schema/"),
        )


def load_schema(path: Path) -> SchemaSpec:
    """A Table Schema file (JSON or YAML), judged by Frictionless.

    Raises:
        CdoError: the file is missing, unreadable, or not a valid Table Schema.
    """
    descriptor = _read_descriptor(path)
    _judge(path, descriptor)
    return schema_spec(descriptor)


def load_schema_deferred(path: Path) -> tuple[SchemaSpec, Future[None], Described | None]:
    """A Table Schema file (or CSVW description) read now and judged by Frictionless in a
    thread meanwhile.

    Frictionless's judgement (importing it, building its JSON Schema validators) is
    Python work that overlaps with the data work, which runs outside the GIL. A
    descriptor too broken to be read at all is judged at once.
    """
    descriptor, described = schema_of(path)
    try:
        spec = schema_spec(descriptor)
        from cdo_toolkit.validation.rules import schema_rules

        schema_rules(spec)
    except (KeyError, TypeError, AttributeError, ValueError):
        _judge(path, descriptor)
        raise CdoError(
            _("{file}: not a valid Table Schema").format(file=display_path(path))
        ) from None
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdo-schema")
    verdict = executor.submit(_judge, path, descriptor)
    executor.shutdown(wait=False)
    return spec, verdict, described


__all__ = ["Options", "Report", "ReportError", "validate"]
