"""The lineage graph, read back from the recorded events (``lineage/events.jsonl``).

Datasets are nodes; a run links its inputs to its outputs. For each dataset we keep the
last run that wrote it (job, state, time) and the quality assertions recorded for it (as
an input of validation or submission). Column lineage comes from the ``columnLineage``
facets of builds; a load maps a file's columns to the table's columns of the same name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _, ngettext

Key = tuple[str, str]


@dataclass
class Node:
    namespace: str
    name: str
    last_job: str | None = None
    last_state: str | None = None
    last_time: str | None = None
    assertions: list[dict[str, Any]] = field(default_factory=list)
    upstream: dict[Key, str] = field(default_factory=dict)
    """dataset it was made from → when a run last made it so"""
    downstream: dict[Key, str] = field(default_factory=dict)
    columns: dict[str, set[tuple[Key, str, str]]] = field(default_factory=dict)
    """output column → {(source dataset, source column, transformation)}"""

    @property
    def key(self) -> Key:
        return self.namespace, self.name

    def summary(self) -> dict[str, Any]:
        failed = [a for a in self.assertions if not a.get("success")]
        return {
            "namespace": self.namespace,
            "name": self.name,
            "lastRun": {"job": self.last_job, "state": self.last_state, "time": self.last_time}
            if self.last_job
            else None,
            "assertions": {
                "total": len(self.assertions),
                "failed": len(failed),
                "failing": sorted(
                    {f"{a.get('assertion')}:{a.get('column') or ''}".rstrip(":") for a in failed}
                ),
            },
        }


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[Key, Node] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        """Run id → job, state (START until it ends, COMPLETE, FAIL, ABORT) and times."""
        self.damaged = 0
        """Lines of the log that are not JSON: the tail of a write cut by a killed process."""

    @property
    def unfinished(self) -> list[dict[str, Any]]:
        """Runs that started and never ended: their process was killed or crashed."""
        return [run for run in self.runs.values() if run["state"] in ("START", "RUNNING")]

    def node(self, namespace: str, name: str) -> Node:
        return self.nodes.setdefault((namespace, name), Node(namespace, name))

    def add(self, event: dict[str, Any]) -> None:
        state = event.get("eventType")
        job = event.get("job", {}).get("name")
        time = event.get("eventTime")
        run_id = (event.get("run") or {}).get("runId")
        if run_id:
            run = self.runs.setdefault(
                run_id,
                {"run_id": run_id, "job": job, "state": state, "started": time, "ended": None},
            )
            if state in ("COMPLETE", "FAIL", "ABORT"):
                run["state"], run["ended"] = state, time
        inputs = [self.node(d["namespace"], d["name"]) for d in event.get("inputs") or []]
        outputs = [self.node(d["namespace"], d["name"]) for d in event.get("outputs") or []]
        for data, node in zip(event.get("inputs") or [], inputs, strict=True):
            assertions = ((data.get("inputFacets") or {}).get("dataQualityAssertions") or {}).get(
                "assertions"
            )
            if assertions and state in ("COMPLETE", "FAIL"):
                node.assertions = assertions
        if state not in ("COMPLETE", "FAIL"):
            return
        for data, node in zip(event.get("outputs") or [], outputs, strict=True):
            node.last_job, node.last_state, node.last_time = job, state, time
            if state != "COMPLETE":
                continue
            for source in inputs:
                node.upstream[source.key] = time or ""
                source.downstream[node.key] = time or ""
            facet = (data.get("facets") or {}).get("columnLineage")
            if facet:
                node.columns = {}
                for column, spec in (facet.get("fields") or {}).items():
                    for item in spec.get("inputFields") or []:
                        for transformation in item.get("transformations") or [{"type": "DIRECT"}]:
                            kind = transformation.get("type", "DIRECT")
                            if transformation.get("subtype"):
                                kind += "/" + transformation["subtype"]
                            node.columns.setdefault(column, set()).add(
                                ((item["namespace"], item["name"]), item["field"], kind)
                            )
            elif len(inputs) == 1:
                # A load: the table's columns are the file's columns of the same name.
                names = [
                    f["name"]
                    for f in ((data.get("facets") or {}).get("schema") or {}).get("fields", [])
                ]
                node.columns = {n: {(inputs[0].key, n, "DIRECT/IDENTITY")} for n in names}

    def find(self, name: str) -> Node:
        """A dataset by its name, or a unique ending of it (``raw.obce``, ``zastavky_obce``):
        a table's whole name first (``obce`` is ``raw.obce``, not ``mart.zastavky_obce``)."""
        exact = [n for n in self.nodes.values() if n.name == name]
        if len(exact) == 1:
            return exact[0]
        whole = [n for n in self.nodes.values() if n.name.endswith(("." + name, "/" + name))]
        if len(whole) == 1:
            return whole[0]
        partial = [n for n in self.nodes.values() if n.name.endswith(name)]
        if len(partial) == 1:
            return partial[0]
        if not partial:
            raise CdoError(
                _("no dataset {name!r} in the recorded lineage").format(name=name),
                hint=self._known(name),
            )
        raise CdoError(
            _("{name!r} names several datasets: {names}").format(
                name=name, names=", ".join(sorted(n.name for n in partial))
            )
        )

    def _known(self, name: str) -> str:
        """The dataset probably meant, else the tables known (files are too many to list)."""
        import difflib

        names = sorted(n.name for n in self.nodes.values())
        tables = [n for n in names if "/" not in n and "\\" not in n]
        short = {t.rpartition(".")[2]: t for t in tables}
        close = difflib.get_close_matches(name, [*names, *short], n=1)
        if close:
            return _("did you mean {name!r}?").format(name=short.get(close[0], close[0]))
        return _("tables with lineage: {names}").format(names=", ".join(tables) or "–")

    def walk(
        self,
        start: Node,
        *,
        downstream: bool,
        depth: int,
        breadth: int | None = None,
        omitted: dict[Key, int] | None = None,
    ) -> Iterator[tuple[int, Node, Node | None]]:
        """(level, node, parent) depth-first from ``start``, each dataset once per branch.

        Neighbours come newest link first: of a table replaced by each load, the file of
        the last load (what it holds now) before those it was made of earlier. Of a table
        loaded daily for years, only the ``breadth`` newest are walked; how many older ones
        were left out is set in ``omitted`` for the dataset they hang under.
        """

        def visit(
            node: Node, level: int, parent: Node | None, seen: frozenset[Key]
        ) -> Iterator[tuple[int, Node, Node | None]]:
            yield level, node, parent
            if level >= depth:
                return
            nexts = node.downstream if downstream else node.upstream
            newest = sorted(sorted(nexts), key=nexts.__getitem__, reverse=True)
            keys = [k for k in newest if k not in seen]
            if breadth is not None and len(keys) > breadth:
                if omitted is not None:
                    omitted[node.key] = len(keys) - breadth
                keys = keys[:breadth]
            for key in keys:
                yield from visit(self.nodes[key], level + 1, node, seen | {key})

        yield from visit(start, 0, None, frozenset({start.key}))

    def column_sources(self, node: Node, column: str, depth: int = 20) -> list[dict[str, Any]]:
        """The source columns of ``node.column``, followed upstream as far as lineage says."""
        results: list[dict[str, Any]] = []

        def trace(current: Node, col: str, level: int, path: list[str]) -> None:
            sources = current.columns.get(col)
            if not sources or level >= depth:
                if level:
                    results.append({"dataset": current.name, "column": col, "via": path})
                return
            for (namespace, name), source_column, kind in sorted(sources):
                upstream = self.nodes.get((namespace, name)) or Node(namespace, name)
                trace(upstream, source_column, level + 1, [*path, f"{kind} {name}.{source_column}"])

        trace(node, column, 0, [])
        return results


