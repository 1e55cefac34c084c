"""Styles of a generated world: the same planted cases written the way other people's data looks.

A detector can overfit to what one generator always does: dollar amounts of a certain size,
two currencies, a year of history, readable account numbers, a customer file, an id on every
row. A style rewrites a world after it is generated so that one or more of these change while
the cases stay the same records, and rewrites truth.parquet and manifest.json with them, so
``tenaza evaluate`` still scores against what was planted.

- ``amount_scale``: every transaction amount (and its dollar amount) times a factor (0.01–100);
  counts, counterparties and times do not change.
- ``currencies``: each sending account keeps its money in one currency drawn from the mix (by a
  hash of the account id, so every row of the account agrees); amounts are converted from their
  US-dollar value at the ECB reference rate of the row's own date (``currencyconverter``).
  Codes without any published rate (crypto-like ``XBT``, ``USDT``) get a rate only the generator
  knows. The US-dollar column of the extract is emptied for rows in a third currency, and a
  mapping that read the dollar amount from the amount column no longer does: pricing the money
  is the reader's job, as with a real multi-currency extract.
- ``days``: every date and time of the world is moved by ``start + (t - start) * days / 366``,
  so a world of ten days or three years holds the same records. Pattern timings scale with the
  span (a two-day pass-through becomes about an hour in ten days, six days in three years):
  the style changes both the span and the timing of the patterns. Birth dates are kept.
- ``ids``: account and transaction identifiers rewritten as opaque ``numeric`` numbers or
  ``uuid`` strings, consistently in every file, the truth and the malformed-row list.
- ``parties``: ``False`` removes the customer registries (and their truth rows and the
  resolution answer key): accounts name holders nobody describes.
- ``txn_ids``: ``False`` drops the id column of every transaction file; the mappings build the
  id from the file and line (``txn_id: {line: true}``), and the truth is keyed the same way.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources.layout import Layout

IdFormat = Literal["native", "numeric", "uuid"]
BASE_DAYS = 366  # the span every world is generated over

# Crypto-like codes: no central bank publishes a rate, so nothing outside the generator can price
# them. Units per US dollar, fixed (the point is that they cannot be converted, not their level).
UNPRICED = {"XBT": 1 / 60_000, "USDT": 1.0, "XETH": 1 / 3_000}
ZERO_DECIMALS = {"JPY", "KRW", "CLP", "XBT", "XETH"}  # written without cents (crypto: 8 decimals)


@dataclass(frozen=True)
class Style:
    name: str
    description: str
    amount_scale: float = 1.0
    currencies: tuple[tuple[str, float], ...] = ()  # (code, share); empty: as generated (USD, MXN)
    days: int = BASE_DAYS
    ids: IdFormat = "native"
    parties: bool = True
    txn_ids: bool = True

    def __post_init__(self) -> None:
        if not 0.001 <= self.amount_scale <= 1_000:
            raise ValueError(f"style {self.name}: amount_scale {self.amount_scale} outside 0.001–1000")
        if not 5 <= self.days <= 3 * 3_660:
            raise ValueError(f"style {self.name}: days {self.days} outside 5–10980")
        if self.currencies and not math.isclose(sum(s for _, s in self.currencies), 1.0, abs_tol=1e-6):
            raise ValueError(f"style {self.name}: currency shares sum to {sum(s for _, s in self.currencies)}, not 1")

    @property
    def is_default(self) -> bool:
        return self == Style(self.name, self.description)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "amount_scale": self.amount_scale, "currencies": dict(self.currencies),
                "days": self.days, "ids": self.ids, "parties": self.parties, "txn_ids": self.txn_ids}


MANY = (("USD", 0.30), ("MXN", 0.15), ("EUR", 0.15), ("GBP", 0.10), ("JPY", 0.08), ("CNY", 0.08),
        ("CAD", 0.04), ("CHF", 0.04), ("XBT", 0.03), ("USDT", 0.03))

STYLES: dict[str, Style] = {s.name: s for s in (
    Style("default", "as generated: dollars and pesos, a year, native ids, customer files, an id per row"),
    Style("cents", "every amount x0.01", amount_scale=0.01),
    Style("hundredfold", "every amount x100", amount_scale=100.0),
    Style("currencies", "ten currencies incl. EUR, GBP, JPY, CNY and unpriced crypto codes", currencies=MANY),
    Style("ten_days", "the year squeezed into ten days (patterns squeezed with it)", days=10),
    Style("three_years", "the year stretched over three years (patterns stretched with it)", days=1_096),
    Style("opaque_ids", "account and transaction ids as UUIDs", ids="uuid"),
    Style("no_parties", "no customer files", parties=False),
    Style("no_txn_id", "transactions without an id column (id from file and line)", txn_ids=False),
    Style("bank_extract", "ten days, ten currencies, numeric ids, no customer file, no transaction id",
          currencies=MANY, days=10, ids="numeric", parties=False, txn_ids=False),
)}


def combine(names: Iterable[str]) -> Style:
    """Styles named together (``cents,no_parties``): each later one sets what differs from the default."""
    base = Style("default", STYLES["default"].description)
    out = base
    picked = []
    for raw in names:
        name = raw.strip()
        if name not in STYLES:
            raise ValueError(f"style {name!r}: expected one of {', '.join(STYLES)}")
        picked.append(name)
        s = STYLES[name]
        changes = {f: getattr(s, f) for f in ("amount_scale", "currencies", "days", "ids", "parties", "txn_ids")
                   if getattr(s, f) != getattr(base, f)}
        out = replace(out, **changes)
    if len(picked) == 1:
        return STYLES[picked[0]]
    return replace(out, name="+".join(picked), description="; ".join(STYLES[n].description for n in picked))


# ----------------------------------------------------------------------------------------------
# reading and writing the generated files


@dataclass
class _File:
    layout: Layout
    path: Path
    header: list[str]
    rows: list[list[str]]
    quote_all: bool
    extra_lines: int = 0  # physical lines a row takes beyond one (never, checked on read)

    def col(self, canonical: str, kind: str | None = None) -> int | None:
        for c in self.layout.columns:
            if c.canonical == canonical and (kind is None or c.kind == kind):
                return self.header.index(c.header)
        for c in self.layout.columns:
            if c.also == canonical:
                return self.header.index(c.header)
        return None

    def write(self) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=self.layout.delimiter, lineterminator="\n",
                       quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL)
        w.writerow(self.header)
        w.writerows(self.rows)
        self.path.write_bytes(buf.getvalue().encode(self.layout.encoding))


def _read(layout: Layout, path: Path) -> _File:
    text = path.read_bytes().decode(layout.encoding)
    second = text.find("\n") + 1
    quote_all = text.startswith('"', second)  # the US files quote every value (their header is bare)
    rows = list(csv.reader(io.StringIO(text), delimiter=layout.delimiter))
    header, body = rows[0], rows[1:]
    physical = text.count("\n")
    if physical != len(rows):
        raise ValueError(f"{path.name}: {physical} lines but {len(rows)} rows; a value holds a line break, "
                         "so line numbers would not name rows")
    return _File(layout, path, header, body, quote_all)


# ----------------------------------------------------------------------------------------------
# the transforms


def _num(text: str, decimal: str) -> float | None:
    t = text.strip()
    if decimal == ",":
        t = t.replace(".", "").replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def _fmt(value: float, decimal: str, places: int = 2) -> str:
    s = f"{value:.{places}f}"
    return s.replace(".", ",") if decimal == "," else s


def _places(currency: str) -> int:
    if currency in ("XBT", "XETH"):
        return 8
    return 0 if currency in ZERO_DECIMALS else 2


def _scale_amounts(f: _File, factor: float) -> None:
    cur = f.col("currency")
    for j in {x for x in (f.col("amount", "money"), f.col("amount_usd", "money")) if x is not None}:
        for row in f.rows:
            v = _num(row[j], f.layout.decimal)
            if v is None:  # a malformed amount stays as malformed as it was
                continue
            places = _places(row[cur]) if cur is not None else 2
            scaled = round(v * factor, places)
            if v > 0 and scaled == 0:
                scaled = 10.0 ** -places  # the smallest amount the currency writes, not a zero
            row[j] = _fmt(scaled, f.layout.decimal, places)


@cache
def _converter() -> Any:
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@cache
def units_per_usd(currency: str, day: date) -> float:
    """Units of ``currency`` one US dollar buys on ``day`` (ECB reference rates; UNPRICED for crypto)."""
    if currency == "USD":
        return 1.0
    if currency in UNPRICED:
        return UNPRICED[currency]
    return float(_converter().convert(1.0, "USD", currency, date=day))


def _pick(key: str, mix: tuple[tuple[str, float], ...], salt: str) -> str:
    u = int.from_bytes(hashlib.blake2b(f"{salt}:{key}".encode(), digest_size=8).digest(), "big") / 2**64
    acc = 0.0
    for code, share in mix:
        acc += share
        if u < acc:
            return code
    return mix[-1][0]


def _parse_day(f: _File, row: list[str]) -> date | None:
    lay = f.layout
    j = f.col("ts", "date_part")
    if j is None:
        j = f.col("ts", "datetime")
    if j is None:
        return None
    try:
        return datetime.strptime(row[j].split(" ")[0], lay.date_format).date()
    except ValueError:
        return None


def _recurrency(f: _File, mix: tuple[tuple[str, float], ...]) -> int:
    """Rewrite amounts in the sender's currency; returns the rows moved to another currency."""
    amount, usd, cur, sender = f.col("amount", "money"), f.col("amount_usd", "money"), f.col("currency"), \
        f.col("from_account")
    if amount is None or cur is None:
        return 0
    dec = f.layout.decimal
    separate_usd = usd is not None and usd != amount
    moved = 0
    for row in f.rows:
        if separate_usd and usd is not None:
            v = _num(row[usd], dec)
        else:
            v = _num(row[amount], dec) if row[cur] == "USD" else None
        day = _parse_day(f, row)
        if v is None or day is None:
            continue
        key = row[sender] if sender is not None and row[sender] else (row[f.col("to_account") or 0] or "cash")
        code = _pick(key, mix, "currency")
        if code == row[cur]:
            continue
        places = _places(code)
        value = round(v * units_per_usd(code, day), places)
        row[amount] = _fmt(max(value, 10.0 ** -places), dec, places)
        row[cur] = code
        if separate_usd and usd is not None and code not in ("USD", "MXN"):
            row[usd] = ""  # the extract prices only its own currencies
        elif separate_usd and usd is not None and code == "USD":
            row[usd] = row[amount]
        moved += 1
    return moved


