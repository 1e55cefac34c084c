"""Link the guns traced in Mexico to their first retail sale in the US.

A trace names a serial number, make, model and caliber, and often the dealer (FFL) and the
purchase date that ATF's trace found. A sale names the same. The link:

1. **Normal forms** (``normalize``): serials without punctuation, O read as 0 and I as 1,
   leading zeros of digit runs dropped; makes and calibers through alias tables.
2. **Exact candidates**: same normal serial, and makes that agree where both are known (the
   same serial on two makes is two guns).
3. **Fuzzy candidates** for traces with no exact one: serials that share a *deletion key*
   (the serial with one character removed, or whole). One typed, dropped, inserted or
   substituted character, and two neighbouring characters swapped, all leave a shared key
   (the symmetric-deletion idea of SymSpell), so an equi-join finds them without comparing
   every pair; the edit distance (at most ``max_edits``) then confirms. Fuzzy candidates need
   the make known and equal on both sides.
4. **Score and choose**: serial agreement plus model, caliber, dealer and purchase-date
   agreement, minus caliber disagreement and a sale after the recovery. A trace takes its best
   candidate only where it beats the runner-up (``min_margin``); a tie (a serial reused by two
   makes and a trace without make) is left unlinked rather than guessed.

Time-to-crime is recovery date minus the linked sale's date, or the trace's own purchase date
where no sale links. Everything is SQL over the canonical tables, in DuckDB's dialect with
standard string functions, so it runs on Spark through sqlglot.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import DetectorConfig
from tenaza.markings.audience import audience_rows
from tenaza.pillars.weapons.normalize import alias_ctes, caliber_clean, clean, name_key, serial_key
from tenaza.store.dialect import DUCKDB, Dialect

MAX_SERIAL = 24


class LinkConfig(DetectorConfig):
    """Settings of the sale-to-trace link, shared by every weapons detector."""

    max_edits: int = Field(2, ge=0, le=2,
                           description="Largest edit distance between two serials that still link (a swap of two "
                                       "neighbouring characters counts 2); 0 links exact normal forms only.")
    min_fuzzy_length: int = Field(5, ge=3, description="Shortest normal serial matched fuzzily; shorter serials "
                                                       "(e.g. '1234') collide by chance and link only exactly.")
    min_link_score: float = Field(0.6, ge=0, le=2, description="Lowest candidate score that links.")
    min_margin: float = Field(0.05, ge=0, description="How much the best candidate must beat the runner-up; ties are "
                                                      "left unlinked instead of guessed.")


def link_ctes(config: LinkConfig, params: dict[str, Any], d: Dialect = DUCKDB, *, per_audience: bool = False) -> str:
    """CTEs ending in ``guns``: one row per trace, with its linked sale where one was found.

    ``guns`` columns: trace_id, trace_rid, sale_id, sale_rid (NULL when unlinked), match
    (exact|fuzzy|none), edits, link_score, recovery_date, recovery_country, recovery_state,
    recovery_city, make_n, caliber_n, model, serial, possessor, purchaser, purchaser_key,
    possessor_key, ffl_id, ffl_state, purchase_date, ttc_days.

    ``per_audience``: the link once per audience (``tenaza.markings.audience``; the WITH list
    must already hold ``audience_ingests``): every row carries ``aud``, and a trace links only
    to sales its audience may read.
    """
    a = "aud, " if per_audience else ""

    def same(x: str, y: str) -> str:
        return f"{x}.aud = {y}.aud AND " if per_audience else ""

    def pin(x: str, y: str) -> str:
        # The sale's audience matched through an expression, not column to column: a planner that
        # closes t.aud = c.aud = s.aud over equal columns would join traces to sales on the
        # audience alone first (every trace with every sale).
        return f"{x}.aud = concat({y}.aud, '') AND " if per_audience else ""

    def src(table: str) -> str:
        return f"({audience_rows(table)})" if per_audience else table

    not_exact = ("NOT EXISTS (SELECT 1 FROM exact AS e WHERE e.aud = t_n.aud AND e.trace_id = t_n.trace_id)"
                 if per_audience else "trace_id NOT IN (SELECT trace_id FROM exact)")
    open_make = ("EXISTS (SELECT 1 FROM t_open AS o WHERE o.aud = s_n.aud AND o.make_n = s_n.make_n)"
                 if per_audience else "make_n IN (SELECT make_n FROM t_open)")

    params.update(link_max_edits=config.max_edits, link_min_len=config.min_fuzzy_length,
                  link_min_score=config.min_link_score, link_margin=config.min_margin)
    pos = ", ".join(f"({i})" for i in range(1, MAX_SERIAL + 1))

    def side(table: str) -> str:
        return f"""SELECT x.*, coalesce(ma.canonical, nullif({clean('x.make', d)}, '')) AS make_n,
         coalesce(ca.canonical, nullif({caliber_clean('x.caliber', d)}, '')) AS caliber_n,
         nullif({clean('x.model', d)}, '') AS model_n, nullif({serial_key('x.serial', d)}, '') AS serial_n
  FROM {src(table)} AS x
  LEFT JOIN make_alias AS ma ON ma.alias = {clean('x.make', d)}
  LEFT JOIN caliber_alias AS ca ON ca.alias = {caliber_clean('x.caliber', d)}"""

    return f"""{alias_ctes()},
