"""Checks that need the whole table: primary key, unique fields, foreign keys, statistics.

They run once the batches have streamed by, on the few columns kept from each batch,
with the semantics of Frictionless: a repeated key is reported at its later rows, a key
whose cells are all missing is an error of its own, a foreign key whose cells are all
missing is not checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdo_toolkit.i18n import _, decimal
from cdo_toolkit.validation.report import ReportError, Task
from cdo_toolkit.validation.rules import col

if TYPE_CHECKING:
    import polars as pl

    from cdo_toolkit.validation.engine import TableValidation


def table_checks(validation: TableValidation, table: pl.DataFrame, task: Task) -> None:
    _primary_key(validation, table)
    _unique(validation, table)
    _foreign_keys(validation, table, task)
    _statistics(validation, table)


def _list(
    validation: TableValidation, error_type: str, field: str, rows: pl.DataFrame, make: object
) -> None:
    collector = validation.collector
    if not collector.count(error_type, field, rows.height):
        return
    for item in rows.head(validation.limits.errors).iter_rows(named=True):
        collector.add(make(item))  # type: ignore[operator]


def _primary_key(validation: TableValidation, table: pl.DataFrame) -> None:
    import polars as pl

    names = validation.schema.primary_key
    if not names or any(n not in validation.schema.names for n in names):
        return
    columns = [col("v", validation.schema.field(n)) for n in names]
    keys = [_as_text(pl.col(c)).alias(f"k{i}") for i, c in enumerate(columns)]
    all_null = pl.all_horizontal([pl.col(c).is_null() for c in columns])
    flagged = _repeated(table, columns, ~all_null).with_columns(pl.lit(False).alias("all_null"))
    nulls = table.filter(all_null).select(
        "row", pl.lit(True).alias("all_null"), pl.lit(None, dtype=pl.Int64).alias("previous")
    )
    flagged = pl.concat(
        [
            flagged.select("row", "all_null", "previous", *keys),
            nulls.with_columns(
                pl.lit(None, dtype=pl.String).alias(f"k{i}") for i in range(len(keys))
            ),
        ]
    ).sort("row")

    def make(item: dict[str, object]) -> ReportError:
        # Frictionless's note, and the repeated key's values, so that the row can be found
        # by what it holds as well as by its number.
        value = ", ".join(f'{name} "{item[f"k{i}"]}"' for i, name in enumerate(names))
        note = (
            'cells composing the primary keys are all "None"'
            if item["all_null"]
            else f"the same as in the row at position {item['previous']} ({value})"
        )
        return ReportError("primary-key", note=note, row_number=int(item["row"]))  # type: ignore[call-overload]

    _list(validation, "primary-key", "", flagged, make)


def _repeated(table: pl.DataFrame, columns: list[str], considered: pl.Expr) -> pl.DataFrame:
    """Rows (among ``considered``) whose key occurred before, with the row of its previous occurrence."""
    import polars as pl

    candidates = table.filter(considered)
    key = pl.col(columns[0]) if len(columns) == 1 else pl.struct(columns)
    repeated = candidates.filter(~key.is_first_distinct())
    if repeated.height == 0:
        return repeated.select("row", *columns).with_columns(
            pl.lit(None, dtype=pl.Int64).alias("previous")
        )
    # Only the keys that repeat are looked at again, to find each repetition's previous row.
    involved = candidates.join(
        repeated.select(columns).unique(), on=columns, how="semi", nulls_equal=True
    )
    with_previous = involved.sort("row").with_columns(
        pl.col("row").shift().over(columns).alias("previous")
    )
    return with_previous.join(repeated.select("row"), on="row", how="semi").sort("row")


def _unique(validation: TableValidation, table: pl.DataFrame) -> None:
    import polars as pl

    for spec in validation.schema.fields:
        if not spec.constraints.get("unique"):
            continue
        column = col("v", spec)
        flagged = _repeated(table, [column], pl.col(column).is_not_null()).select(
            "row", pl.col(column).alias("value"), "previous"
        )

        def make(item: dict[str, object], spec=spec) -> ReportError:  # type: ignore[no-untyped-def]
            return ReportError(
                "unique-error",
                note=f"the same as in the row at position {item['previous']}",
                row_number=int(item["row"]),  # type: ignore[call-overload]
                field_name=spec.name,
                field_number=spec.number,
                cell=str(item["value"]),
            )

        _list(validation, "unique-error", spec.name, flagged, make)


def _as_text(expr: pl.Expr) -> pl.Expr:
    import polars as pl

    return expr.cast(pl.String)


def _foreign_keys(validation: TableValidation, table: pl.DataFrame, task: Task) -> None:
    import polars as pl

    schema = validation.schema
    for fk in schema.foreign_keys:
        if any(n not in schema.names for n in fk.fields):
            continue
        columns = [col("v", schema.field(n)) for n in fk.fields]
        if fk.resource == "":
            if any(n not in schema.names for n in fk.reference_fields):
                continue
            ref_columns = [col("v", schema.field(n)) for n in fk.reference_fields]
            reference = table.select(
                [_as_text(pl.col(c)).alias(f"k{i}") for i, c in enumerate(ref_columns)]
            ).unique()
        else:
            target = validation.source.references.get(fk.resource)
            values = target.keys.get(fk.reference_fields) if target else None
            if values is None:
                task.notes.append(
                    _(
                        "foreign key {fields} → {resource}.{ref}: not checked, the data of {resource} is not available"
                    ).format(
                        fields=", ".join(fk.fields),
                        resource=fk.resource,
                        ref=", ".join(fk.reference_fields),
                    )
                )
                continue
            reference = pl.DataFrame(
                list(values),
                schema={f"k{i}": pl.String for i in range(len(fk.fields))},
                orient="row",
            )
        validation.checked_foreign_keys.append(fk)
        probe = table.select(
            "row",
            *[_as_text(pl.col(c)).alias(f"k{i}") for i, c in enumerate(columns)],
        ).filter(~pl.all_horizontal([pl.col(f"k{i}").is_null() for i in range(len(columns))]))
        missing = probe.join(
            reference, on=[f"k{i}" for i in range(len(columns))], how="anti", nulls_equal=True
        ).sort("row")

        def make(item: dict[str, object], fk=fk) -> ReportError:  # type: ignore[no-untyped-def]
            values_text = ", ".join(
                "None" if item[f"k{i}"] is None else str(item[f"k{i}"])
                for i in range(len(fk.fields))
            )
            return ReportError(
                "foreign-key",
                note=(
                    f'for "{", ".join(fk.fields)}": values "{values_text}" not found in the lookup table '
                    f'"{fk.resource}" as "{", ".join(fk.reference_fields)}"'
                ),
                row_number=int(item["row"]),  # type: ignore[call-overload]
            )

        _list(validation, "foreign-key", "", missing, make)


def _statistics(validation: TableValidation, table: pl.DataFrame) -> None:
    import polars as pl

    rows = task_rows = table.height
    for rule in validation.rules:
        if rule.row_level or rule.field is None:
            continue
        spec = rule.field
        warning = rule.severity == "warning"
        if rule.kind == "deviation":
            column = pl.col(col("v", spec)).cast(pl.Float64, strict=False)
            stats = table.select(column.mean().alias("mean"), column.std().alias("std")).row(
                0, named=True
            )
            if stats["mean"] is None or not stats["std"]:
                continue
            sigma = float(rule.params.get("sigma", 3))
            low, high = stats["mean"] - sigma * stats["std"], stats["mean"] + sigma * stats["std"]
            flagged = table.select("row", column.alias("value")).filter(
                ~pl.col("value").is_between(low, high)
            )
            note = _(
                "value outside the average {mean} ± {sigma} standard deviations ({low} to {high})"
            ).format(
                mean=decimal(stats["mean"], ".4g"),
                sigma=decimal(sigma, "g"),
                low=decimal(low, ".4g"),
                high=decimal(high, ".4g"),
            )
            if validation.collector.count(
                "deviated-value", spec.name, flagged.height, warning=warning
            ):
                for item in flagged.head(validation.limits.errors).iter_rows(named=True):
                    validation.collector.add(
                        ReportError(
                            "deviated-value",
                            note=note,
                            row_number=item["row"],
                            field_name=spec.name,
                            field_number=spec.number,
                            cell=str(item["value"]),
                        ),
                        warning=warning,
                    )
        elif rule.kind == "null-share":
            missing = validation.missing_counts.get(spec.number, 0)
            share = 100.0 * missing / task_rows if task_rows else 0.0
            limit = float(rule.params["max"])
            if share > limit and validation.collector.count(
                "null-share", spec.name, 1, warning=warning
            ):
                validation.collector.add(
                    ReportError(
                        "null-share",
                        note=_("missing cells: {share} %; the most allowed is {limit} %").format(
                            share=decimal(share), limit=decimal(limit, "g")
                        ),
                        field_name=spec.name,
                        field_number=spec.number,
                    ),
                    warning=warning,
                )
    del rows
