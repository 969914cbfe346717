"""The registry's checks beyond Table Schema, compiled to rules.

IČO checksum, membership in a code list held by another registered source, values
deviating from the mean, a largest share of missing values, and row rules across fields.
Each keeps its severity: ``error`` makes the file invalid, ``warning`` is reported only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdo_toolkit.i18n import _
from cdo_toolkit.validation.fields import SchemaSpec
from cdo_toolkit.validation.rules import Rule, col


def registry_rules(
    checks: Sequence[Any], schema: SchemaSpec, code_lists: dict[tuple[str, str], list[str]]
) -> tuple[list[Rule], list[str]]:
    """Rules for a source's registry checks, and notes on checks that could not run.

    ``code_lists`` holds the codes of (source, field) pairs that are available.
    """
    rules: list[Rule] = []
    notes: list[str] = []
    for number, check in enumerate(checks, start=1):
        severity = str(check.severity)
        spec = schema.field(check.field) if getattr(check, "field", None) in schema.names else None
        rule_id = f"check{number}:{check.type}"
        if check.type == "ico" and spec:
            rules.append(
                Rule(
                    rule_id,
                    "ico",
                    "ico-checksum",
                    _("the check digit does not match"),
                    spec,
                    severity=severity,
                )
            )
        elif check.type == "code-list" and spec:
            codes = code_lists.get((check.source, check.source_field))
            if codes is None:
                notes.append(
                    _(
                        "code list {field} → {source}.{source_field}: not checked, "
                        "the data of {source} is not available"
                    ).format(
                        field=check.field, source=check.source, source_field=check.source_field
                    )
                )
                continue
            rules.append(
                Rule(
                    rule_id,
                    "code-list",
                    "code-list",
                    _('not among the codes of "{source}" ({source_field})').format(
                        source=check.source, source_field=check.source_field
                    ),
                    spec,
                    severity=severity,
                    params={"codes": codes},
                )
            )
        elif check.type == "deviation" and spec:
            rules.append(
                Rule(
                    rule_id,
                    "deviation",
                    "deviated-value",
                    "",
                    spec,
                    severity=severity,
                    params={"sigma": check.sigma},
                )
            )
        elif check.type == "null-share" and spec:
            rules.append(
                Rule(
                    rule_id,
                    "null-share",
                    "null-share",
                    "",
                    spec,
                    severity=severity,
                    params={"max": check.max},
                )
            )
        elif check.type == "row-rule":
            _refuse_if_mistyped(check, schema)
            columns = {f.name: col("v", f) for f in schema.fields}
            rules.append(
                Rule(
                    f"check{number}:{check.name}",
                    "row-rule",
                    "row-constraint",
                    _('the row rule "{name}" ({expression}) is not met').format(
                        name=check.name, expression=check.expression
                    ),
                    None,
                    severity=severity,
                    params={
                        "name": check.name,
                        "expression": check.expression,
                        "columns": columns,
                        "dates": frozenset(f.name for f in schema.fields if f.type == "date"),
                        "message": check.message,
                    },
                )
            )
    return rules, notes


def _refuse_if_mistyped(check: Any, schema: SchemaSpec) -> None:
    """A row rule comparing text with a number, or naming a field the schema lacks, cannot
    run on a file nor in the warehouse: refused here, before either, as `cdo registry lint`
    does (which scoring, loading the registry quickly, does not run)."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.validation.expressions import ExpressionError, mistyped

    try:
        said = mistyped(check.name, check.expression, {f.name: f.type for f in schema.fields})
    except ExpressionError as error:  # a field the schema lacks, or no usable SQL
        said = _('the row rule "{name}" ({expression}) cannot be used: {reason}').format(
            name=check.name, expression=check.expression, reason=error
        )
    if said:
        raise CdoError(said, hint=_("cdo registry lint shows where it is"))