def read_graph(log: Path) -> Graph:
    graph = Graph()
    if not log.exists():
        raise CdoError(
            _("no lineage recorded yet in {path}").format(path=display_path(log)),
            hint=_("lineage is recorded by cdo validate, submit and build"),
        )
    try:
        with log.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                _read_line(graph, line)
    except OSError as error:  # a folder of that name, a log its owner alone may read
        raise CdoError(
            _("the lineage log {path} cannot be read: {reason}").format(
                path=display_path(log), reason=error.strerror or error
            )
        ) from None
    return graph


def _read_line(graph: Graph, line: str) -> None:
    if not line.strip():
        return
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        graph.damaged += 1
        return
    if isinstance(event, dict):
        graph.add(event)


def _label(node: Node) -> str:
    info = node.summary()
    run = info["lastRun"]
    text = node.name
    if run:
        text += f"  [{run['job']} {run['state']} {str(run['time'])[:19]}]"
    checks = info["assertions"]
    if checks["total"]:
        text += f"  checks {checks['total'] - checks['failed']}/{checks['total']} passed"
        if checks["failing"]:
            text += " (failing: " + ", ".join(checks["failing"][:5]) + ")"
    return text


def render_tree(
    graph: Graph, start: Node, *, downstream: bool, depth: int, breadth: int | None = None
) -> str:
    """The walk drawn as a tree (rich's), one dataset per line, never wrapped."""
    import io

    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    root = Tree(Text(_label(start)))
    # The walk is depth-first: a dataset's children follow it, so the branch last drawn
    # for (level, dataset) is the one they hang under. A dataset reached by two paths is
    # drawn twice, and each drawing gets its count of older datasets.
    expanding: dict[tuple[int, Key], Tree] = {(0, start.key): root}
    drawn: dict[Key, list[Tree]] = {start.key: [root]}
    omitted: dict[Key, int] = {}
    walk = graph.walk(start, downstream=downstream, depth=depth, breadth=breadth, omitted=omitted)
    for level, node, parent in walk:
        if parent is not None:
            branch = expanding[(level - 1, parent.key)].add(Text(_label(node)))
            expanding[(level, node.key)] = branch
            drawn.setdefault(node.key, []).append(branch)
    for key, count in omitted.items():
        more = ngettext("… {count} older (--limit)", "… {count} older (--limit)", count)
        for branch in drawn[key]:
            branch.add(Text(more.format(count=count)))
    out = io.StringIO()
    Console(file=out, width=100_000, no_color=True, highlight=False).print(root)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def render_json(
    graph: Graph, start: Node, *, downstream: bool, depth: int, breadth: int | None = None
) -> dict[str, Any]:
    nodes: dict[Key, dict[str, Any]] = {}
    edges = []
    omitted: dict[Key, int] = {}
    walk = graph.walk(start, downstream=downstream, depth=depth, breadth=breadth, omitted=omitted)
    for _level, node, parent in walk:
        nodes[node.key] = node.summary()
        if parent is not None:
            source, target = (parent, node) if downstream else (node, parent)
            edges.append({"from": source.name, "to": target.name})
    return {
        "dataset": start.name,
        "direction": "downstream" if downstream else "upstream",
        "nodes": list(nodes.values()),
        "edges": edges,
        "omitted": [{"dataset": key[1], "older": count} for key, count in omitted.items()],
    }


