"""The sample generator: deterministic, Czech, in each source's declared encoding."""

from __future__ import annotations

from pathlib import Path

from cdo_toolkit.registry import load_valid
from cdo_toolkit.synth.czech import MUNICIPALITIES, ico_check_digit, is_valid_ico
from cdo_toolkit.synth.samples import GENERATORS, write_samples


def test_committed_examples_are_the_generators_output(repo: Path, tmp_path: Path) -> None:
    written = write_samples(tmp_path, repo / "registry")
    assert {p.name for p in written} == {p.name for p in (repo / "examples").glob("*.csv")}
    for path in written:
        assert path.read_bytes() == (repo / "examples" / path.name).read_bytes(), (
            f"examples/{path.name} differs from the generator: run `make examples`"
        )


def test_every_registered_source_has_a_sample(repo: Path) -> None:
    assert set(GENERATORS) == set(load_valid(repo / "registry").sources)


def test_samples_decode_in_their_declared_encoding_with_declared_header(repo: Path) -> None:
    registry = load_valid(repo / "registry")
    for source_id, entry in registry.sources.items():
        raw = (repo / "examples" / f"{source_id}.csv").read_bytes()
        text = raw.decode(entry.source.encoding or "utf-8")
        header = text.splitlines()[0].split(entry.source.dialect.delimiter or ",")
        assert header == entry.field_names, source_id


def test_windows_1250_samples_carry_czech_letters_and_crlf(repo: Path) -> None:
    raw = (repo / "examples" / "skoly.csv").read_bytes()
    assert b"\r\n" in raw
    assert "Základní škola".encode("cp1250") in raw
    raw.decode("cp1250")


def test_ico_checksum() -> None:
    # Published IČO of the Liberec Region and of the town of Černošice.
    assert is_valid_ico("70891508")
    assert is_valid_ico("00241121")
    assert not is_valid_ico("70891509")
    assert ico_check_digit("7089150") == "8"


def test_municipality_codes_are_unique_ruian_codes() -> None:
    codes = [m.code for m in MUNICIPALITIES]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c[0] == "5" for c in codes)
