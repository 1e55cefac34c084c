"""Charts of one indicator: title, unit, source, dates in the reader's language, the intervention marked."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from tenaza.outcomes.locale import MONTHS_ES, fmt_month, fmt_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

SOURCE = {"en": "Source", "es": "Fuente"}
INTERVENTION = {"en": "intervention", "es": "intervención"}
TARGET = {"en": "target", "es": "meta"}


def chart(values: pd.Series, *, title: str, unit: str, source: str, lang: str,
          intervention: date | None = None, targets: list[tuple[date, float]] | None = None) -> Figure:
    """The chart as a figure of its own (PNG for the HTML brief and ``--plot``)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.4), dpi=110)
    draw(fig, values, title=title, unit=unit, source=source, lang=lang, intervention=intervention, targets=targets)
    return fig


def draw(fig: FigureBase, values: pd.Series, *, title: str, unit: str, source: str, lang: str,
         intervention: date | None = None, targets: list[tuple[date, float]] | None = None) -> None:
    """Draw into ``fig``: a figure, or one panel (subfigure) of a PDF page.

    A value stands in the middle of the period it covers (a year's value across that year, not on
    the 31 December that ends it), so that it reads against the date ticks."""
    from matplotlib.ticker import FuncFormatter

    ax = fig.add_subplot()
    idx = pd.DatetimeIndex(values.index)
    x = idx - _half_period(idx)
    ax.plot(x, values.to_numpy(), color="#1f4e79", linewidth=1.6, marker="o" if len(values) < 30 else None,
            markersize=3)
    if intervention is not None:
        ax.axvline(pd.Timestamp(intervention), color="#b03a2e", linestyle="--", linewidth=1.2)
        late = len(x) > 1 and pd.Timestamp(intervention) > x.min() + 0.7 * (x.max() - x.min())
        ax.annotate(f"{INTERVENTION[lang]} {fmt_month(intervention, lang)}", xy=(pd.Timestamp(intervention), 1.0),
                    xycoords=("data", "axes fraction"), xytext=(-4 if late else 4, -12), textcoords="offset points",
                    ha="right" if late else "left", color="#b03a2e", fontsize=8)  # label stays inside the axes
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
    fig.subplots_adjust(left=0.14, right=0.98, bottom=0.17, top=0.88)  # room for "110 000" and the unit


def _half_period(idx: pd.DatetimeIndex) -> pd.Timedelta:
    """Half the typical spacing of the periods (none for a single value)."""
    if len(idx) < 2:
        return pd.Timedelta(0)
    return pd.Series(idx).diff().median() / 2


def _es_tick(d: date, span_years: float) -> str:
    return str(d.year) if span_years > 3 else f"{MONTHS_ES[d.month - 1][:3]} {d.year}"
