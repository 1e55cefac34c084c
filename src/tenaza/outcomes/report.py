"""The brief: each pillar's indicators with a chart, the latest value, the trend and any evaluation,
in English and/or Spanish, as one self-contained HTML file (charts inlined as PNG, system fonts,
no script) and one PDF per language (matplotlib's PDF backend: offline, fonts embedded)."""

from __future__ import annotations

import base64
import html
import io
import logging
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tenaza.errors import OutcomesError
from tenaza.outcomes.charts import chart, draw
from tenaza.outcomes.evaluate import Effect
from tenaza.outcomes.framework import Framework, Indicator
from tenaza.outcomes.locale import fmt_date, fmt_month, fmt_number, fmt_unit
from tenaza.outcomes.series import Series
from tenaza.outcomes.service import series_of
from tenaza.store import Workspace

log = logging.getLogger("tenaza")

T = {
    "latest": {"en": "Latest", "es": "Último dato"},
    "trend": {"en": "Change from a year earlier", "es": "Cambio respecto a un año antes"},
    "prev": {"en": "Change from the period before", "es": "Cambio respecto al periodo anterior"},
    "good": {"en": "better", "es": "mejor"},
    "bad": {"en": "worse", "es": "peor"},
    "nodata_ws": {"en": "Nothing counted yet: this indicator is counted from the workspace's own tables, which hold no "
                        "such rows (load them with `tenaza ingest`, then run `tenaza analyze`).",
                  "es": "Nada contado todavía: este indicador se cuenta de las tablas del propio espacio de trabajo, "
                        "que no tienen tales filas (cárguelas con `tenaza ingest` y ejecute `tenaza analyze`)."},
    "nodata": {"en": "No values in this workspace yet (load them with `tenaza outcomes load`).",
               "es": "Aún no hay valores en este espacio de trabajo (cárguelos con `tenaza outcomes load`)."},
    "generated": {"en": "Generated", "es": "Generado"},
    "evaluations": {"en": "Evaluations", "es": "Evaluaciones"},
    "contents": {"en": "Contents: pillars and indicators with values", "es": "Contenido: pilares e indicadores con valores"},
    "brief": {"en": "Results brief", "es": "Informe de resultados"},
    "source": {"en": "Source", "es": "Fuente"},
    "workspace": {"en": "Workspace", "es": "Espacio de trabajo"},
    "direction_up": {"en": "up is good", "es": "subir es bueno"},
    "direction_down": {"en": "down is good", "es": "bajar es bueno"},
    "target": {"en": "Target", "es": "Meta"},
}


@dataclass
class Row:
    indicator: Indicator
    series: Series | None
    effects: list[Effect] = field(default_factory=list)
    intervention: date | None = None


def _trend(s: Series, lang: str, up_is_good: bool) -> str:
    v = s.values
    if len(v) < 2:
        return ""
    last_t = pd.Timestamp(v.index[-1])
    if s.monthly:
        earlier = v[v.index <= last_t - pd.DateOffset(months=12)]
        label = T["trend"][lang]
    else:
        earlier = v.iloc[:-1]
        label = T["prev"][lang]
    if earlier.empty or earlier.iloc[-1] == 0:
        return ""
    change = 100 * (v.iloc[-1] / earlier.iloc[-1] - 1)
    if abs(change) < 0.05:
        return f"{label}: {fmt_number(0.0, lang)} %"
    better = (change > 0) == up_is_good
    return f"{label}: {'+' if change > 0 else ''}{fmt_number(change, lang)} % ({T['good' if better else 'bad'][lang]})"


def _png(row: Row, lang: str) -> bytes:
    assert row.series is not None
    targets = [(t.date, t.value) for t in row.indicator.targets]
    fig = chart(row.series.values, title=row.indicator.title(lang), unit=fmt_unit(row.series.unit or row.indicator.unit, lang),
                source=row.series.publisher or row.indicator.source, lang=lang, intervention=row.intervention,
                targets=targets)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


