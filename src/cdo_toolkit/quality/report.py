"""The audit as a report for the region's leadership: self-contained HTML, and Markdown.

The HTML is one file that opens offline: Plotly's JavaScript is embedded once, the charts
are Plotly figures (a scorecard, the dimensions of every source, the score history, the
lineage of derived datasets as a Sankey diagram), and the page is a Jinja2 template with
autoescaping, so nothing from the data is ever read as markup. Labels are Czech.
"""

from __future__ import annotations

from typing import Any

from cdo_toolkit.quality.audit import Audit

DIMENSION_LABELS = {
    "completeness": "Úplnost",
    "validity": "Platnost",
    "uniqueness": "Jedinečnost",
    "timeliness": "Včasnost",
    "consistency": "Konzistence",
    "metadata": "Metadata",
}
GRADE_COLOURS = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#fee08b",
    "D": "#fc8d59",
    "E": "#d73027",
    "–": "#bbbbbb",
}

TEMPLATE = """<!DOCTYPE html>
<html lang="cs">
<head>
<meta charset="utf-8">
<title>Kvalita datových zdrojů – {{ audit.region }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #eee; padding: 0.3rem 0.5rem; text-align: left; }
td.num { text-align: right; } .grade { font-weight: bold; padding: 0 0.5rem; border-radius: 3px; }
.fail { color: #b2182b; } .ok { color: #1a9850; } .muted { color: #777; } code { font-size: 0.85rem; }
.chart { width: 100%; min-height: 380px; }
</style>
{{ plotly_js | safe }}
</head>
<body>
<h1>Kvalita datových zdrojů – {{ audit.region }}</h1>
<p class="muted">Vygenerováno {{ audit.generated }} · sklad {{ audit.warehouse }} · zdrojů {{ audit.scores | length }}</p>

<h2>Přehled skóre</h2>
<table>
<tr><th>Zdroj</th><th>Garant</th><th>Standard</th><th>Skóre</th><th>Známka</th><th>Vývoj</th><th>Standard splněn</th></tr>
{% for s in audit.scores %}
<tr><td>{{ s.title }} <span class="muted">({{ s.source }})</span></td>
<td>{{ guarantor_name(s.guarantor) }}</td><td>{{ s.standard }}</td>
<td class="num">{{ "%.1f" | format(s.score) if s.score is not none else "nedodáno" }}</td>
<td><span class="grade" style="background: {{ colours[s.grade] }}">{{ s.grade }}</span></td>
<td class="num">{{ ("%+.1f" | format(s.trend)) if s.trend is not none else "" }}</td>
<td class="{{ 'ok' if s.passes else 'fail' }}">{{ "ano" if s.passes else "ne" }}</td></tr>
{% endfor %}
</table>
<div id="scorecard" class="chart"></div>

<h2>Dimenze kvality</h2>
<div id="dimensions" class="chart"></div>

<h2>Vývoj skóre</h2>
<div id="history" class="chart"></div>

<h2>Co opravit – podle garantů</h2>
{% for guarantor, entries in audit.to_fix.items() %}
<h3>{{ guarantor_name(guarantor) }}</h3>
{% for e in entries %}
<p><b>{{ e.title }}</b> ({{ e.source }}) – skóre {{ "%.1f" | format(e.score) if e.score is not none else "nedodáno" }}</p>
<ul>{% for item in e["items"] %}<li>{{ item.what }}</li>{% endfor %}</ul>
{% if e.samples %}
<table><tr><th>Řádek</th><th>Pole</th><th>Chyba</th><th>Hodnota</th><th>Poznámka</th></tr>
{% for sample in e.samples %}<tr><td class="num">{{ sample.row or "" }}</td><td>{{ sample.field or "" }}</td>
<td>{{ sample.type }}</td><td><code>{{ sample.cell }}</code></td><td>{{ sample.note }}</td></tr>{% endfor %}
</table>
{% endif %}
{% endfor %}
{% endfor %}

<h2>Původ odvozených datových sad</h2>
<div id="lineage" class="chart"></div>
<ul>{% for b in audit.builds %}<li><b>{{ b.table }}</b> – {{ b.title }} ← {{ b.inputs | join(", ") }}</li>{% endfor %}</ul>

{% if audit.findings %}
<h2>Nálezy v registru</h2>
<ul>{% for f in audit.findings %}<li><code>{{ f.location.file }}:{{ f.location.line }}</code> {{ f.code }} {{ f.message }}</li>{% endfor %}</ul>
{% endif %}

<script>
const figures = {{ figures | safe }};
for (const [id, figure] of Object.entries(figures)) {
  Plotly.newPlot(id, figure.data, figure.layout, {displaylogo: false, responsive: true});
}
</script>
</body>
</html>
"""


