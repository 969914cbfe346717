"""The error catalogue: Frictionless's error types, titles and messages, and ours.

Names, titles, descriptions and message templates of the Frictionless types are those
of frictionless-py (a test keeps them equal), so a report reads the same whichever engine
wrote it. The types of the registry's own checks follow the same shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorType:
    type: str
    title: str
    description: str
    template: str
    tags: tuple[str, ...]
    scope: str
    """``label``, ``row``, ``cell`` or ``source``: which keys the error carries."""

    def message(self, **values: object) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "")), self.template)


_TABLE_HEADER = ("#table", "#header", "#label")
_TABLE_ROW_CELL = ("#table", "#row", "#cell")
_CELL_SHAPE = (
    "This row has {} values compared to the header row (the first row in the data source). "
    "A key concept is that all the rows in tabular data must have the same number of columns."
)

CATALOGUE: dict[str, ErrorType] = {
    e.type: e
    for e in (
        ErrorType(
            "blank-label",
            "Blank Label",
            "A label in the header row is missing a value. Label should be provided and not be blank.",
            'Label in the header in field at position "{fieldNumber}" is blank',
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "duplicate-label",
            "Duplicate Label",
            "Two columns in the header row have the same value. Column names should be unique.",
            'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: {note}',
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "missing-label",
            "Missing Label",
            "Based on the schema there should be a label that is missing in the data's header.",
            'There is a missing label in the header\'s field "{fieldName}" at position "{fieldNumber}"',
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "extra-label",
            "Extra Label",
            "The header of the data source contains label that does not exist in the provided schema.",
            'There is an extra label "{label}" in header at position "{fieldNumber}"',
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "incorrect-label",
            "Incorrect Label",
            "One of the data source header does not match the field name defined in the schema.",
            'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the '
            "field name in the schema",
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "extra-cell",
            "Extra Cell",
            _CELL_SHAPE.format("more"),
            'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"',
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "missing-cell",
            "Missing Cell",
            _CELL_SHAPE.format("less"),
            'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position '
            '"{fieldNumber}"',
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "blank-row",
            "Blank Row",
            "This row is empty. A row should contain at least one value.",
            'Row at position "{rowNumber}" is completely blank',
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "type-error",
            "Type Error",
            "The value does not match the schema type and format for this field.",
            'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at '
            'position "{fieldNumber}": {note}',
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "constraint-error",
            "Constraint Error",
            "A field value does not conform to a constraint.",
            'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
            '"{fieldNumber}" does not conform to a constraint: {note}',
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "unique-error",
            "Unique Error",
            "This field is a unique field but it contains a value that has been used in another row.",
            'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at '
            'position "{fieldNumber}": {note}',
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "primary-key",
            "PrimaryKey Error",
            "Values in the primary key fields should be unique for every row",
            'Row at position "{rowNumber}" violates the primary key: {note}',
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "foreign-key",
            "ForeignKey Error",
            "Values in the foreign key fields should exist in the reference table",
            'Row at position "{rowNumber}" violates the foreign key: {note}',
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "source-error",
            "Source Error",
            "Data reading error because of not supported or inconsistent contents.",
            "The data source has not supported or has inconsistent contents: {note}",
            (),
            "source",
        ),
        ErrorType(
            "encoding-error",
            "Encoding Error",
            "Data reading error because of an encoding problem.",
            "The data source could not be successfully decoded: {note}",
            (),
            "source",
        ),
        ErrorType(
            "scheme-error",
            "Scheme Error",
            "Data reading error because of incorrect scheme.",
            "The data source could not be successfully loaded: {note}",
            (),
            "source",
        ),
        ErrorType(
            "format-error",
            "Format Error",
            "Data reading error because of incorrect format.",
            "The data source could not be successfully parsed: {note}",
            (),
            "source",
        ),
        ErrorType(
            "compression-error",
            "Compression Error",
            "Data reading error because of a decompression problem.",
            "The data source could not be successfully decompressed: {note}",
            (),
            "source",
        ),
        ErrorType(
            "schema-error",
            "Schema Error",
            "Provided schema is not valid.",
            "Schema is not valid: {note}",
            (),
            "source",
        ),
        ErrorType(
            "row-constraint",
            "Row Constraint",
            "The value does not conform to the row constraint.",
            "The row at position {rowNumber} has an error: {note}",
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "deviated-value",
            "Deviated Value",
            "The value is deviated.",
            "There is a possible error because the value is deviated: {note}",
            ("#table",),
            "cell",
        ),
        # The registry's own checks.
        ErrorType(
            "ico-checksum",
            "IČO Checksum",
            "An IČO (company number) has eight digits, the last a mod-11 check of the others.",
            'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is not a '
            "valid IČO: {note}",
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "code-list",
            "Code List",
            "The value must be one of the codes held by another registered source.",
            'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is not in '
            "the code list: {note}",
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "null-share",
            "Null Share",
            "The field has more missing values than the registry allows.",
            'Field "{fieldName}" at position "{fieldNumber}" has too many missing values: {note}',
            ("#table",),
            "field",
        ),
    )
}

ROW_ORDER = {
    name: order
    for order, name in enumerate(
        (
            "type-error",
            "constraint-error",
            "ico-checksum",
            "code-list",
            "deviated-value",
            "extra-cell",
            "missing-cell",
            "unique-error",
            "primary-key",
            "foreign-key",
            "row-constraint",
            "blank-row",
        )
    )
}
"""Order of errors within a row in listings, as Frictionless emits them."""