CSS = """body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:62em;margin:2em auto;color:#222;
line-height:1.4}h1{color:#1f4e79}h2{border-bottom:2px solid #1f4e79;color:#1f4e79;margin-top:2em}
.ind{margin:1em 0 2em}.facts{color:#333;font-size:.95em}.eval{background:#f3f6fa;padding:.5em 1em;
border-left:4px solid #b03a2e}img{max-width:100%}.muted{color:#666;font-size:.85em}"""


def _html(fw: Framework, rows: dict[str, Row], lang: str, ws_name: str, today: date) -> str:
    title = html.escape(fw.title(lang))
    stamp = f"{T['generated'][lang]} {fmt_date(today, lang)} · {T['workspace'][lang]} {html.escape(ws_name)}"
    parts = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>',
             f"<style>{CSS}</style></head><body>",
             f"<h1>{T['brief'][lang]}: {title}</h1>",
             f'<p class="muted">{stamp}</p>']
    for pillar in fw.pillars:
        parts.append(f"<h2>{html.escape(pillar.title(lang))}</h2>")
        for obj in pillar.objectives:
            parts.append(f"<h3>{html.escape(obj.title(lang))}</h3>")
            for ind in obj.indicators:
                row = rows[ind.id]
                parts.append('<div class="ind">')
                if row.series is None or row.series.values.empty:
                    parts.append(f"<p><b>{html.escape(ind.title(lang))}</b>: {_nodata(ind, lang)}</p></div>")
                    continue
                img = base64.b64encode(_png(row, lang)).decode("ascii")
                alt = html.escape(ind.title(lang))
                parts.append(f'<img alt="{alt}" src="data:image/png;base64,{img}">')
                parts.append(f'<p class="facts">{_facts(row, lang)}</p>')
                for e in row.effects:
                    parts.append(f'<p class="eval">{html.escape(e.sentence(lang))}</p>')
                parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _facts(row: Row, lang: str) -> str:
    assert row.series is not None
    v = row.series.values
    ind = row.indicator
    when = pd.Timestamp(v.index[-1]).date()
    period = fmt_month(when, lang) if row.series.monthly else str(when.year)
    latest = fmt_number(float(v.iloc[-1]), lang)
    bits = [f"{T['latest'][lang]} ({period}): <b>{latest}</b> {html.escape(fmt_unit(row.series.unit or ind.unit, lang))}",
            _trend(row.series, lang, ind.direction == "up_is_good"),
            T["direction_up" if ind.direction == "up_is_good" else "direction_down"][lang]]
    for t in ind.targets:
        bits.append(f"{T['target'][lang]} {fmt_date(t.date, lang)}: {fmt_number(t.value, lang)}")
    bits.append(f"{T['source'][lang]}: {html.escape(row.series.publisher or ind.source)}")
    return " · ".join(b for b in bits if b)