def _figures(audit: Audit) -> dict[str, Any]:
    import plotly.graph_objects as go

    scored = [s for s in audit.scores if s.score is not None]
    names = [s.source for s in scored]
    scorecard = go.Figure(
        go.Bar(
            x=[s.score for s in scored],
            y=names,
            orientation="h",
            marker_color=[GRADE_COLOURS[s.grade] for s in scored],
            text=[s.grade for s in scored],
            textposition="inside",
        )
    )
    scorecard.update_layout(
        title="Skóre zdrojů (0–100)",
        xaxis={"range": [0, 100]},
        height=120 + 28 * len(scored),
        margin={"l": 160},
    )
    dimensions = go.Figure(
        [
            go.Bar(
                name=label,
                x=[s.source for s in audit.scores],
                y=[s.dimensions.get(key) for s in audit.scores],
            )
            for key, label in DIMENSION_LABELS.items()
        ]
    )
    dimensions.update_layout(
        barmode="group", title="Dimenze kvality podle zdrojů", yaxis={"range": [0, 100]}
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
    history.update_layout(title="Vývoj skóre v čase", yaxis={"range": [0, 100]})
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
    lineage.update_layout(title="Ze kterých tabulek vznikají odvozené datové sady")
    return {
        name: figure.to_plotly_json()
        for name, figure in (
            ("scorecard", scorecard),
            ("dimensions", dimensions),
            ("history", history),
            ("lineage", lineage),
        )
    }


def html(audit: Audit) -> str:
    import json

    import jinja2
    import plotly
    from plotly.offline import get_plotlyjs

    from cdo_toolkit.quality.audit import Audit as _Audit  # noqa: F401 - the type the template reads

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE)
    figures = json.dumps(_figures(audit), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    # "</" inside a script would end it: data can't close the script element.
    figures = figures.replace("</", "<\\/")
    return template.render(
        audit=audit,
        colours=GRADE_COLOURS,
        figures=figures,
        plotly_js="<script>" + get_plotlyjs() + "</script>",
        guarantor_name=lambda gid: audit.guarantors.get(gid, {}).get("name", gid),
    )


def markdown(audit: Audit) -> str:
    from cdo_toolkit.validation.render import _md

    out = [
        f"# Kvalita datových zdrojů – {_md(audit.region)}",
        "",
        f"Vygenerováno {audit.generated}.",
        "",
        "| Zdroj | Garant | Skóre | Známka | Vývoj | Standard splněn | "
        + " | ".join(DIMENSION_LABELS.values())
        + " |",
        "|---|---|---:|:-:|---:|:-:|" + "---:|" * len(DIMENSION_LABELS),
    ]
    for s in audit.scores:
        dims = " | ".join(
            "" if s.dimensions.get(k) is None else f"{s.dimensions[k]:.1f}"
            for k in DIMENSION_LABELS
        )
        name = audit.guarantors.get(s.guarantor, {}).get("name", s.guarantor)
        out.append(
            f"| {_md(s.title)} (`{s.source}`) | {_md(name)} | {'' if s.score is None else f'{s.score:.1f}'} | {s.grade} | "
            f"{'' if s.trend is None else f'{s.trend:+.1f}'} | {'ano' if s.passes else 'ne'} | {dims} |"
        )
    out += ["", "## Co opravit – podle garantů", ""]
    for guarantor, entries in audit.to_fix.items():
        out.append(f"### {_md(audit.guarantors.get(guarantor, {}).get('name', guarantor))}")
        for e in entries:
            out.append(f"- **{_md(e['title'])}** (`{e['source']}`)")
            out += [f"  - {_md(item['what'])}" for item in e["items"]]
            out += [
                f"  - řádek {sample['row'] or ''}, {_md(sample['field'] or '')}: {_md(sample['type'])} "
                f"`{_md(sample['cell'])}`"
                for sample in e["samples"]
            ]
        out.append("")
    if audit.builds:
        out += ["## Původ odvozených datových sad", ""]
        out += [
            f"- `{b['table']}` ← {', '.join(f'`{t}`' for t in b['inputs'])}" for b in audit.builds
        ]
    return "\n".join(out) + "\n"
