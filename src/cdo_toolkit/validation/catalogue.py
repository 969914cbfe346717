"""The error catalogue: Frictionless's error types, titles and messages, and ours.

Names, titles, descriptions and message templates of the Frictionless types are those
of frictionless-py (a test keeps them equal), so a report reads the same whichever engine
wrote it. The types of the registry's own checks follow the same shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdo_toolkit.i18n import N_, _


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
        """The message in the active language; the template's English is the catalogue key."""
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "")), _(self.template))

    @property
    def label(self) -> str:
        """The title in the active language (``title`` stays Frictionless's, for JSON)."""
        return _(self.title)


# Frictionless's notes, which the JSON report keeps as Frictionless writes them; messages
# and reports for people read them in the active language.
CONSTRAINT_NOTE = re.compile(r'^constraint "(?P<name>[^"]+)" is "(?P<value>.*)"$', re.S)
"""A constraint error's note: the constraint broken and its value."""
TYPE_NOTE = re.compile(r'^type is "(?P<type>[^"]+)"$')
"""A type error's note: the field's type and format (``date/%d.%m.%Y``)."""
_NOTES = (
    (CONSTRAINT_NOTE, N_('constraint "{name}" is "{value}"')),
    (TYPE_NOTE, N_('type is "{type}"')),
    (re.compile(r"^the same as in the row at position (?P<row>\d+)$"),
     N_("the same as in the row at position {row}")),
    # A repeated primary key, with its values (ours: Frictionless's note ends at the row).
    (re.compile(r"^the same as in the row at position (?P<row>\d+) \((?P<key>.*)\)$", re.S),
     N_("the same as in the row at position {row} ({key})")),
    (re.compile(
        r'^for "(?P<fields>[^"]*)": values "(?P<values>.*)" not found in the lookup table '
        r'"(?P<table>[^"]*)" as "(?P<target>[^"]*)"$', re.S),
     N_('for "{fields}": values "{values}" not found in the lookup table "{table}" as "{target}"')),
    (re.compile(r'^cells composing the primary keys are all "None"$'),
     N_('cells composing the primary keys are all "None"')),
    (re.compile(r'^at position "(?P<positions>[^"]*)"$'), N_('at position "{positions}"')),
)  # fmt: skip