def _pdf(fw: Framework, rows: dict[str, Row], lang: str, path: Path, ws_name: str, today: date) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    A4 = (8.27, 11.69)
    chart_h = 3.4 / A4[1]  # one chart panel, as a fraction of the page

    def write(pdf: Any, lines: list[tuple[str, float, str]]) -> tuple[Figure, float]:  # PdfPages: untyped
        """Lines on new pages, as many as they fill; the last page and where on it the next thing may start."""
        page, y = Figure(figsize=A4), 0.95
        for text, size, weight in lines:
            for piece in textwrap.wrap(text, width=int(95 * 10 / size)) or [""]:
                if y < 0.05:
                    pdf.savefig(page)
                    page, y = Figure(figsize=A4), 0.95
                page.text(0.07, y, piece, fontsize=size, weight=weight, va="top")
                y -= size / A4[1] / 72 * 1.5
            y -= 0.006
        return page, y

    with PdfPages(path) as pdf:
        stamp = f"{T['generated'][lang]} {fmt_date(today, lang)} · {T['workspace'][lang]} {ws_name}"
        cover: list[tuple[str, float, str]] = [(T["brief"][lang], 20, "bold"), (fw.title(lang), 13, "normal"),
                                               (stamp, 9, "normal"), ("", 9, "normal")]
        effects = [e for r in rows.values() for e in r.effects]
        if effects:
            cover.append((T["evaluations"][lang], 13, "bold"))
            cover += [(e.sentence(lang), 10, "normal") for e in effects]
        # the cover also lists what follows, so a reader sees at once which pillars have figures
        cover += [("", 9, "normal"), (T["contents"][lang], 13, "bold")]
        for pillar in fw.pillars:
            inds = [i for o in pillar.objectives for i in o.indicators]
            series = [rows[i.id].series for i in inds]
            with_values = len([x for x in series if x is not None and not x.values.empty])
            cover.append((f"{pillar.title(lang)}: {with_values} / {len(inds)}", 10, "normal"))
        page, _ = write(pdf, cover)
        pdf.savefig(page)
        for pillar in fw.pillars:  # a pillar starts a page: its facts, then its charts below them
            lines: list[tuple[str, float, str]] = [(pillar.title(lang), 16, "bold")]
            charts: list[Row] = []
            for obj in pillar.objectives:
                lines.append((obj.title(lang), 12, "bold"))
                for ind in obj.indicators:
                    row = rows[ind.id]
                    if row.series is None or row.series.values.empty:
                        lines.append((f"{ind.title(lang)}: {_nodata(ind, lang)}", 10, "normal"))
                        continue
                    facts = html.unescape(_facts(row, lang).replace("<b>", "").replace("</b>", ""))
                    lines.append((f"{ind.title(lang)}. {facts}", 10, "normal"))
                    lines += [(e.sentence(lang), 10, "normal") for e in row.effects]
                    charts.append(row)
            page, y = write(pdf, lines)
            y -= 0.01
            for row in charts:
                if y - chart_h < 0.03:
                    pdf.savefig(page)
                    page, y = Figure(figsize=A4), 0.96
                # a subfigure takes its place from the grid's ratios only: rows above, the chart, below
                grid = page.add_gridspec(3, 3, height_ratios=[1 - y, chart_h, y - chart_h],
                                         width_ratios=[0.03, 0.94, 0.03])
                assert row.series is not None
                draw(page.add_subfigure(grid[1, 1]), row.series.values, title=row.indicator.title(lang),
                     unit=fmt_unit(row.series.unit or row.indicator.unit, lang),
                     source=row.series.publisher or row.indicator.source, lang=lang,
                     intervention=row.intervention, targets=[(t.date, t.value) for t in row.indicator.targets])
                y -= chart_h + 0.01
            pdf.savefig(page)


def build_report(ws: Workspace, fw: Framework, out_dir: Path, *, langs: tuple[str, ...] = ("en", "es"),
                 effects: dict[str, tuple[date, list[Effect]]] | None = None,
                 today: date | None = None) -> list[Path]:
    """Write ``brief.<lang>.html`` and ``brief.<lang>.pdf`` for each language; return their paths."""
    today = today or date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, Row] = {}
    for ind in fw.indicators():
        try:
            s: Series | None = series_of(ws, ind)
        except OutcomesError as exc:
            log.info("report: %s", exc)
            s = None
        when, found = (effects or {}).get(ind.id, (None, []))
        rows[ind.id] = Row(ind, s, found, when)
    written = []
    for lang in langs:
        page = out_dir / f"brief.{lang}.html"
        page.write_text(_html(fw, rows, lang, ws.path.name, today), encoding="utf-8")
        pdf = out_dir / f"brief.{lang}.pdf"
        _pdf(fw, rows, lang, pdf, ws.path.name, today)
        written += [page, pdf]
        log.info("report: wrote %s and %s", page, pdf)
    return written


def _nodata(ind: Indicator, lang: str) -> str:
    """Why an indicator shows no values, and what to do: a workspace-counted one needs rows, not a series file."""
    return T["nodata_ws" if ind.from_workspace else "nodata"][lang]
