"""SQL shared by the trade detectors: declarations with comparable keys, and mirror pairs.

Customs records of the two sides of the border never share an identifier. What they share is
the transport document (bill of lading, carta porte) where both sides captured it, the
parties' names written differently (``Aceros del Norte, S.A. de C.V.`` and ``ACEROS DEL NORTE
SA DE CV``), the first six digits of the HS code (Schedule B has ten digits and the Mexican
*fracción* eight; only the first six are harmonized internationally) and the quantity.

Every function returns SQL text built from constants of this package and bound parameters
(``$name``); nothing a user typed is pasted into the SQL.

Every trade detector judges a declaration against a baseline (the market's prices, the
relationship's record, the month's crossings, the other pairs' gaps). It runs once per
audience (``tenaza.markings.audience``): each row read carries ``aud``, every join matches on
it and every window and aggregate is partitioned by it, so a baseline holds only rows
releasable at least where the alert is, and ``trade_findings`` keeps each alert from the
audience of its own evidence.
"""

from __future__ import annotations

from typing import Any

from tenaza.detect.base import FINDING_COLUMNS
from tenaza.markings.audience import audience_ctes, audience_rows, keep_own_audience
from tenaza.resolve.features import company_core_sql
from tenaza.store.dialect import DUCKDB, Dialect

# Modes whose goods cross a land port of entry, where a crossing record should exist.
LAND_MODES = ("truck", "rail")


def name_key(expr: str) -> str:
    """Comparable form of a company or person name: folded, legal form dropped (NULL if empty)."""
    return f"nullif({company_core_sql(f'coalesce({expr}, {_EMPTY})')}, '')"


_EMPTY = "''"


def doc_key(expr: str) -> str:
    """Transport document number with case and punctuation removed (NULL if empty)."""
    return f"nullif(regexp_replace(upper(coalesce({expr}, '')), '[^A-Z0-9]', '', 'g'), '')"


def hs_digits(expr: str, n: int) -> str:
    """The first ``n`` digits of an HS code, NULL where fewer are given."""
    digits = f"regexp_replace(coalesce({expr}, ''), '[^0-9]', '', 'g')"
    return f"CASE WHEN length({digits}) >= {int(n)} THEN left({digits}, {int(n)}) END"


def declarations_sql() -> str:
    """Every declaration with the keys the trade detectors compare on.

    partner: the other country of the trade (destination for an export, origin or else
    departure for an import); flow_from and flow_to: where the goods come from and go to,
    whichever side declared them. unit_price: value in US dollars per declared unit.
    """
    return f"""
    SELECT d.*, CAST(d.value_usd AS DOUBLE) AS usd, CAST(d.quantity AS DOUBLE) AS qty,
           lower(trim(d.unit)) AS unit_key,
           {name_key('d.exporter')} AS exporter_key, {name_key('d.importer')} AS importer_key,
           {name_key('d.payer')} AS payer_key, {doc_key('d.transport_doc')} AS doc,
           {hs_digits('d.hs_code', 6)} AS hs6, {hs_digits('d.hs_code', 4)} AS hs4,
           {hs_digits('d.hs_code', 2)} AS hs2,
           CASE d.direction WHEN 'export' THEN d.destination_country
                ELSE coalesce(d.origin_country, d.departure_country) END AS partner,
           coalesce(d.origin_country, CASE d.direction WHEN 'export' THEN d.reporting_country
                                          ELSE d.departure_country END) AS flow_from,
           CASE d.direction WHEN 'export' THEN d.destination_country ELSE d.reporting_country END AS flow_to,
           CASE WHEN d.quantity > 0 AND d.value_usd > 0
                THEN CAST(d.value_usd AS DOUBLE) / CAST(d.quantity AS DOUBLE) END AS unit_price,
           lower(trim(d.transport_mode)) AS mode
    FROM ({audience_rows('trade_declarations')}) AS d"""


