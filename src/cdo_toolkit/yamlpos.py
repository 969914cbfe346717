"""Safe YAML with the position of every key and value.

PyYAML composes the document into nodes that carry their marks; we turn the nodes into
plain Python values ourselves, so that:

* every key and value keeps its ``line:column`` for error messages;
* duplicate keys are an error (PyYAML would keep the last one silently);
* aliases are refused, which also rules out "billion laughs" expansion;
* any tag beyond YAML's standard scalar and collection tags (``!!python/object``, ``!foo``)
  is refused, so no Python object is ever constructed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cdo_toolkit.errors import with_hint
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _

MAX_YAML_BYTES = 2 * 1024 * 1024
"""Registry files are small; a larger file is refused before it is parsed."""

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


@dataclass
class YamlProblem(Exception):
    """The file cannot be read as safe YAML."""

    code: str
    message: str
    file: str
    mark: Mark
    hint: str | None = None

    def render(self) -> str:
        return with_hint(
            f"{self.file}:{self.mark.line}:{self.mark.column}: {self.message}", self.hint
        )


@dataclass
class Document:
    """A parsed YAML file: its data and where each part of it stands."""

    file: str
    data: Any
    value_marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)

    def value_mark(self, path: Path_) -> Mark:
        """Where the value at ``path`` stands; the nearest enclosing value if not known."""
        return self._nearest(self.value_marks, path)

    def key_mark(self, path: Path_) -> Mark:
        """Where the key of ``path`` stands (the value's place for list items)."""
        if path in self.key_marks:
            return self.key_marks[path]
        return self.value_mark(path)

    def _nearest(self, marks: dict[Path_, Mark], path: Path_) -> Mark:
        for end in range(len(path), -1, -1):
            if path[:end] in marks:
                return marks[path[:end]]
        return Mark(1, 1)


@dataclass
class _JsonDocument(Document):
    """A JSON file read by ``json``; where its values stand is found when a finding first
    asks, by reading the text as YAML, which JSON is."""

    text: str = ""
    placed: bool = False

    def value_mark(self, path: Path_) -> Mark:
        self._place()
        return super().value_mark(path)

    def key_mark(self, path: Path_) -> Mark:
        self._place()
        return super().key_mark(path)

    def _place(self) -> None:
        if self.placed:
            return
        self.placed = True
        try:
            parsed = parse_yaml(self.text, self.file)
        except YamlProblem:  # what json reads and YAML does not: the file's start
            return
        self.value_marks, self.key_marks = parsed.value_marks, parsed.key_marks


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _DuplicateKey
    return mapping


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases while composing, before anything is expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasFound(event.start_mark)
        return super().compose_node(parent, index)


class _AliasFound(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


def _mark(node_mark: Any) -> Mark:
    return Mark(node_mark.line + 1, node_mark.column + 1)


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            "REG002",
            _("the file is not UTF-8 (byte 0x{byte:02X})").format(byte=raw[exc.start]),
            file,
            Mark(line, column),
            _("save it as UTF-8"),
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise YamlProblem("REG002", _("the file contains a NUL byte"), file, Mark(line, 1))
    return text


def load_yaml(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> Document:
    """Read ``path`` as safe YAML with positions.

    Raises:
        YamlProblem: the file is missing, too large, not UTF-8, not valid YAML, or uses
            aliases, non-standard tags or duplicate keys.
    """
    return parse_yaml(read_text(path, max_bytes=max_bytes), display_path(path))


def load_json_or_yaml(path: Path) -> Document:
    """Read a ``.json`` file with ``json`` and anything else as :func:`load_yaml` does.

    A registry's Table Schemas are JSON files: ``json`` reads 512 of them in 0.02 s, where
    composing them as YAML with positions took 0.3-0.45 s of every command
    (docs/performance.md); positions are found only for a file with a finding. What
    ``json`` refuses (a syntax error, a key written twice, a comment) is read as YAML, with
    its findings placed as before.

    Raises:
        YamlProblem: as :func:`load_yaml`.
    """
    if path.suffix.lower() != ".json":
        return load_yaml(path)
    text = read_text(path)
    file = display_path(path)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except ValueError:
        return parse_yaml(text, file)
    return _JsonDocument(file=file, data=data, text=text)


def read_text(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> str:
    """The UTF-8 text of a registry file (a byte order mark dropped).

    Raises:
        YamlProblem: the file is missing, too large, not UTF-8 or holds a NUL byte.
    """
    file = display_path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlProblem(
                "REG002",
                _(
                    "the file is {size} bytes, more than the {limit} a registry file may have"
                ).format(size=size, limit=max_bytes),
                file,
                Mark(1, 1),
                _("split it or remove what does not belong in the registry"),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(
            "REG002",
            _("cannot read the file: {reason}").format(reason=exc.strerror),
            file,
            Mark(1, 1),
        ) from None
    return _decode(raw, file)


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML ``text`` (named ``file`` in messages) into a :class:`Document`.

    libyaml composes the nodes when PyYAML has it: a registry of hundreds of sources and
    their JSON schemas composes about 17× faster than with PyYAML's own parser
    (``bench/registry.py``). A file it refuses, or one with an alias, is read again by
    PyYAML's parser, which reports the alias itself before anything is expanded, with
    the messages and places of every other problem as PyYAML words them.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        loader = fast(text)
        try:
            root = loader.get_single_node()
            document = Document(file=file, data=None)
            if root is not None:
                document.data = _convert(root, (), document, loader, set())
            return document
        except (yaml.YAMLError, _AliasFound):
            pass
        finally:
            loader.dispose()
    return _parse_pure(text, file)


def _parse_pure(text: str, file: str) -> Document:
    loader = _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
    except _AliasFound as alias:
        raise YamlProblem(
            "REG004",
            _("YAML aliases (*name) are not allowed"),
            file,
            _mark(alias.mark),
            _("write the value out in full"),
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, file) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(
            "REG001", _("YAML syntax error: {problem}").format(problem=exc), file, Mark(1, 1)
        ) from None
    document = Document(file=file, data=None)
    try:
        if root is not None:
            document.data = _convert(root, (), document, loader)
    finally:
        loader.dispose()
    return document


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> YamlProblem:
    """PyYAML's syntax error, placed where the person who wrote the file can mend it, with
    what to do for the mistakes hand-written YAML usually has."""
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    hint = None
    context = exc.context or ""
    unclosed = ("quoted scalar" in context and "end of stream" in problem) or (
        "flow" in context and problem.startswith("expected ','")
    )
    if exc.context_mark is not None and unclosed:
        # The file ended inside quotes, or a line went on inside brackets: the mistake is
        # where they opened.
        mark = exc.context_mark
        hint = (
            _("close the quote opened here")
            if "quoted" in context
            else _("close the list or mapping opened here")
        )
    elif "'\\t'" in problem:
        hint = _("indent with spaces: YAML does not allow tabs")
    elif "mapping values are not allowed" in problem:
        hint = _(
            "put a value holding ': ' in quotes (title: \"Obce: seznam\"), and indent a key "
            "as far as the keys beside it"
        )
    where = _mark(mark) if mark is not None else Mark(1, 1)
    return YamlProblem(
        "REG001", _("YAML syntax error: {problem}").format(problem=problem), file, where, hint
    )


def _convert(
    node: yaml.Node,
    path: Path_,
    document: Document,
    loader: yaml.SafeLoader,
    seen: set[int] | None = None,
) -> Any:
    """The plain value of ``node``, its marks recorded; ``seen`` (libyaml's nodes) finds
    an alias as a node met twice, before a chain of them is expanded."""
    if seen is not None:
        if id(node) in seen:
            raise _AliasFound(node.start_mark)
        seen.add(id(node))
    document.value_marks[path] = _mark(node.start_mark)
    if node.tag not in _STANDARD_TAGS:
        raise YamlProblem(
            "REG004",
            _("the YAML tag {tag!r} is not allowed").format(tag=node.tag),
            document.file,
            _mark(node.start_mark),
            _("remove the tag: these files hold plain values only"),
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(
                    "REG004",
                    _("a key must be a plain word, not a list or mapping"),
                    document.file,
                    _mark(key_node.start_mark),
                )
            key = str(key_node.value)
            if key in result:
                first = document.key_marks[(*path, key)]
                raise YamlProblem(
                    "REG003",
                    _("duplicate key {key!r} (first at line {line})").format(
                        key=key, line=first.line
                    ),
                    document.file,
                    _mark(key_node.start_mark),
                    _("keep one of them"),
                )
            document.key_marks[(*path, key)] = _mark(key_node.start_mark)
            result[key] = _convert(value_node, (*path, key), document, loader, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, index), document, loader, seen)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node)
