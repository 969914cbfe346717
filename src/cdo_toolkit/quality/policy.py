"""The quality policy: default weights of the dimensions and the grade bands.

Read from ``policies/quality.yaml`` and checked as the registry is: a mistake (an unknown
dimension, a negative weight, a grade floor outside 0-100) is an error naming the file,
line and column, not a score computed with something else than what the file says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _

DIMENSIONS = ("completeness", "validity", "uniqueness", "timeliness", "consistency", "metadata")
KEYS = ("weights", "grades", "required_weight")


@dataclass(frozen=True)
class Policy:
    """Scoring defaults from ``policies/quality.yaml``."""

    weights: dict[str, float]
    grades: tuple[tuple[float, str], ...]
    required_weight: float = 2.0

    def grade(self, score: float) -> str:
        return next((letter for floor, letter in self.grades if score >= floor), "E")


DEFAULT_POLICY = Policy(
    dict.fromkeys(DIMENSIONS, 1.0), ((97, "A"), (94, "B"), (90, "C"), (80, "D"))
)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def load_policy(folder: Any) -> Policy:
    """The quality policy of ``folder`` (``policies/``), or the defaults.

    Raises:
        CdoError: the file is no valid quality policy (file:line:col and what to do).
    """
    from cdo_toolkit.findings import display_path
    from cdo_toolkit.yamlpos import Path_, YamlProblem, load_yaml

    path = Path(folder) / "quality.yaml"
    if not path.is_file():
        return DEFAULT_POLICY
    try:
        document = load_yaml(path)
    except YamlProblem as problem:
        raise CdoError(problem.render()) from None

    def wrong(where: Path_, message: str, *, key: bool = False) -> CdoError:
        mark = document.key_mark(where) if key else document.value_mark(where)
        return CdoError(f"{display_path(path)}:{mark.line}:{mark.column}: {message}")

    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise wrong((), _("the quality policy must be a mapping: weights, grades, required_weight"))
    for name in data:
        if name not in KEYS:
            raise wrong(
                (name,),
                _("unknown setting {name!r} (settings: {known})").format(
                    name=name, known=", ".join(KEYS)
                ),
                key=True,
            )
    given = data.get("weights") or {}
    if not isinstance(given, dict):
        raise wrong(("weights",), _("weights must be a mapping of dimension: weight"))
    for name, value in given.items():
        if name not in DIMENSIONS:
            raise wrong(
                ("weights", name),
                _("unknown dimension {name!r} (dimensions: {known})").format(
                    name=name, known=", ".join(DIMENSIONS)
                ),
                key=True,
            )
        if not _number(value) or value < 0:
            raise wrong(
                ("weights", name),
                _("the weight of {name} must be a number, 0 or more").format(name=name),
            )
    weights = {**DEFAULT_POLICY.weights, **{k: float(v) for k, v in given.items()}}
    if not any(weights.values()):
        raise wrong(("weights",), _("at least one weight must be above 0"))
    bands = data.get("grades") or {}
    if not isinstance(bands, dict):
        raise wrong(("grades",), _("grades must be a mapping of grade: lowest score"))
    for letter, floor in bands.items():
        if not _number(floor) or not 0 <= floor <= 100:
            raise wrong(
                ("grades", letter),
                _("the lowest score of grade {grade} must be a number from 0 to 100").format(
                    grade=letter
                ),
            )
    grades = tuple(sorted(((float(v), str(k)) for k, v in bands.items()), reverse=True))
    required = data.get("required_weight", 2.0)
    if not _number(required) or required <= 0:
        raise wrong(("required_weight",), _("required_weight must be a number above 0"))
    return Policy(weights, grades or DEFAULT_POLICY.grades, float(required))


__all__ = ["DEFAULT_POLICY", "DIMENSIONS", "Policy", "load_policy"]
