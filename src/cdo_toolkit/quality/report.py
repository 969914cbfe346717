"""The audit as a report for the region's leadership: self-contained HTML, and Markdown.

The HTML is one file that opens offline: Plotly's JavaScript is embedded once, the charts
are Plotly figures (a scorecard, the dimensions of every source, the score history, the
lineage of derived datasets as a Sankey diagram), and the page is a Jinja2 template with
autoescaping, so nothing from the data is ever read as markup. Labels follow the language
of messages (Czech by the shipped cdo.yaml).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cdo_toolkit.i18n import N_, _, chart_separators, decimal, moment
from cdo_toolkit.quality.audit import Audit
from cdo_toolkit.quality.score import DIMENSION_LABELS, status_label
from cdo_toolkit.registry.registry import id_order

NOT_SCORED = N_(
    "A dimension without a value is not scored for that source: uniqueness needs a primary "
    "key, consistency a foreign key or code list into another source or a load to "
    "reconcile, and every "
    "dimension but metadata needs loaded data."
)

GRADE_COLOURS = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#fee08b",
    "D": "#fc8d59",
    "E": "#d73027",
    "–": "#bbbbbb",
}


BAR_HEIGHT = 30
SCORECARD_MARGIN = {"l": 160, "t": 60, "b": 40}


def _figures(audit: Audit) -> dict[str, Any]:
    """The report's charts as plotly JSON, by the id of their place in the page; a chart
    with nothing to draw (no source scored, no build) is left out, the page says why."""
    import plotly.graph_objects as go

    # Plotly draws the first bar at the bottom: best first puts the worst source on top.
    scored = sorted(
        (s for s in audit.scores if s.score is not None),
        key=lambda s: (-(s.score or 0), id_order(s.source)),
    )
    names = [s.source for s in scored]
    scorecard = go.Figure(
        go.Bar(
            x=[s.score for s in scored],
            y=names,
            orientation="h",
            marker_color=[GRADE_COLOURS[s.grade] for s in scored],
            text=[f"{decimal(s.score or 0)} · {s.grade}" for s in scored],
            textposition="inside",
            insidetextanchor="end",
            textangle=0,  # plotly turns a short label in a thin bar on its side
        )
    )
    # As tall as its bars need: plotly's default margins (100 px above, 80 below) took
    # the whole of a short chart, and one source's bar was drawn as a hairline.
    scorecard.update_layout(
        title=_("Scores of the sources (0–100)"),
        xaxis={"range": [0, 100]},
        height=SCORECARD_MARGIN["t"] + SCORECARD_MARGIN["b"] + BAR_HEIGHT * len(scored),
        margin=SCORECARD_MARGIN,
    )
    dimensions = go.Figure(
        [
            go.Bar(
                name=_(label),
                x=[s.source for s in audit.scores],
                y=[s.dimensions.get(key) for s in audit.scores],
            )
            for key, label in DIMENSION_LABELS.items()
        ]
    )
    dimensions.update_layout(
        barmode="group", title=_("Quality dimensions by source"), yaxis={"range": [0, 100]}
    )
    history = go.Figure(
        [
            go.Scatter(
                name=source,
                x=[t for t, _s in points],
                y=[s for _t, s in points],
                mode="lines+markers",
            )
            for source, points in audit.history.items()
            if any(s is not None for _t, s in points)
        ]
    )
    moments = _moments([t for points in audit.history.values() for t, _s in points])
    history.update_layout(
        title=_("Score over time"), yaxis={"range": [0, 100]}, xaxis=_time_axis(moments)
    )
    if _one_day(moments):
        # The first audits of a region draw points, not lines: say why the chart is flat.
        history.add_annotation(
            text=_("Scored on one day only: later scores will draw the trend."),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
        )
    labels: list[str] = []

    def index(label: str) -> int:
        if label not in labels:
            labels.append(label)
        return labels.index(label)

    sources, targets = [], []
    for build in audit.builds:
        for table in build["inputs"]:
            sources.append(index(table))
            targets.append(index(build["table"]))
    lineage = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 20},
            link={"source": sources, "target": targets, "value": [1] * len(sources)},
        )
    )
    lineage.update_layout(title=_("Which tables the derived datasets are built from"))
    charts = {
        "scorecard": scorecard if scored else None,
        "dimensions": dimensions,
        "history": history,
        "lineage": lineage if audit.builds else None,
    }
    for figure in charts.values():
        if figure is not None:
            figure.update_layout(separators=chart_separators())  # 95,4 in Czech
    return {name: figure.to_plotly_json() for name, figure in charts.items() if figure is not None}


def html(audit: Audit) -> str:
    import json

    import jinja2
    import plotly
    from plotly.offline import get_plotlyjs

    from cdo_toolkit import i18n
    from cdo_toolkit.quality.audit import Audit as _Audit  # noqa: F401 - the type the template reads

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cdo_toolkit.quality", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    from cdo_toolkit.validation.render import visible

    environment.filters["visible"] = visible
    environment.filters["decimal"] = decimal
    environment.filters["moment"] = moment
    template = environment.get_template("report.html.j2")
    charts = _figures(audit)
    figures = json.dumps(charts, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    # "</" inside a script would end it: data can't close the script element.
    figures = figures.replace("</", "<\\/")
    return template.render(
        audit=audit,
        _=_,
        lang=i18n.active(),
        colours=GRADE_COLOURS,
        figures=figures,
        charts=charts.keys(),
        plotly_js="<script>" + get_plotlyjs() + "</script>",
        guarantor_name=lambda gid: audit.guarantors.get(gid, {}).get("name", gid),
        standard_title=lambda sid: audit.standards.get(sid, sid),
        not_scored=_(NOT_SCORED),
        status_label=status_label,
    )


def markdown(audit: Audit) -> str:
    from cdo_toolkit.validation.render import _md

    out = [
        "# " + _("Quality of data sources – {region}").format(region=_md(audit.region)),
        "",
        _("Generated {when}.").format(when=moment(audit.generated)),
        "",
    ]
    if not audit.warehouse_exists:
        out += ["**" + _md(_("The warehouse does not exist yet: no source has data.")) + "**", ""]
    if audit.guarantor:
        name = audit.guarantors.get(audit.guarantor, {}).get("name", audit.guarantor)
        out += [
            "**" + _md(_("For the guarantor {name}: their sources only").format(name=name)) + "**",
            "",
        ]
    out += [
        "| "
        + " | ".join(
            _(label)
            for label in (
                N_("Source"),
                N_("Guarantor"),
                N_("Score"),
                N_("Grade"),
                N_("Trend"),
                N_("Standard met"),
            )
        )
        + " | "
        + " | ".join(_(label) for label in DIMENSION_LABELS.values())
        + " |",
        "|---|---|---:|:-:|---:|:-:|" + "---:|" * len(DIMENSION_LABELS),
    ]
    yes, no = _("yes"), _("no")
    for s in audit.scores:
        dims = " | ".join(
            "" if (value := s.dimensions.get(k)) is None else decimal(value)
            for k in DIMENSION_LABELS
        )
        name = audit.guarantors.get(s.guarantor, {}).get("name", s.guarantor)
        out.append(
            f"| {_md(s.title)} (`{s.source}`) | {_md(name)} | {_md(status_label(s.status)) if s.score is None else decimal(s.score)} | {s.grade} | "
            f"{'' if s.trend is None else decimal(s.trend, '+.1f')} | {yes if s.passes else no} | {dims} |"
        )
    out += ["", _md(_(NOT_SCORED)), "", "## " + _("What to fix – by guarantor"), ""]
    for guarantor, entries in audit.to_fix.items():
        out.append(f"### {_md(audit.guarantors.get(guarantor, {}).get('name', guarantor))}")
        for e in entries:
            out.append(f"- **{_md(e['title'])}** (`{e['source']}`)")
            out += [f"  - {_md(item['what'])}" for item in e["items"]]
            out += ["  - " + _sample_line(sample) for sample in e["samples"]]
        out.append("")
    if audit.findings or audit.unchecked_policies:
        out += ["## " + _("Registry and policy findings"), ""]
        out += [
            f"- `{f['location']['file']}:{f['location']['line']}` {f['severity']} {f['code']} "
            + _md(f["message"])
            for f in audit.findings
        ]
        if audit.unchecked_policies:
            out += ["", _md(audit.unchecked_policies)]
        out.append("")
    if audit.builds:
        out += ["## " + _("Lineage of derived datasets"), ""]
        out += [
            f"- `{b['table']}` ({_md(b['problem'])})"
            if "problem" in b
            else f"- `{b['table']}` ← {', '.join(f'`{t}`' for t in b['inputs'])}"
            for b in audit.builds
        ]
    return "\n".join(out) + "\n"


def _sample_line(sample: dict[str, Any]) -> str:
    """``row 17, stav: constraint-error „špatný“ – use one of the allowed values: …``; a
    row's error (a repeated key) has no field and no cell, so its note says what is
    wrong."""
    from cdo_toolkit.validation.render import _md

    where = [_("row {row}").format(row=sample["row"])] if sample.get("row") else []
    if sample.get("field"):
        where.append(_md(sample["field"]))
    line = (", ".join(where) + ": " if where else "") + _md(sample["type"])
    if sample.get("cell"):
        line += f" „{_md(sample['cell'])}“"
        return f"{line} – {_md(sample['what_to_do'])}" if sample.get("what_to_do") else line
    said = sample.get("what_to_do") or sample.get("note")
    return f"{line} – {_md(said)}" if said else line


def _moments(times: list[Any]) -> list[datetime]:
    return [t if isinstance(t, datetime) else datetime.fromisoformat(str(t)) for t in times]


def _one_day(moments: list[datetime]) -> bool:
    return bool(moments) and max(moments) - min(moments) < timedelta(days=1)


def _time_axis(moments: list[datetime]) -> dict[str, Any]:
    """Dates as Czech write them; scores of one day spread over a week around it, so the
    axis shows days rather than the milliseconds between scores of one run."""
    axis: dict[str, Any] = {"tickformat": "%-d. %-m. %Y", "hoverformat": "%-d. %-m. %Y %H:%M"}
    if _one_day(moments):
        axis["range"] = [min(moments) - timedelta(days=3), max(moments) + timedelta(days=3)]
    return axis