def readable_note(note: str) -> str:
    """``note`` in the active language, where it is one of Frictionless's notes."""
    for pattern, template in _NOTES:
        match = pattern.match(note)
        if match:
            return _(template).format(**match.groupdict())
    return note


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
            N_("Blank Label"),
            "A label in the header row is missing a value. Label should be provided and not be blank.",
            N_('Label in the header in field at position "{fieldNumber}" is blank'),
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "duplicate-label",
            N_("Duplicate Label"),
            "Two columns in the header row have the same value. Column names should be unique.",
            N_(
                'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: {note}'
            ),
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "missing-label",
            N_("Missing Label"),
            "Based on the schema there should be a label that is missing in the data's header.",
            N_(
                'There is a missing label in the header\'s field "{fieldName}" at position "{fieldNumber}"'
            ),
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "extra-label",
            N_("Extra Label"),
            "The header of the data source contains label that does not exist in the provided schema.",
            N_('There is an extra label "{label}" in header at position "{fieldNumber}"'),
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "incorrect-label",
            N_("Incorrect Label"),
            "One of the data source header does not match the field name defined in the schema.",
            N_(
                'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the '
                "field name in the schema"
            ),
            _TABLE_HEADER,
            "label",
        ),
        ErrorType(
            "extra-cell",
            N_("Extra Cell"),
            _CELL_SHAPE.format("more"),
            N_(
                'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"'
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "missing-cell",
            N_("Missing Cell"),
            _CELL_SHAPE.format("less"),
            N_(
                'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position '
                '"{fieldNumber}"'
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "blank-row",
            N_("Blank Row"),
            "This row is empty. A row should contain at least one value.",
            N_('Row at position "{rowNumber}" is completely blank'),
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "type-error",
            N_("Type Error"),
            "The value does not match the schema type and format for this field.",
            N_(
                'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at '
                'position "{fieldNumber}": {note}'
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "constraint-error",
            N_("Constraint Error"),
            "A field value does not conform to a constraint.",
            N_(
                'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
                '"{fieldNumber}" does not conform to a constraint: {note}'
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "unique-error",
            N_("Unique Error"),
            "This field is a unique field but it contains a value that has been used in another row.",
            N_(
                'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at '
                'position "{fieldNumber}": {note}'
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "primary-key",
            N_("PrimaryKey Error"),
            "Values in the primary key fields should be unique for every row",
            N_('Row at position "{rowNumber}" violates the primary key: {note}'),
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "foreign-key",
            N_("ForeignKey Error"),
            "Values in the foreign key fields should exist in the reference table",
            N_('Row at position "{rowNumber}" violates the foreign key: {note}'),
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "source-error",
            N_("Source Error"),
            "Data reading error because of not supported or inconsistent contents.",
            N_("The data source has not supported or has inconsistent contents: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "encoding-error",
            N_("Encoding Error"),
            "Data reading error because of an encoding problem.",
            N_("The data source could not be successfully decoded: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "scheme-error",
            N_("Scheme Error"),
            "Data reading error because of incorrect scheme.",
            N_("The data source could not be successfully loaded: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "format-error",
            N_("Format Error"),
            "Data reading error because of incorrect format.",
            N_("The data source could not be successfully parsed: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "compression-error",
            N_("Compression Error"),
            "Data reading error because of a decompression problem.",
            N_("The data source could not be successfully decompressed: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "schema-error",
            N_("Schema Error"),
            "Provided schema is not valid.",
            N_("Schema is not valid: {note}"),
            (),
            "source",
        ),
        ErrorType(
            "row-constraint",
            N_("Row Constraint"),
            "The value does not conform to the row constraint.",
            N_("The row at position {rowNumber} has an error: {note}"),
            ("#table", "#row"),
            "row",
        ),
        ErrorType(
            "deviated-value",
            N_("Deviated Value"),
            "The value is deviated.",
            N_("There is a possible error because the value is deviated: {note}"),
            ("#table",),
            "cell",
        ),
        # The registry's own checks.
        ErrorType(
            "ico-checksum",
            N_("IČO Checksum"),
            "An IČO (company number) has eight digits, the last a mod-11 check of the others.",
            N_(
                'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is not a '
                "valid IČO: {note}"
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "code-list",
            N_("Code List"),
            "The value must be one of the codes held by another registered source.",
            N_(
                'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is not in '
                "the code list: {note}"
            ),
            _TABLE_ROW_CELL,
            "cell",
        ),
        ErrorType(
            "null-share",
            N_("Null Share"),
            "The field has more missing values than the registry allows.",
            N_(
                'Field "{fieldName}" at position "{fieldNumber}" has too many missing values: {note}'
            ),
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


def error_types(value: str, option: str) -> frozenset[str]:
    """The error types a comma-separated list names: types, or Frictionless's tags
    (``#header``, ``#row``, ``#cell``, ``#table``) standing for all their types.

    Raises:
        CdoError: a name that is no error type or tag (a typo would pick nothing, or skip
            nothing, silently).
    """
    from cdo_toolkit.errors import CdoError, closest

    tags: dict[str, set[str]] = {}
    for name, kind in CATALOGUE.items():
        for tag in kind.tags:
            tags.setdefault(tag, set()).add(name)
    chosen: set[str] = set()
    for token in (t.strip() for t in value.split(",")):
        if not token:
            continue
        if token in CATALOGUE:
            chosen.add(token)
        elif token in tags:
            chosen |= tags[token]
        else:
            raise CdoError(
                _("{option}: unknown error type {name!r}").format(option=option, name=token),
                hint=closest(
                    token,
                    [*CATALOGUE, *tags],
                    _("types: {types}; tags: {tags}").format(
                        types=", ".join(sorted(CATALOGUE)), tags=", ".join(sorted(tags))
                    ),
                ),
            )
    return frozenset(chosen)