pos(i) AS (VALUES {pos}),
s_n AS ({side('firearm_sales')}),
t_n AS ({side('firearm_traces')}),
exact AS (
  SELECT {a.replace('aud', 't.aud')}t.trace_id, s.sale_id, 0 AS edits
  FROM t_n AS t JOIN s_n AS s ON {same('s', 't')}s.serial_n = t.serial_n
  WHERE t.make_n IS NULL OR s.make_n IS NULL OR s.make_n = t.make_n
),
t_open AS (
  SELECT * FROM t_n WHERE serial_n IS NOT NULL AND length(serial_n) >= $link_min_len AND make_n IS NOT NULL
    AND $link_max_edits > 0 AND {not_exact}
),
t_keys AS (
  SELECT {a}trace_id, make_n, serial_n AS k FROM t_open
  UNION ALL
  SELECT {a.replace('aud', 't.aud')}t.trace_id, t.make_n, substr(t.serial_n, 1, p.i - 1) || substr(t.serial_n, p.i + 1) AS k
  FROM t_open AS t JOIN pos AS p ON p.i <= length(t.serial_n)
),
s_open AS (
  SELECT {a}sale_id, make_n, serial_n FROM s_n
  WHERE serial_n IS NOT NULL AND length(serial_n) >= $link_min_len - 1 AND length(serial_n) <= {MAX_SERIAL}
    AND {open_make}
),
s_keys AS (
  SELECT {a}sale_id, make_n, serial_n AS k FROM s_open
  UNION ALL
  SELECT {a.replace('aud', 's.aud')}s.sale_id, s.make_n, substr(s.serial_n, 1, p.i - 1) || substr(s.serial_n, p.i + 1) AS k
  FROM s_open AS s JOIN pos AS p ON p.i <= length(s.serial_n)
),
fuzzy_pairs AS (
  SELECT DISTINCT {a.replace('aud', 'tk.aud')}tk.trace_id, sk.sale_id FROM t_keys AS tk
  JOIN s_keys AS sk ON {same('sk', 'tk')}sk.k = tk.k AND sk.make_n = tk.make_n
),
fuzzy AS (
  SELECT {a.replace('aud', 'f.aud')}f.trace_id, f.sale_id, levenshtein(t.serial_n, s.serial_n) AS edits
  FROM fuzzy_pairs AS f JOIN t_n AS t USING ({a}trace_id) JOIN s_n AS s ON {pin('s', 'f')}s.sale_id = f.sale_id
  WHERE levenshtein(t.serial_n, s.serial_n) <= $link_max_edits
),
cand AS (
  SELECT {a.replace('aud', 'c.aud')}c.trace_id, c.sale_id, c.edits,
         1.0 - 0.15 * c.edits
         + CASE WHEN t.model_n = s.model_n THEN 0.1 ELSE 0 END
         + CASE WHEN t.caliber_n = s.caliber_n THEN 0.1 WHEN t.caliber_n <> s.caliber_n THEN -0.3 ELSE 0 END
         + CASE WHEN t.make_n IS NULL OR s.make_n IS NULL THEN -0.1 ELSE 0 END
         + CASE WHEN t.ffl_id = s.ffl_id THEN 0.2 ELSE 0 END
         + CASE WHEN t.purchase_date = s.date THEN 0.2 ELSE 0 END
         - CASE WHEN s.date > t.recovery_date THEN 0.5 ELSE 0 END AS link_score
  FROM (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy) AS c
  JOIN t_n AS t USING ({a}trace_id) JOIN s_n AS s ON {pin('s', 'c')}s.sale_id = c.sale_id
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY {a}trace_id ORDER BY link_score DESC, sale_id) AS rk,
         lead(link_score) OVER (PARTITION BY {a}trace_id ORDER BY link_score DESC, sale_id) AS runner_up
  FROM cand
),
best AS (
  SELECT {a}trace_id, sale_id, edits, link_score FROM ranked
  WHERE rk = 1 AND link_score >= $link_min_score AND (runner_up IS NULL OR link_score - runner_up >= $link_margin)
),
ffl_states AS (SELECT {a}ffl_id, min(ffl_state) AS ffl_state FROM {src('firearm_sales')} AS x WHERE ffl_id IS NOT NULL
               GROUP BY {a}ffl_id),
guns AS (
  SELECT {a.replace('aud', 't.aud')}t.trace_id, t.record_id AS trace_rid, s.sale_id, s.record_id AS sale_rid,
         CASE WHEN b.sale_id IS NULL THEN 'none' WHEN b.edits = 0 THEN 'exact' ELSE 'fuzzy' END AS match,
         b.edits, b.link_score, t.recovery_date, t.recovery_country, t.recovery_state, t.recovery_city,
         coalesce(t.make_n, s.make_n) AS make_n, coalesce(t.caliber_n, s.caliber_n) AS caliber_n,
         coalesce(t.model, s.model) AS model, t.serial, t.possessor,
         coalesce(s.purchaser, t.purchaser) AS purchaser, {name_key('coalesce(s.purchaser, t.purchaser)', d)} AS purchaser_key,
         {name_key('t.possessor', d)} AS possessor_key,
         coalesce(s.ffl_id, t.ffl_id) AS ffl_id, coalesce(s.ffl_state, fs.ffl_state) AS ffl_state,
         coalesce(s.date, t.purchase_date) AS purchase_date,
         {d.days_between('coalesce(s.date, t.purchase_date)', 't.recovery_date')} AS ttc_days
  FROM t_n AS t LEFT JOIN best AS b USING ({a}trace_id) LEFT JOIN s_n AS s ON {same('s', 't')}s.sale_id = b.sale_id
  LEFT JOIN ffl_states AS fs ON {same('fs', 't')}fs.ffl_id = t.ffl_id
)"""


def link_sql(config: LinkConfig | None = None, params: dict[str, Any] | None = None, d: Dialect = DUCKDB) -> str:
    """A query returning ``guns``: the link on its own (for ``bench/weapons.py`` and analysts)."""
    params = params if params is not None else {}
    return f"WITH {link_ctes(config or LinkConfig(), params, d)} SELECT * FROM guns"
