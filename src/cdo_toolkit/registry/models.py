"""The registry's data model: organisations, guarantors, quality standards and sources.

Each model forbids unknown keys, so a typo in a YAML key is an error, not a silently
ignored setting. Field descriptions become the published JSON Schema
(``cdo registry schema``) that editors use to complete and check registry files.
"""

from __future__ import annotations

import codecs
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TABLE_PATTERN = r"^[a-z_][a-z0-9_]*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=64,
        description="Stable identifier: lower-case letters, digits and '-', "
        "starting with a letter or digit.",
    ),
]
Ref = Annotated[str, Field(description="The id of another registry entry.")]
Percent = Annotated[float, Field(ge=0, le=100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Theme(StrEnum):
    """The region's themes, each mapped to an EU data theme for publication."""

    TRANSPORT = "transport"
    EDUCATION = "education"
    HEALTH = "health"
    ENVIRONMENT = "environment"
    TOURISM = "tourism"
    FINANCE = "finance"
    TERRITORY = "territory"
    SOCIAL = "social"
    CULTURE = "culture"
    SAFETY = "safety"
    ECONOMY = "economy"
    POPULATION = "population"
    AGRICULTURE = "agriculture"
    ENERGY = "energy"
    GOVERNMENT = "government"


EU_THEME = {
    Theme.TRANSPORT: "TRAN",
    Theme.EDUCATION: "EDUC",
    Theme.HEALTH: "HEAL",
    Theme.ENVIRONMENT: "ENVI",
    Theme.TOURISM: "EDUC",  # the EU vocabulary files tourism under "Education, culture and sport"
    Theme.FINANCE: "ECON",
    Theme.TERRITORY: "REGI",
    Theme.SOCIAL: "SOCI",
    Theme.CULTURE: "EDUC",
    Theme.SAFETY: "JUST",
    Theme.ECONOMY: "ECON",
    Theme.POPULATION: "SOCI",
    Theme.AGRICULTURE: "AGRI",
    Theme.ENERGY: "ENER",
    Theme.GOVERNMENT: "GOVE",
}


class Frequency(StrEnum):
    """Update frequency, from the EU frequency vocabulary (publications office authority table)."""

    CONT = "CONT"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    BIWEEKLY = "BIWEEKLY"
    MONTHLY = "MONTHLY"
    BIMONTHLY = "BIMONTHLY"
    QUARTERLY = "QUARTERLY"
    ANNUAL_2 = "ANNUAL_2"
    ANNUAL = "ANNUAL"
    BIENNIAL = "BIENNIAL"
    IRREG = "IRREG"
    NEVER = "NEVER"
    UNKNOWN = "UNKNOWN"


FREQUENCY_DAYS: dict[Frequency, float | None] = {
    Frequency.CONT: 1,
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 7,
    Frequency.BIWEEKLY: 14,
    Frequency.MONTHLY: 31,
    Frequency.BIMONTHLY: 62,
    Frequency.QUARTERLY: 92,
    Frequency.ANNUAL_2: 183,
    Frequency.ANNUAL: 366,
    Frequency.BIENNIAL: 731,
    Frequency.IRREG: None,
    Frequency.NEVER: None,
    Frequency.UNKNOWN: None,
}
"""The longest expected gap between two submissions, in days (None: no expectation)."""


class OrganisationKind(StrEnum):
    REGIONAL_OFFICE = "regional-office"
    REGIONAL_ORGANISATION = "regional-organisation"
    EXTERNAL = "external"


class Organisation(_Model):
    """A body that publishes or provides data.

    The regional office, a regional organisation, or an external provider such as ČHMÚ.
    """

    id: Id
    name: str = Field(min_length=1, description="Official name, in Czech.")
    kind: OrganisationKind
    ico: str | None = Field(
        default=None,
        pattern=r"^\d{8}$",
        description="IČO, 8 digits as a quoted string (leading zeros kept).",
    )
    iri: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="The public-body IRI used as publisher in the national catalogue.",
    )
    homepage: str | None = Field(default=None, pattern=r"^https?://")


class Guarantor(_Model):
    """A data steward who answers for the sources assigned to them."""

    id: Id
    name: str = Field(min_length=1)
    organisation: Ref = Field(description="Id of the organisation the guarantor works for.")
    department: str | None = Field(default=None, description="Department or unit, in Czech.")
    email: str = Field(pattern=EMAIL_PATTERN)
    phone: str | None = None


class Dimension(StrEnum):
    COMPLETENESS = "completeness"
    VALIDITY = "validity"
    UNIQUENESS = "uniqueness"
    TIMELINESS = "timeliness"
    CONSISTENCY = "consistency"
    METADATA = "metadata"


class Thresholds(_Model):
    """Least acceptable score of each quality dimension, 0–100."""

    completeness: Percent
    validity: Percent
    uniqueness: Percent
    timeliness: Percent
    consistency: Percent | None = None
    metadata: Percent | None = None


class Weights(_Model):
    """Relative weight of each dimension in a source's overall score."""

    completeness: float = Field(default=1, ge=0)
    validity: float = Field(default=1, ge=0)
    uniqueness: float = Field(default=1, ge=0)
    timeliness: float = Field(default=1, ge=0)
    consistency: float = Field(default=1, ge=0)
    metadata: float = Field(default=1, ge=0)


class Standard(_Model):
    """A quality standard (tier) that sources are held to."""

    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    thresholds: Thresholds
    weights: Weights | None = None
    max_error_rows: Percent = Field(
        default=0,
        description="Largest share of rows, in percent, that may carry value errors (type, constraint, "
        "registry checks) for a submission still to be accepted; such cells load as empty. Errors of "
        "structure, header or keys always reject.",
    )
    max_volume_change: Percent | None = Field(
        default=None,
        description="Largest accepted change in row count from the previous accepted load, "
        "in percent.",
    )


class Dialect(_Model):
    """How a CSV file is written; names follow the Frictionless CSV dialect."""

    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    quote_char: str | None = Field(default=None, min_length=1, max_length=1)
    double_quote: bool | None = None
    escape_char: str | None = Field(default=None, min_length=1, max_length=1)
    skip_initial_space: bool | None = None
    header: bool | None = Field(default=None, description="False for a file without a header row.")
    header_rows: list[int] | None = Field(
        default=None, min_length=1, description="Rows that hold the header (detected when absent)."
    )
    header_join: str | None = Field(
        default=None, description="What joins the labels of several header rows (a space)."
    )
    comment_char: str | None = Field(
        default=None, min_length=1, description="Rows whose first cell starts with it are left out."
    )
    comment_rows: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        min_length=1,
        description="Rows left out by number: a title, notes, a row numbering the columns.",
    )
    skip_blank_rows: bool | None = Field(
        default=None, description="True to leave out blank rows rather than report them."
    )
    sheet: str | int | None = Field(
        default=None, description="Sheet name or number of an .xlsx, .xls or .ods file."
    )