def mirror_pairs_sql(params: dict[str, Any], *, days_before: int, days_after: int, qty_tolerance: float) -> str:
    """One row per export paired with the import declaration of the same shipment.

    An export reported by one country pairs with an import reported by another. The first
    key is the transport document (and, where one document covers several lines, the HS code
    and the nearest date); failing that, the same exporter and importer names, the same six
    HS digits, an import date within the window and a quantity within ``qty_tolerance``.
    Each declaration joins at most one pair: the best candidate for both sides (mutual best).
    Expects a CTE named ``decl`` built from ``declarations_sql``.
    """
    params.update({"mp_before": days_before, "mp_after": days_after, "mp_qty_tol": qty_tolerance})
    return """
    SELECT * EXCLUDE (rank_e, rank_i) FROM (
      SELECT *, row_number() OVER (PARTITION BY aud, e_id ORDER BY how, hs_same DESC, gap, qty_gap, i_id) AS rank_e,
                row_number() OVER (PARTITION BY aud, i_id ORDER BY how, hs_same DESC, gap, qty_gap, e_id) AS rank_i
      FROM (
        SELECT e.aud, e.decl_id AS e_id, i.decl_id AS i_id, 1 AS how,
               coalesce(e.hs6 = i.hs6, false) AS hs_same, abs(date_diff('day', e.date, i.date)) AS gap,
               coalesce(abs(ln(greatest(i.qty, 1e-9) / greatest(e.qty, 1e-9))), 99) AS qty_gap
        FROM decl AS e JOIN decl AS i
          ON e.aud = i.aud AND e.doc = i.doc AND e.reporting_country <> i.reporting_country
        WHERE e.direction = 'export' AND i.direction = 'import'
          AND date_diff('day', e.date, i.date) BETWEEN -$mp_before AND $mp_after
        UNION ALL
        SELECT e.aud, e.decl_id, i.decl_id, 2, true, abs(date_diff('day', e.date, i.date)),
               abs(ln(greatest(i.qty, 1e-9) / greatest(e.qty, 1e-9)))
        FROM decl AS e JOIN decl AS i
          ON e.aud = i.aud AND e.exporter_key = i.exporter_key AND e.importer_key = i.importer_key AND e.hs6 = i.hs6
             AND e.reporting_country <> i.reporting_country
        WHERE e.direction = 'export' AND i.direction = 'import'
          AND (e.doc IS NULL OR i.doc IS NULL)
          AND date_diff('day', e.date, i.date) BETWEEN -$mp_before AND $mp_after
          AND e.qty > 0 AND i.qty > 0 AND coalesce(e.unit_key = i.unit_key, true)
          AND abs(i.qty / e.qty - 1) <= $mp_qty_tol
      )
    ) WHERE rank_e = 1 AND rank_i = 1"""


def price_norms_sql(min_group: int, params: dict[str, Any]) -> str:
    """Robust unit-price statistics per comparable group, for each declaration.

    A group is a trade flow (the country the goods come from, the country they go to), the
    unit and the six-digit HS code, whichever side declared them: a US export to Mexico and
    a Mexican import from the US of the same goods are one flow, priced within the CIF/FOB
    margin of each other, so both sides' declarations make one norm. Where the six-digit group
    has fewer than ``min_group`` priced declarations the four-digit heading is used, and
    where that is still too small the declaration gets no norm.

    Prices are compared on the log scale, where a trade price's spread is roughly symmetric,
    with the median and the median absolute deviation (MAD): both stay put until half the
    group is misdeclared, where quartiles move once a quarter is (Rousseeuw and Croux, 1993).
    ``q`` holds the 25th, 50th and 75th percentiles of log prices, ``mad`` the MAD. Expects a
    CTE named ``decl``.
    """
    params["pn_min_group"] = min_group
    return """
    SELECT aud, decl_id, CASE WHEN use6 THEN hs6 ELSE hs4 END AS price_group,
           CASE WHEN use6 THEN n6 ELSE n4 END AS group_size, CASE WHEN use6 THEN q6 ELSE q4 END AS q,
           CASE WHEN use6 THEN mad6 ELSE mad4 END AS mad
    FROM (
      SELECT *, hs6 IS NOT NULL AND n6 >= $pn_min_group AS use6,
             median(abs(lp - q6[2])) OVER g6 AS mad6, median(abs(lp - q4[2])) OVER g4 AS mad4
      FROM (
        SELECT aud, decl_id, hs6, hs4, flow_from, flow_to, unit_key, ln(unit_price) AS lp,
               count(*) OVER g6 AS n6, quantile_cont(ln(unit_price), [0.25, 0.5, 0.75]) OVER g6 AS q6,
               count(*) OVER g4 AS n4, quantile_cont(ln(unit_price), [0.25, 0.5, 0.75]) OVER g4 AS q4
        FROM decl
        WHERE unit_price > 0 AND hs4 IS NOT NULL
        WINDOW g6 AS (PARTITION BY aud, flow_from, flow_to, unit_key, hs6),
               g4 AS (PARTITION BY aud, flow_from, flow_to, unit_key, hs4)
      )
      WINDOW g6 AS (PARTITION BY aud, flow_from, flow_to, unit_key, hs6),
             g4 AS (PARTITION BY aud, flow_from, flow_to, unit_key, hs4)
    )
    WHERE use6 OR n4 >= $pn_min_group"""