def _mapping_drops_usd_alias(mapping: dict[str, Any]) -> bool:
    """A mapping that read amount_usd from the amount column reads it no more (the currency varies)."""
    cols = mapping.get("columns", {})
    usd, amount = cols.get("amount_usd"), cols.get("amount")
    if usd is not None and amount is not None and usd.get("from") == amount.get("from"):
        del cols["amount_usd"]
        return True
    return False


def _shift_time(f: _File, start: datetime, factor: float) -> None:
    lay = f.layout

    def move(t: datetime) -> datetime:
        return start + timedelta(seconds=round((t - start).total_seconds() * factor))

    pairs: dict[str, tuple[int | None, int | None]] = {}
    for c in lay.columns:
        if c.canonical is None or c.canonical == "dob":
            continue
        j = f.header.index(c.header)
        if c.kind == "date_part":
            pairs[c.canonical] = (j, pairs.get(c.canonical, (None, None))[1])
        elif c.kind == "time_part":
            pairs[c.canonical] = (pairs.get(c.canonical, (None, None))[0], j)
        elif c.kind in ("date", "datetime"):
            fmt = lay.date_format if c.kind == "date" else f"{lay.date_format} {lay.time_format}"
            _shift_column(f.rows, j, None, fmt, None, move)
    for dj, tj in pairs.values():
        if dj is not None:
            _shift_column(f.rows, dj, tj, lay.date_format, lay.time_format, move)


