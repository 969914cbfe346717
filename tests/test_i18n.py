"""Messages in Czech and English: the catalogue is complete and the language is chosen as documented."""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit import i18n
from tests.conftest import REPO

PO = REPO / "src" / "cdo_toolkit" / "locale" / "cs" / "LC_MESSAGES" / "cdo.po"


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}", text))


def _code_messages() -> set[str | tuple[str, ...]]:
    """Every message the code marks with _(), N_() or ngettext() (a tuple of singular and
    plural), as `make messages` extracts them."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO / "src"),
            method_map=[(pattern.removeprefix("src/"), method) for pattern, method in method_map],
            options_map=options_map,
            keywords={**DEFAULT_KEYWORDS, "N_": None, "NN_": (1, 2)},
        )
        if message
    }


def _catalogue() -> Any:
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_message_has_a_czech_translation() -> None:
    catalogue = _catalogue()
    messages = _code_messages()
    assert len(messages) > 380, "the extraction found too few messages: is it broken?"
    assert "Standard met" in messages, "the report template's messages are not extracted"
    keys = {m[0] if isinstance(m, tuple) else m for m in messages}
    assert any(isinstance(m, tuple) for m in messages), "ngettext() messages are not extracted"

    def forms(key: str) -> tuple[str, ...]:
        string = catalogue[key].string
        return string if isinstance(string, tuple) else (string,)

    missing = sorted(k for k in keys if k not in catalogue or not all(forms(k)))
    assert missing == [], f"messages without a Czech translation (run make messages): {missing}"
    fuzzy = sorted(k for k in keys if catalogue[k].fuzzy)
    assert fuzzy == [], f"fuzzy translations to review: {fuzzy}"
    for key in keys:
        for translated in forms(key):  # each Czech form (1, 2–4, 5+) keeps the placeholders
            assert _placeholders(translated) == _placeholders(key), (key, translated)


def test_compiled_catalogue_matches_its_source() -> None:
    with (PO.parent / "cdo.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalogue():
        if isinstance(message.id, tuple):  # the Czech forms for 1, for 2–4, for 5 and more
            found = tuple(compiled.ngettext(*message.id, n) for n in (1, 3, 5))
            assert found == message.string, (
                f"cdo.mo is older than cdo.po: run make messages ({message.id!r})"
            )
        elif message.id:
            assert compiled.gettext(message.id) == message.string, (
                f"cdo.mo is older than cdo.po: run make messages ({message.id!r})"
            )


def test_validation_errors_speak_czech(workdir: Path, cdo: Callable[..., Any]) -> None:
    Path("schema.json").write_text(
        json.dumps({"fields": [{"name": "pocet", "type": "integer"}]}), "utf-8"
    )
    Path("data.csv").write_text("pocet\nmnoho\n", "utf-8")
    english = cdo("validate", "data.csv", "--schema", "schema.json")
    czech = cdo("--lang", "cs", "validate", "data.csv", "--schema", "schema.json")
    assert english.exit_code == czech.exit_code == 1
    assert 'Type error in the cell "mnoho" in row "2" and field "pocet"' in english.output
    assert 'Chyba datového typu v buňce "mnoho" v řádku "2" a poli "pocet"' in czech.output


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ({}, "unknown source 'nic'"),
        ({"flag": "cs"}, "neznámý zdroj 'nic'"),
        ({"env": {"CDO_LANG": "cs"}}, "neznámý zdroj 'nic'"),
        ({"config": "cs"}, "neznámý zdroj 'nic'"),
        ({"config": "cs", "env": {"CDO_LANG": "en"}}, "unknown source 'nic'"),
        ({"config": "en", "flag": "cs"}, "neznámý zdroj 'nic'"),
        ({"env": {"LANG": "cs_CZ.UTF-8"}}, "neznámý zdroj 'nic'"),
    ],
)
def test_language_is_chosen_by_flag_env_config_locale(
    base_registry: Path, how: dict[str, Any], expected: str
) -> None:
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    if "config" in how:
        Path("cdo.yaml").write_text(f"lang: {how['config']}\n", "utf-8")
    args = (["--lang", how["flag"]] if "flag" in how else []) + ["registry", "show", "nic"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", **how.get("env", {})})
    assert result.exit_code == 2
    assert expected in result.output


def test_unknown_language_is_refused(workdir: Path, cdo: Callable[..., Any]) -> None:
    result = cdo("--lang", "de", "registry", "list")
    assert result.exit_code == 2
    assert "unknown language 'de' (use one of: cs, en)" in result.output


def test_shipped_configuration_speaks_czech() -> None:
    assert "\nlang: cs\n" in (REPO / "cdo.yaml").read_text("utf-8")
    i18n.use("cs")
    assert i18n._("unknown guarantor {id!r}") == "neznámý garant {id!r}"


def test_frictionless_notes_read_czech_in_messages_but_stay_frictionless_in_json() -> None:
    """A note Frictionless writes (a type, a constraint, a repeated key) is part of the
    message a person reads, so it is translated there; the report's ``note`` keeps
    Frictionless's words, as a report of `frictionless validate` has them."""
    from cdo_toolkit.validation.report import ReportError

    i18n.use("cs")
    notes = {
        'type is "date/%d.%m.%Y"': 'typ je "date/%d.%m.%Y"',
        'constraint "pattern" is "\\d{8}"': 'omezení "pattern" je "\\d{8}"',
        "the same as in the row at position 2": "stejný jako v řádku na pozici 2",
        'the same as in the row at position 2 (kod "563889")': (
            'stejný jako v řádku na pozici 2 (kod "563889")'
        ),
        'for "kod_obce": values "530000" not found in the lookup table "obce" as "kod_obce"': (
            'pro "kod_obce": hodnoty "530000" nejsou v tabulce "obce" jako "kod_obce"'
        ),
    }
    for note, czech in notes.items():
        error = ReportError("type-error", note=note, row_number=3, field_name="f", cell="x")
        assert czech in error.message, error.message
        assert error.to_dict()["note"] == note
    i18n.use("en")
    error = ReportError("type-error", note='type is "date/%d.%m.%Y"', row_number=3, cell="x")
    assert error.message.endswith('type is "date/%d.%m.%Y"')