class PersonalData(_Model):
    """Whether a source holds personal data, and on what terms."""

    contains: bool
    columns: list[str] = Field(
        default_factory=list, description="Columns with personal data, masked in every output."
    )
    legal_basis: str | None = Field(
        default=None, description="Legal basis of the processing (GDPR art. 6)."
    )
    retention: str | None = Field(
        default=None,
        pattern=r"^P(\d+Y)?(\d+M)?(\d+D)?$",
        description="Retention period, ISO 8601 (P10Y).",
    )


class LoadMode(StrEnum):
    REPLACE = "replace"
    APPEND = "append"
    UPSERT = "upsert"


class WarehouseTarget(_Model):
    """Where an accepted submission is loaded: table ``raw.<table>``."""

    table: str = Field(pattern=TABLE_PATTERN, max_length=63)
    load_mode: LoadMode = LoadMode.REPLACE


class Access(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class FileFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    JSON = "json"


class CheckSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class _CheckBase(_Model):
    severity: CheckSeverity = CheckSeverity.ERROR
    description: str | None = Field(default=None, description="Why the check exists, in Czech.")


class IcoCheck(_CheckBase):
    """Values of the field are IČO with a valid mod-11 check digit."""

    type: Literal["ico"]
    field: str


class CodeListCheck(_CheckBase):
    """Values of the field are codes held by another registered source (e.g. RÚIAN municipalities)."""

    type: Literal["code-list"]
    field: str
    source: Ref = Field(description="Id of the source that holds the code list.")
    source_field: str = Field(description="The field of that source that holds the codes.")


class DeviationCheck(_CheckBase):
    """Numeric values lie within ``sigma`` standard deviations of the field's mean."""

    type: Literal["deviation"]
    field: str
    sigma: float = Field(default=3.0, gt=0)
    severity: CheckSeverity = CheckSeverity.WARNING


class NullShareCheck(_CheckBase):
    """At most ``max`` percent of the field's cells are missing."""

    type: Literal["null-share"]
    field: str
    max: Percent
    severity: CheckSeverity = CheckSeverity.WARNING


class RowRuleCheck(_CheckBase):
    """Every row satisfies a condition across fields, an SQL boolean expression."""

    type: Literal["row-rule"]
    name: str = Field(pattern=ID_PATTERN)
    expression: str = Field(
        min_length=1, description="e.g. 'upraveny_rozpocet >= 0 OR skutecnost IS NULL'"
    )
    message: str | None = Field(default=None, description="What the row breaks, for the report.")


Check = Annotated[
    IcoCheck | CodeListCheck | DeviationCheck | NullShareCheck | RowRuleCheck,
    Field(discriminator="type"),
]


class Source(_Model):
    """A data source of the region: what it holds, who answers for it, and how good it must be."""

    id: Id
    title: str = Field(min_length=1, description="Title, in Czech.")
    description: str = Field(min_length=1, description="What the source holds, in Czech.")
    theme: Theme
    keywords: list[str] = Field(default_factory=list)
    guarantor: Ref
    publisher: Ref = Field(
        description="Id of the organisation that publishes or provides the data."
    )
    standard: Ref
    update_frequency: Frequency
    licence: str = Field(
        min_length=1, description="SPDX id (CC-BY-4.0, CC0-1.0) or the URL of the terms of use."
    )
    access: Access = Access.PUBLIC
    personal_data: PersonalData
    format: FileFormat = FileFormat.CSV
    encoding: str | None = Field(
        default=None, description="Text encoding, e.g. windows-1250 or utf-8-sig."
    )
    dialect: Dialect = Field(default_factory=Dialect)
    table_schema: str | dict[str, Any] = Field(
        alias="schema",
        description="Frictionless Table Schema: inline, or the path of a .json/.yaml file "
        "relative to the registry.",
    )
    warehouse: WarehouseTarget
    checks: list[Check] = Field(
        default_factory=list, description="Checks beyond the Table Schema, each with its severity."
    )
    homepage: str | None = Field(default=None, pattern=r"^https?://")
    documentation: str | None = Field(default=None, pattern=r"^https?://")
    spatial: str | None = Field(
        default=None, description="RÚIAN code of the area covered; the region's by default."
    )
    download_url: str | None = Field(
        default=None,
        pattern=r"^https://",
        description="Where the published file is downloaded; the catalogue's template by default.",
    )

    @field_validator("personal_data", mode="before")
    @classmethod
    def _bool_means_contains(cls, value: Any) -> Any:
        return {"contains": value} if isinstance(value, bool) else value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value


class Build(_Model):
    """A derived dataset: a SELECT over warehouse tables, built into ``<schema>.<table>``."""

    id: Id
    title: str = Field(min_length=1, description="Title, in Czech.")
    description: str = Field(min_length=1)
    sql: str = Field(
        description="Path of the .sql file (one SELECT, DuckDB dialect), relative to the registry."
    )
    schema_name: str = Field(default="mart", alias="schema", pattern=TABLE_PATTERN, max_length=63)
    table: str = Field(pattern=TABLE_PATTERN, max_length=63)
    guarantor: Ref | None = None


class Defaults(_Model):
    """Values that ``cdo registry add`` fills in when an option does not give them."""

    guarantor: Ref | None = None
    publisher: Ref | None = None
    standard: Ref | None = None
    theme: Theme | None = None
    licence: str | None = None
    update_frequency: Frequency | None = None


class Region(_Model):
    name: str
    ruian: str = Field(pattern=r"^\d+$", description="RÚIAN code of the region (VÚSC).")
    iri: str | None = Field(default=None, pattern=r"^https?://")


class Catalog(_Model):
    """The region's local open-data catalogue (LKOD), which ``cdo catalog export`` writes."""

    iri: str = Field(
        pattern=r"^https://", description="Where the catalogue's records are published."
    )
    title: str = Field(min_length=1, description="Title of the catalogue, in Czech.")
    description: str = Field(min_length=1, description="What the catalogue holds, in Czech.")
    homepage: str | None = Field(default=None, pattern=r"^https://")
    download_url: str | None = Field(
        default=None,
        pattern=r"^https://",
        description="Template of a dataset's download URL, with {id} and {format}.",
    )


class RegistryInfo(_Model):
    """``registry.yaml``: the region and the defaults of new entries."""

    region: Region
    catalog: Catalog | None = None
    defaults: Defaults = Field(default_factory=Defaults)


class OrganisationsFile(_Model):
    organisations: list[Organisation]


class GuarantorsFile(_Model):
    guarantors: list[Guarantor]


class StandardsFile(_Model):
    standards: list[Standard]


FileKind = Literal["registry", "organisations", "guarantors", "standards", "source"]

FILE_MODELS: dict[str, type[BaseModel]] = {
    "registry": RegistryInfo,
    "organisations": OrganisationsFile,
    "guarantors": GuarantorsFile,
    "standards": StandardsFile,
    "source": Source,
    "build": Build,
}
