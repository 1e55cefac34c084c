"""Source layouts: how one agency's file writes a canonical table, and the mapping that reads it back.

A layout names each source column, the canonical column it fills, how its values are written
(date order, decimal mark, Spanish value names) and the file's delimiter and encoding. The
mapping YAML that ``tenaza ingest`` needs is derived from the same declaration, so the writer
and the mapping can never disagree.

Formatting is vectorised: dates are formatted once per distinct day and spread with ``take``;
times of day come from a table of 86,400 strings; amounts are built from integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Kind = Literal["str", "date", "date_part", "time_part", "datetime", "money", "qty", "bool", "list"]


@dataclass(frozen=True)
class Col:
    header: str
    canonical: str | None  # None: a source column no canonical column takes (kept in extras)
    kind: Kind = "str"
    values: dict[str, str] = field(default_factory=dict)  # canonical value -> source spelling
    also: str | None = None  # a second canonical column the same source column fills (amount_usd of USD files)


@dataclass(frozen=True)
class Layout:
    name: str  # file stem
    table: str
    description: str
    originator: str
    releasable_to: tuple[str, ...]
    columns: tuple[Col, ...]
    delimiter: str = ","
    encoding: str = "utf-8"
    dates: Literal["dmy", "mdy"] = "mdy"
    decimal: Literal[".", ","] = "."
    date_format: str = "%m/%d/%Y"
    time_format: str = "%H:%M:%S"
    bool_words: tuple[str, str] = ("Y", "N")
    constants: dict[str, str] = field(default_factory=dict)  # canonical column -> value for every row

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def mapping(self) -> dict[str, Any]:
        """The mapping file contents, as tenaza.ingest.mapping.Mapping reads them."""
        cols: dict[str, dict[str, Any]] = {}
        for c in self.columns:
            if c.canonical is None:
                continue
            entry = cols.setdefault(c.canonical, {"from": []})
            entry["from"].append(c.header)
            if c.kind in ("date", "date_part", "time_part", "datetime"):
                parts = [x for x in self.columns if x.canonical == c.canonical]
                fmt = " ".join(self.date_format if x.kind in ("date", "date_part") else
                               self.time_format if x.kind == "time_part" else
                               f"{self.date_format} {self.time_format}" for x in parts)
                entry["format"] = fmt
            if c.values:
                entry["values"] = {src: canon for canon, src in c.values.items()}
            if c.kind == "bool":
                entry["values"] = {self.bool_words[0]: "true", self.bool_words[1]: "false"}
            if c.kind == "list":
                entry["split"] = ";"
        for c in self.columns:
            if c.also:
                cols[c.also] = {"from": [c.header]}
        for name, value in self.constants.items():
            cols[name] = {"value": value}
        for entry in cols.values():
            if "from" in entry and len(entry["from"]) == 1:
                entry["from"] = entry["from"][0]
        return {"table": self.table, "description": self.description, "delimiter": self.delimiter,
                "encoding": self.encoding, "dates": self.dates, "decimal": self.decimal, "columns": cols}

    def render(self, data: dict[str, Any], n: int) -> pa.Table:
        """A table of source text for n rows. ``data`` maps each header (or canonical name) to values:
        numpy datetime64[D] for dates, int64 epoch seconds for timestamps, floats for amounts."""
        out: dict[str, pa.Array] = {}
        for c in self.columns:
            v = data.get(c.header, data.get(c.canonical or "", None))
            out[c.header] = self._format(c, v, n)
        return pa.table(out)

    def _format(self, c: Col, v: Any, n: int) -> pa.Array:
        if v is None:
            return pa.nulls(n, pa.string())
        if c.kind == "date":
            return format_days(np.asarray(v), self.date_format)
        if c.kind in ("date_part", "datetime", "time_part"):
            secs = np.asarray(v, dtype=np.int64)
            day = (secs // 86_400).astype("datetime64[D]")
            if c.kind == "date_part":
                return format_days(day, self.date_format)
            clock = format_clock(secs % 86_400, self.time_format)
            if c.kind == "time_part":
                return clock
            return pc.binary_join_element_wise(format_days(day, self.date_format), clock, " ")
        if c.kind in ("money", "qty"):
            return format_decimal(np.asarray(v, dtype=np.float64), 2 if c.kind == "money" else 3, self.decimal)
        if c.kind == "bool":
            arr = np.asarray(v)
            return pa.array(np.where(arr.astype(bool), self.bool_words[0], self.bool_words[1]))
        arr = v if isinstance(v, pa.Array | pa.ChunkedArray) else _strings(v)
        if c.values:
            keys = pa.array(list(c.values))
            idx = pc.index_in(arr, value_set=keys)
            arr = pc.if_else(pc.is_null(idx), arr, pa.array(list(c.values.values())).take(idx))
        return arr


def _strings(v: Any) -> pa.Array:
    try:
        return pa.array(v, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers in a text column (codes, counts): write them as text
        return pa.array([None if x is None else str(x) for x in v], type=pa.string())


_CLOCK: dict[str, pa.Array] = {}


def format_clock(seconds_of_day: np.ndarray, fmt: str) -> pa.Array:
    if fmt not in _CLOCK:
        s = np.arange(86_400)
        _CLOCK[fmt] = pa.array([fmt.replace("%H", f"{h:02d}").replace("%M", f"{m:02d}").replace("%S", f"{x:02d}")
                                for h, m, x in zip(s // 3600, s // 60 % 60, s % 60, strict=True)])
    return _CLOCK[fmt].take(pa.array(seconds_of_day.astype(np.int64)))


def format_days(days: np.ndarray, fmt: str) -> pa.Array:
    """Dates as text; NaT becomes empty. Each distinct day is formatted once."""
    d = days.astype("datetime64[D]")
    valid = ~np.isnat(d)
    ints = np.where(valid, d.astype(np.int64), 0)
    uniq, inv = np.unique(ints, return_inverse=True)
    text = pa.array([datetime.fromtimestamp(int(u) * 86_400, UTC).strftime(fmt) for u in uniq], pa.string())
    out = text.take(pa.array(inv.astype(np.int64)))
    return out if valid.all() else pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def format_decimal(x: np.ndarray, places: int, mark: str) -> pa.Array:
    """Fixed-point text from floats (no thousands separator); NaN becomes empty."""
    valid = ~np.isnan(x)
    scaled = np.round(np.where(valid, np.abs(x), 0) * 10**places).astype(np.int64)
    whole = pa.array(scaled // 10**places).cast(pa.string())
    frac = pc.utf8_lpad(pa.array(scaled % 10**places).cast(pa.string()), places, "0")
    text = pc.binary_join_element_wise(whole, frac, mark)
    neg = x < 0
    if neg.any():
        text = pc.if_else(pa.array(neg), pc.binary_join_element_wise(pa.scalar("-"), text, ""), text)
    return text if valid.all() else pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))