def _ids(
    graph: Graph, start: Node, downstream: bool, depth: int, breadth: int | None
) -> tuple[dict[Key, str], list[tuple[Key, Key]]]:
    ids: dict[Key, str] = {}
    edges = []
    for _level, node, parent in graph.walk(
        start, downstream=downstream, depth=depth, breadth=breadth
    ):
        ids.setdefault(node.key, f"d{len(ids)}")
        if parent is not None:
            edges.append((parent.key, node.key) if downstream else (node.key, parent.key))
    return ids, edges


def render_mermaid(
    graph: Graph, start: Node, *, downstream: bool, depth: int, breadth: int | None = None
) -> str:
    ids, edges = _ids(graph, start, downstream, depth, breadth)
    lines = ["flowchart LR"]
    for key, ident in ids.items():
        label = graph.nodes[key].name.replace('"', "'")
        lines.append(f'    {ident}["{label}"]')
    lines += [f"    {ids[a]} --> {ids[b]}" for a, b in dict.fromkeys(edges)]
    return "\n".join(lines)


def render_dot(
    graph: Graph, start: Node, *, downstream: bool, depth: int, breadth: int | None = None
) -> str:
    ids, edges = _ids(graph, start, downstream, depth, breadth)
    lines = ["digraph lineage {", "    rankdir=LR;", "    node [shape=box];"]
    for key, ident in ids.items():
        label = graph.nodes[key].name.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'    {ident} [label="{label}"];')
    lines += [f"    {ids[a]} -> {ids[b]};" for a, b in dict.fromkeys(edges)]
    lines.append("}")
    return "\n".join(lines)