def test_a_stored_message_is_read_in_the_active_language() -> None:
    from cdo_toolkit import i18n

    i18n.use("cs")
    stored = i18n.every_language(lambda: i18n._("see cdo history"))
    assert i18n.active() == "cs"  # the language in use is kept
    assert i18n.localized(stored) == "viz cdo history"
    i18n.use("en")
    assert i18n.localized(stored) == "see cdo history"
    assert i18n.every_language(lambda: None) is None
    # Records written before, and a driver's own words, are shown as they were written.
    for plain in (None, "", "OperationalError: disk full", '{"row": 5}', "{not json"):
        assert i18n.localized(plain) == plain


def test_what_to_do_about_a_length_takes_the_plural_of_its_count() -> None:
    from cdo_toolkit.validation.render import advice

    said = {}
    for language in ("cs", "en"):
        i18n.use(language)
        said[language] = [
            advice("constraint-error", f'constraint "{name}" is "{n}"')
            for name, n in (("minLength", 1), ("minLength", 3), ("maxLength", 5))
        ]
    i18n.use("en")
    assert said["cs"] == [
        "hodnota musí mít alespoň 1 znak: opravte ji",
        "hodnota musí mít alespoň 3 znaky: opravte ji",
        "hodnota smí mít nejvýše 5 znaků: opravte ji",
    ]
    assert said["en"][0] == "the value must have at least 1 character: correct it"
    assert said["en"][2] == "the value must have at most 5 characters: correct it"


