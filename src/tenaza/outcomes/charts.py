"""Charts of one indicator: title, unit, source, dates in the reader's language, the intervention marked."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from tenaza.outcomes.locale import MONTHS_ES, fmt_month, fmt_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SOURCE = {"en": "Source", "es": "Fuente"}
INTERVENTION = {"en": "intervention", "es": "intervención"}
TARGET = {"en": "target", "es": "meta"}


def chart(values: pd.Series, *, title: str, unit: str, source: str, lang: str,
          intervention: date | None = None, targets: list[tuple[date, float]] | None = None) -> Figure:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(7.5, 3.4), dpi=110)
    ax = fig.add_subplot()
    idx = pd.DatetimeIndex(values.index)
    ax.plot(idx, values.to_numpy(), color="#1f4e79", linewidth=1.6, marker="o" if len(values) < 30 else None,
            markersize=3)
    if intervention is not None:
        ax.axvline(pd.Timestamp(intervention), color="#b03a2e", linestyle="--", linewidth=1.2)
        ax.annotate(f"{INTERVENTION[lang]} {fmt_month(intervention, lang)}", xy=(pd.Timestamp(intervention), 1.0),
                    xycoords=("data", "axes fraction"), xytext=(4, -12), textcoords="offset points",
                    color="#b03a2e", fontsize=8)
    for when, value in targets or []:
        ax.scatter([pd.Timestamp(when)], [value], marker="*", s=80, color="#2e7d32", zorder=3,
                   label=TARGET[lang])
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(unit, fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang)))
    if lang == "es":
        import matplotlib.dates as mdates

        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _: _es_tick(mdates.num2date(v).date(),  # type: ignore[no-untyped-call]  # matplotlib untyped
 span_years=(idx.max() - idx.min()).days / 365)))
    ax.grid(True, alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    last = fmt_month(idx.max().date(), lang)
    fig.text(0.01, 0.01, f"{SOURCE[lang]}: {source} · {last}", fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def _es_tick(d: date, span_years: float) -> str:
    return str(d.year) if span_years > 3 else f"{MONTHS_ES[d.month - 1][:3]} {d.year}"