def _shift_column(rows: list[list[str]], j: int, tj: int | None, fmt: str, tfmt: str | None,
                  move: Callable[[datetime], datetime]) -> None:
    for row in rows:
        try:
            if tj is not None and tfmt is not None:
                t = datetime.strptime(f"{row[j]} {row[tj]}", f"{fmt} {tfmt}")
            else:
                t = datetime.strptime(row[j], fmt)
        except ValueError:  # empty, or a deliberately malformed date: left as it was
            continue
        m = move(t)
        if tj is not None and tfmt is not None:
            row[j], row[tj] = m.strftime(fmt), m.strftime(tfmt)
        else:
            row[j] = m.strftime(fmt)


def _new_id(old: str, fmt: IdFormat, kind: str) -> str:
    h = hashlib.blake2b(f"{kind}:{old}".encode(), digest_size=16).hexdigest()
    if fmt == "uuid":
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    return str(int(h[:15], 16))  # numeric: up to 18 digits, no prefix, no check digit


# ----------------------------------------------------------------------------------------------


@dataclass
class Applied:
    style: Style
    notes: list[str] = field(default_factory=list)


def apply(out_dir: Path | str, style: Style) -> Applied:
    """Rewrite a generated world in ``out_dir`` (files, mappings, manifest, truth) to ``style``."""
    out = Path(out_dir)
    result = Applied(style)
    if style.is_default:
        return result
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    by_name = {lay.file_name: lay for lay in layouts.ALL}
    truth = pq.read_table(out / manifest["truth"]).to_pylist()
    start = datetime.fromisoformat(manifest["start"])
    kept_files = []
    txn_map: dict[str, str] = {}
    acct_map: dict[str, str] = {}
    for entry in manifest["files"]:
        lay = by_name[entry["file"]]
        path = out / entry["file"]
        mapping_path = out / entry["mapping"]
        if lay.table == "parties" and not style.parties:
            path.unlink()
            mapping_path.unlink()
            result.notes.append(f"{entry['file']} removed")
            continue
        kept_files.append(entry)
        touches_time = style.days != BASE_DAYS
        touches_money = lay.table == "transactions" and (style.amount_scale != 1 or style.currencies)
        touches_ids = style.ids != "native" and lay.table in ("transactions", "accounts")
        touches_txn = lay.table == "transactions" and not style.txn_ids
        if not (touches_time or touches_money or touches_ids or touches_txn):
            continue
        f = _read(lay, path)
        mapping = yaml.safe_load(mapping_path.read_text())
        if touches_time:
            _shift_time(f, start, style.days / BASE_DAYS)
        if lay.table == "transactions" and style.currencies:
            moved = _recurrency(f, style.currencies)
            if _mapping_drops_usd_alias(mapping):
                result.notes.append(f"{entry['file']}: amount_usd no longer read from the amount column")
            result.notes.append(f"{entry['file']}: {moved:,} of {len(f.rows):,} rows in another currency")
        if lay.table == "transactions" and style.amount_scale != 1:
            _scale_amounts(f, style.amount_scale)
            result.notes.append(f"{entry['file']}: amounts x{style.amount_scale:g}")
        if touches_ids:
            for canon in ("account_id", "from_account", "to_account"):
                j = f.col(canon)
                if j is None:
                    continue
                for row in f.rows:
                    if row[j]:
                        row[j] = acct_map.setdefault(row[j], _new_id(row[j], style.ids, "account"))
            j = f.col("txn_id")
            if j is not None:
                for row in f.rows:
                    if row[j]:
                        row[j] = txn_map.setdefault(row[j], _new_id(row[j], style.ids, "txn"))
        if touches_txn:
            j = f.col("txn_id")
            assert j is not None
            original = {v: k for k, v in txn_map.items()}
            for line, row in enumerate(f.rows, start=2):  # the header is line 1
                txn_map[original.get(row[j], row[j])] = f"{entry['file']}:{line}"
                del row[j]
            f.header.pop(j)
            mapping["columns"]["txn_id"] = {"line": True}
        f.write()
        mapping_path.write_text(yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True))
    manifest["files"] = kept_files
    if not style.parties:
        truth = [r for r in truth if r["table"] != "parties"]
        if manifest.get("identities"):
            (out / manifest["identities"]).unlink(missing_ok=True)
            manifest["identities"] = None
    for r in truth:
        if r["table"] == "transactions" and r["key"] in txn_map:
            r["key"] = txn_map[r["key"]]
            r["subject"] = f"txn:{r['key']}"
        elif r["table"] == "accounts" and r["key"] in acct_map:
            r["key"] = acct_map[r["key"]]
            r["subject"] = f"account:{r['key']}"
    for m in manifest.get("malformed_rows", []):
        if m["file"] in {e["file"] for e in kept_files}:
            m["key"] = txn_map.get(m["key"], m["key"])
    manifest["malformed_rows"] = [m for m in manifest.get("malformed_rows", [])
                                  if m["file"] in {e["file"] for e in kept_files}]
    manifest["days"] = style.days
    manifest["style"] = style.as_dict()
    schema = pq.read_schema(out / manifest["truth"])
    pq.write_table(pa.Table.from_pylist(truth, schema=schema), out / manifest["truth"])
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return result