@pytest.mark.parametrize(
    ("args", "czech", "english"),
    [
        (
            ["validate", "--sourc", "x", "x.csv"],
            "Error: neznámá volba: --sourc (nemysleli jste --source?)",
            "Error: No such option: --sourc (Possible options: --source)",
        ),
        (
            ["valdate"],
            "Error: neznámý příkaz 'valdate' (nemysleli jste 'validate'?)",
            "Error: No such command 'valdate'. Did you mean 'validate'?",
        ),
        (
            ["registry", "li"],
            "Error: neznámý příkaz 'li' (nemysleli jste 'list', 'lint'?)",
            "Error: No such command 'li'. Did you mean 'list', 'lint'?",
        ),
        (
            ["lineage", "show"],
            "Error: chybí argument 'DATASET'",
            "Error: Missing argument 'DATASET'.",
        ),
        (
            ["registry", "add", "x"],
            "Error: chybí volba '--from'",
            "Error: Missing option '--from'.",
        ),
        (
            ["score", "--fail-under", "200"],
            "Error: neplatná hodnota '--fail-under': smí být nejvýše 100",
            "Error: Invalid value for '--fail-under': Input should be less than or equal to 100",
        ),
        (
            ["validate", "--limit-errors", "abc", "x.csv"],
            "Error: neplatná hodnota '--limit-errors': zadejte celé číslo",
            "Error: Invalid value for '--limit-errors': Input should be a valid integer",
        ),
        (
            ["validate", "--format", "xml", "x.csv"],
            "Error: neplatná hodnota '--format': 'xml' není žádná z možností 'text', 'json'",
            "Error: Invalid value for '--format': Value error, 'xml' is not one of 'text'",
        ),
        (
            ["validate", "x.csv", "--format"],
            "Error: volba --format potřebuje hodnotu",
            "Error: Option '--format' requires an argument.",
        ),
        (
            ["registry", "show", "a", "b"],
            "Error: nečekané argumenty navíc: b",
            "Error: Got unexpected extra argument",
        ),
    ],
)
def test_usage_errors_speak_the_language_of_messages(
    workdir: Path, cdo: Callable[..., Any], args: list[str], czech: str, english: str
) -> None:
    """typer words its usage errors in English (partly pydantic's): a guarantor working in
    Czech reads them in Czech, with the usage line and where help is; English is typer's."""
    said = cdo("--lang", "cs", *args)
    assert said.exit_code == 2
    assert czech in said.output, said.output
    plain = cdo("--lang", "en", *args)
    assert plain.exit_code == 2
    assert english in plain.output, plain.output
    # The usage line and where help is, as typer gives them (not for an option's value).
    assert said.output.startswith("Usage: cdo") == plain.output.startswith("Usage: cdo")
    assert ("\nNápověda: cdo" in said.output) == ("\nTry 'cdo" in plain.output)
    # The language cdo.yaml names applies to them too, read before any command runs.
    Path("cdo.yaml").write_text("lang: cs\n", "utf-8")
    assert czech in cdo(*args).output


def test_our_own_usage_words_said_before_the_language_is_chosen(
    workdir: Path, cdo: Callable[..., Any]
) -> None:
    """`cdo --lang` (no value) is refused before --lang could choose a language: cdo.yaml's
    language says it, our words looked up in it again."""
    Path("cdo.yaml").write_text("lang: cs\n", "utf-8")
    result = cdo("--lang")
    assert result.exit_code == 2
    assert result.output.strip().endswith("Error: neplatná hodnota --lang: chybí jí hodnota")


def test_a_usage_error_of_an_unknown_wording_stays_as_typer_words_it() -> None:
    import typer

    from cdo_toolkit.cli.usage import in_language, said

    usage_error = typer.BadParameter.__mro__[1]  # typer exports no UsageError of its own
    assert usage_error.__name__ == "UsageError"
    unforeseen = usage_error("Something new happened.")
    assert said(unforeseen) is None
    in_language(unforeseen, lambda: "cs")
    assert "show" not in vars(unforeseen)  # typer's own show(), in its words
