"""Deliberately malformed rows, a handful per world, each with the problem ingest must report.

Real files carry such rows (an impossible date, a letter typed into an amount, a missing key,
a code the mapping does not know). Ingest must quarantine exactly these rows, naming the column,
and load everything else. The manifest lists them per file under ``malformed``.
"""

from __future__ import annotations

import pyarrow as pa

from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources.layout import Layout
from tenaza.scenario.sources.writer import Output

# (layout, source text by canonical column, bad column, problem)
MALFORMED: tuple[tuple[Layout, dict[str, str], str, str], ...] = (
    (layouts.US_TXNS, {"txn_id": "FB9990000001", "ts": "02/30/2024|10:15:00", "to_account": "114900177-0001000022",
                       "amount": "8500.00", "currency": "USD", "channel": "CASH DEPOSIT"},
     "ts", "impossible date (30 February)"),
    (layouts.US_TXNS, {"txn_id": "FB9990000002", "ts": "03/14/2024|11:02:31", "from_account": "114900177-0001000022",
                       "amount": "120.00", "currency": "USD", "channel": "REVERSAL"},
     "channel", "transaction type the mapping does not know"),
    (layouts.MX_TXNS, {"txn_id": "MOV9990000001", "ts": "15/05/2024 09:41:07", "to_account": "072239000070271451",
                       "amount": "1.234,5O", "currency": "MXN", "channel": "DEPOSITO EN EFECTIVO"},
     "amount", "letter O typed for a zero in the amount"),
    (layouts.CBP_CROSSINGS, {"crossing_id": "", "ts": "06/02/2024|14:20", "port_code": "2304",
                             "conveyance": "COMMERCIAL TRUCK", "inspection": "PRIMARY", "outcome": "CLEARED"},
     "crossing_id", "missing crossing identifier"),
    (layouts.MX_IMPORTS, {"decl_id": "24 24 3037 4999001", "date": "2024-31-12", "port": "240", "currency": "MXN",
                          "value": "150000,00"},
     "date", "date written year-day-month"),
    (layouts.ATF_SALES, {"sale_id": "S999000001", "date": "", "ffl_id": "5-74-029-01-5K-12345",
                         "multiple_sale_report": "N"},
     "date", "missing sale date"),
    (layouts.US_PARTIES, {"party_id": "USP9990001", "kind": "TRUST", "name": "GARZA FAMILY TRUST"},
     "kind", "customer type the mapping does not know"),
)


def write_malformed(out: Output) -> int:
    """Append the malformed rows to their files (which must already have been written)."""
    n = 0
    for layout, text, column, problem in MALFORMED:
        values: dict[str, str | None] = {}
        for c in layout.columns:
            key = c.canonical or c.header
            raw = text.get(key)
            if raw is not None and "|" in raw and c.kind in ("date_part", "time_part"):
                raw = raw.split("|")[0 if c.kind == "date_part" else 1]
            values[c.header] = raw
        table = pa.table({h: pa.array([v], pa.string()) for h, v in values.items()})
        sink = out.sink(layout)
        sink.write(table)
        key_col = next(c.canonical for c in layout.columns if c.canonical)
        sink.malformed.append({"key": text.get(key_col, ""), "column": column, "problem": problem,
                               "line": sink.rows + 1})
        n += 1
    return n