def party_keys_sql() -> str:
    """Name key -> party_id of every party record with that name (the CTE ``pk``).

    Declarations carry names, not identifiers; the subjects of a trade alert name the party
    records whose name has the same key, so that the alert joins the party's profile. A name
    that no party record carries stays a subject as ``party:<name as declared>``.
    """
    return (f"SELECT aud, {name_key('name')} AS key, list(DISTINCT party_id ORDER BY party_id) AS ids "
            f"FROM ({audience_rows('parties')}) AS p GROUP BY 1, 2")


def party_subjects(ids: str, name: str) -> str:
    """SQL list of ``party:`` subjects: the matched party ids, else the declared name."""
    return (f"coalesce(list_transform({ids}, lambda x: 'party:' || x), "
            f"CASE WHEN nullif(trim({name}), '') IS NOT NULL THEN ['party:' || trim({name})] ELSE [] END)")


def money(expr: str) -> str:
    """A dollar amount for an explanation: rounded, with thousands separators."""
    return f"format('{{:,.0f}}', CAST({expr} AS DOUBLE))"


def chance_sql(k: str, n: str, p: str) -> str:
    """P(X >= k) for X ~ Binomial(n, p): how likely ``k`` or more of ``n`` declarations are off by chance.

    Honest trade has its own rate of oddities: a premium lot, a typing slip in a value, a
    truck the crossing extract missed. At that rate an established trading relationship shows
    one now and then; a relationship where they keep coming is a pattern. ``p`` is the rate
    measured in the data itself (the comparison group's, the month's), so the test adapts to
    whatever noise the sources carry. Computed exactly from log-gamma terms, which stays
    accurate for the thousands of declarations of a large relationship.
    """
    pc = f"least(greatest(CAST({p} AS DOUBLE), 1e-6), 1 - 1e-6)"
    return (f"CASE WHEN {k} <= 0 THEN 1.0 ELSE least(1.0, list_sum(list_transform(range({k}, {n} + 1), "
            f"lambda j: exp(lgamma({n} + 1) - lgamma(j + 1) - lgamma({n} - j + 1) + j * ln({pc}) "
            f"+ ({n} - j) * ln(1 - {pc}))))) END")


def surprise(chance: str) -> str:
    """A chance on a 0-1 scale for scores: 0 at even odds, 1 at one in a million or rarer."""
    return f"least(1.0, -log10(greatest({chance}, 1e-12)) / 6)"



def trade_findings(body: str, d: Dialect = DUCKDB, evidence: tuple[str, ...] = ("trade_declarations",)) -> str:
    """A trade detector's findings from ``body``: the CTEs after ``WITH`` and the final SELECT, all
    carrying ``aud``; the audiences' CTEs go first (of the files of the ``evidence`` tables), and
    each finding is kept from the audience of its own evidence."""
    return keep_own_audience(d, f"WITH {audience_ctes(d, evidence)},\n{body}", FINDING_COLUMNS)
