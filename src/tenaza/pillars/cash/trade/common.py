"""SQL shared by the trade detectors: declarations with comparable keys, and mirror pairs.

Customs records of the two sides of the border never share an identifier. What they share is
the transport document (bill of lading, carta porte) where both sides captured it, the
parties' names written differently (``Aceros del Norte, S.A. de C.V.`` and ``ACEROS DEL NORTE
SA DE CV``), the first six digits of the HS code (Schedule B has ten digits and the Mexican
*fracción* eight; only the first six are harmonized internationally) and the quantity.

Every function returns SQL text built from constants of this package and bound parameters
(``$name``); nothing a user typed is pasted into the SQL. The SQL is spelled through a Dialect
(tenaza.store.dialect), so the same detectors run on DuckDB and on Spark.

Names are keyed once per distinct name (the CTE ``name_keys``, which ``trade_findings`` puts
first), not once per row: the key folds, repairs and strips legal forms through some fifty
nested function calls, deep enough that sqlglot's recursive-descent parser (about 24 Python
frames a level) ran out of Python's 1,000 frames on every trade detector's SQL when it was
transpiled for Spark. Staged in two steps, no expression nests more than about 25 levels.

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
from tenaza.detect.scoring import Score
from tenaza.markings.audience import audience_ctes, audience_rows, keep_own_audience
from tenaza.resolve.features import _LEGAL_RE, fold_sql
from tenaza.resolve.text import PARTICLES
from tenaza.store.dialect import DUCKDB, Dialect

# Modes whose goods cross a land port of entry, where a crossing record should exist.
LAND_MODES = ("truck", "rail")

# The name columns the trade detectors key: table -> columns.
NAME_COLUMNS: dict[str, tuple[str, ...]] = {"trade_declarations": ("exporter", "importer", "payer"),
                                            "parties": ("name",)}


def name_keys_ctes(d: Dialect, extra: dict[str, tuple[str, ...]] | None = None) -> str:
    """CTEs ending in ``name_keys`` (name, key): the comparable form of every name of
    ``NAME_COLUMNS`` (and ``extra``): folded, legal form dropped, NULL if nothing is left; the
    key ``resolve.features.company_core_sql`` gives, computed once per distinct name.

    The second step is the rest of company_core_sql shortened by what the fold guarantees (only
    A-Z, 0-9 and single spaces): folding the stripped text again changes nothing but spaces,
    which splitting at spaces and dropping empty tokens ignores. tests/pillars/cash/trade/
    test_name_keys.py keeps the two equal."""
    tables = dict(NAME_COLUMNS, **(extra or {}))
    names = " UNION ".join(f"SELECT {c} AS name FROM {t}" for t, cols in tables.items() for c in cols)
    stripped = d.regex_replace_all("' ' || folded", d.text_literal(_LEGAL_RE), "''")
    particles = d.array(*(d.text_literal(x) for x in sorted(PARTICLES)))
    tokens = d.array_filter(d.split(stripped, " "), "t", f"t <> '' AND NOT {d.array_contains(particles, 't')}")
    folded = fold_sql(f"coalesce(name, {_EMPTY})", d)
    key = d.array_join(tokens, "' '")
    return (f"trade_names AS ({names}),\n"
            f"name_folds AS (SELECT name, {folded} AS folded FROM trade_names WHERE name IS NOT NULL),\n"
            f"name_keys AS (SELECT name, nullif({key}, '') AS key FROM name_folds)")


def keyed(alias: str, column: str, key: str) -> str:
    """A LEFT JOIN giving ``key``.key, the name key of ``alias``.``column`` (NULL for no name)."""
    return f"LEFT JOIN name_keys AS {key} ON {key}.name = {alias}.{column}"


def doc_key(expr: str, d: Dialect = DUCKDB) -> str:
    """Transport document number with case and punctuation removed (NULL if empty)."""
    return f"nullif({d.regex_replace_all(f'upper(coalesce({expr}, {_EMPTY}))', _ALNUM, _EMPTY)}, '')"


_EMPTY = "''"
_ALNUM = "'[^A-Z0-9]'"


def hs_digits(expr: str, n: int, d: Dialect = DUCKDB) -> str:
    """The first ``n`` digits of an HS code, NULL where fewer are given."""
    digits = d.regex_replace_all(f"coalesce({expr}, {_EMPTY})", "'[^0-9]'", _EMPTY)
    return f"CASE WHEN length({digits}) >= {int(n)} THEN left({digits}, {int(n)}) END"


def declarations_sql(d: Dialect = DUCKDB) -> str:
    """Every declaration with the keys the trade detectors compare on.

    partner: the other country of the trade (destination for an export, origin or else
    departure for an import); flow_from and flow_to: where the goods come from and go to,
    whichever side declared them. unit_price: value in US dollars per declared unit.
    """
    return f"""
    SELECT d.*, CAST(d.value_usd AS DOUBLE) AS usd, CAST(d.quantity AS DOUBLE) AS qty,
           lower(trim(d.unit)) AS unit_key,
           ke.key AS exporter_key, ki.key AS importer_key, kp.key AS payer_key,
           {doc_key('d.transport_doc', d)} AS doc,
           {hs_digits('d.hs_code', 6, d)} AS hs6, {hs_digits('d.hs_code', 4, d)} AS hs4,
           {hs_digits('d.hs_code', 2, d)} AS hs2,
           CASE d.direction WHEN 'export' THEN d.destination_country
                ELSE coalesce(d.origin_country, d.departure_country) END AS partner,
           coalesce(d.origin_country, CASE d.direction WHEN 'export' THEN d.reporting_country
                                          ELSE d.departure_country END) AS flow_from,
           CASE d.direction WHEN 'export' THEN d.destination_country ELSE d.reporting_country END AS flow_to,
           CASE WHEN d.quantity > 0 AND d.value_usd > 0
                THEN CAST(d.value_usd AS DOUBLE) / CAST(d.quantity AS DOUBLE) END AS unit_price,
           lower(trim(d.transport_mode)) AS mode
    FROM ({audience_rows('trade_declarations')}) AS d
    {keyed('d', 'exporter', 'ke')} {keyed('d', 'importer', 'ki')} {keyed('d', 'payer', 'kp')}"""


def mirror_pairs_sql(params: dict[str, Any], *, days_before: int, days_after: int, qty_tolerance: float,
                     d: Dialect = DUCKDB) -> str:
    """One row per export paired with the import declaration of the same shipment.

    An export reported by one country pairs with an import reported by another. The first
    key is the transport document (and, where one document covers several lines, the HS code
    and the nearest date); failing that, the same exporter and importer names, the same six
    HS digits, an import date within the window and a quantity within ``qty_tolerance``.
    Each declaration joins at most one pair: the best candidate for both sides (mutual best).
    Expects a CTE named ``decl`` built from ``declarations_sql``.
    """
    params.update({"mp_before": days_before, "mp_after": days_after, "mp_qty_tol": qty_tolerance})
    gap = d.days_between("e.date", "i.date")
    return f"""
    SELECT {d.star_except('rank_e', 'rank_i')} FROM (
      SELECT *, row_number() OVER (PARTITION BY aud, e_id ORDER BY how, hs_same DESC, gap, qty_gap, i_id) AS rank_e,
                row_number() OVER (PARTITION BY aud, i_id ORDER BY how, hs_same DESC, gap, qty_gap, e_id) AS rank_i
      FROM (
        SELECT e.aud, e.decl_id AS e_id, i.decl_id AS i_id, 1 AS how,
               coalesce(e.hs6 = i.hs6, false) AS hs_same, abs({gap}) AS gap,
               coalesce(abs(ln(greatest(i.qty, 1e-9) / greatest(e.qty, 1e-9))), 99) AS qty_gap
        FROM decl AS e JOIN decl AS i
          ON e.aud = i.aud AND e.doc = i.doc AND e.reporting_country <> i.reporting_country
        WHERE e.direction = 'export' AND i.direction = 'import'
          AND {gap} BETWEEN -$mp_before AND $mp_after
        UNION ALL
        SELECT e.aud, e.decl_id, i.decl_id, 2, true, abs({gap}),
               abs(ln(greatest(i.qty, 1e-9) / greatest(e.qty, 1e-9)))
        FROM decl AS e JOIN decl AS i
          ON e.aud = i.aud AND e.exporter_key = i.exporter_key AND e.importer_key = i.importer_key AND e.hs6 = i.hs6
             AND e.reporting_country <> i.reporting_country
        WHERE e.direction = 'export' AND i.direction = 'import'
          AND (e.doc IS NULL OR i.doc IS NULL)
          AND {gap} BETWEEN -$mp_before AND $mp_after
          AND e.qty > 0 AND i.qty > 0 AND coalesce(e.unit_key = i.unit_key, true)
          AND abs(i.qty / nullif(e.qty, 0) - 1) <= $mp_qty_tol
      ) AS c
    ) AS r WHERE rank_e = 1 AND rank_i = 1"""


# Fewest priced declarations of one code on one flow a seller needs for its own prices' spread to count
# in the data's lot-to-lot spread (price_norms_sql's lot_spread).
LOT_SPREAD_MIN_LOTS = 3


def price_norms_sql(min_group: int, params: dict[str, Any], d: Dialect = DUCKDB, *, min_sellers: int = 3) -> str:
    """Robust unit-price statistics per comparable group, for each declaration.

    A group is a market for the goods: the same unit and six-digit HS code on the same trade
    flow (the country the goods come from, the country they go to), whichever side declared
    them: a US export to Mexico and a Mexican import from the US of the same goods are one
    flow, priced within the CIF/FOB margin of each other, so both sides' declarations make one
    norm.

    A market price is what many sellers charge, not what the most frequent declarant does: in
    a group, each seller (exporter) counts once, its declarations sharing one weight, and the
    median, quartiles and MAD are weighted so. One exporter that files half of a small group's
    declarations at its own prices then moves the norm no more than any other seller; counted
    by declaration, it would hold the median and the MAD at their breakdown point, and its
    prices would look like the market. Of the two six-digit groups, the code on the flow and
    the code into the same country from any origin (as Zdanowicz prices a US import against the
    same code from every country), the one with more sellers is used, weighted so, where it
    holds ``min_group`` priced declarations from ``min_sellers`` sellers or more. Otherwise the
    first of the six-digit group and the four-digit heading on the flow with ``min_group``
    declarations is used, counted by declaration (with two sellers, nothing in the prices says
    which of them is the market; a heading mixes products of different prices, so a seller of
    the dearer ones would stand out as weighted), and where none has, the declaration gets no
    norm.

    Prices are compared on the log scale, where a trade price's spread is roughly symmetric,
    with the median and the median absolute deviation (MAD): both stay put until half the
    group (half its sellers, where weighted) is misdeclared, where quartiles move once a
    quarter is (Rousseeuw and Croux, 1993). ``q`` holds the 25th, 50th and 75th percentiles of
    log prices, ``mad`` the MAD, ``sellers`` the group's distinct sellers and ``norm`` which
    group and weighting gave them.

    ``lot_spread`` is the data's lot-to-lot spread of one seller's prices of one good: the
    median, over every seller with ``LOT_SPREAD_MIN_LOTS`` priced declarations of a six-digit
    code on one flow, of the MAD of its own log prices there. Weighted by seller, a group whose
    other sellers filed a lot or two each has a MAD of those few prices only, narrower than any
    one seller's ordinary lots vary; the detector judges a price against the wider of the two.
    Launderers are a few sellers among the data's many, so they barely move the median. Expects a
    CTE named ``decl``.
    """
    params.update({"pn_min_group": min_group, "pn_min_sellers": min_sellers})
    quartiles = d.array("0.25", "0.5", "0.75")
    g = "(PARTITION BY aud, lvl, gk)"
    run = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"

    def wq(value: str, cum: str, p: str) -> str:
        # the weighted p-quantile: the mean of the first value at which the sellers' cumulative weight
        # reaches p and the first at which it passes p (the two agree unless p falls exactly between values)
        return (f"(min(CASE WHEN {cum} >= {p} * sellers - 1e-9 THEN {value} END) OVER {g}"
                f" + min(CASE WHEN {cum} > {p} * sellers + 1e-9 THEN {value} END) OVER {g}) / 2")

    base = ("(SELECT aud, decl_id, hs6, hs4, flow_from, flow_to, unit_key, ln(unit_price) AS lp, "
            "coalesce(exporter_key, 'decl:' || decl_id) AS seller FROM decl WHERE unit_price > 0 AND hs4 IS NOT NULL)")

    def level(lvl: int, group: str, key: str, where: str = "") -> str:
        return (f"SELECT aud, decl_id, seller, lp, {lvl} AS lvl, {group} AS price_group, {key} AS gk "
                f"FROM {base} AS b{lvl} {where}")

    flow = "coalesce(flow_from, '?') || '>' || coalesce(flow_to, '?') || '|' || coalesce(unit_key, '?') || '|' || "
    into = "'*>' || coalesce(flow_to, '?') || '|' || coalesce(unit_key, '?') || '|' || "
    # the data's lot-to-lot spread: the median, over every seller with min_lots priced declarations of
    # one six-digit code on one flow, of the MAD of its own log prices there
    params["pn_min_lots"] = LOT_SPREAD_MIN_LOTS
    lots = f"""
      SELECT aud, median(smad) AS lot_spread FROM (
        SELECT aud, gk, seller, median(abs(lp - sm)) AS smad FROM (
          SELECT aud, gk, seller, lp, median(lp) OVER s AS sm, count(*) OVER s AS sn
          FROM ({level(1, 'hs6', flow + 'hs6', 'WHERE hs6 IS NOT NULL')}) AS l1
          WINDOW s AS (PARTITION BY aud, gk, seller)
        ) AS sl WHERE sn >= $pn_min_lots AND seller NOT LIKE 'decl:%' GROUP BY aud, gk, seller
      ) AS ss GROUP BY aud"""
    return f"""
    SELECT ch.aud, ch.decl_id, ch.price_group, ch.n AS group_size, ch.sellers, ch.q, ch.mad,
           coalesce(sp.lot_spread, 0) AS lot_spread,
           CASE ch.lvl WHEN 1 THEN 'hs6 on the flow' WHEN 2 THEN 'hs6 into the country' ELSE 'hs4 on the flow' END
             || CASE WHEN ch.weighted THEN ', each seller once' ELSE ', by declaration' END AS norm
    FROM (
      SELECT aud, decl_id, price_group, n, sellers, lvl, weighted,
             CASE WHEN weighted THEN {d.array('wq1', 'wq2', 'wq3')} ELSE q END AS q,
             CASE WHEN weighted THEN wmad ELSE mad END AS mad,
             row_number() OVER (PARTITION BY aud, decl_id ORDER BY CASE WHEN weighted THEN 0 ELSE 1 END,
                                                         sellers DESC, lvl) AS pick
      FROM (
        SELECT *, lvl < 3 AND n >= $pn_min_group AND sellers >= $pn_min_sellers AS weighted,
               {wq('dev', 'cum_dev', '0.5')} AS wmad,
               median(abs(lp - {d.array_element('q', 2)})) OVER {g} AS mad
        FROM (
          SELECT *, sum(w) OVER (PARTITION BY aud, lvl, gk ORDER BY dev, decl_id {run}) AS cum_dev
          FROM (
            SELECT *, abs(lp - wq2) AS dev
            FROM (
              SELECT *, {wq('lp', 'cum', '0.25')} AS wq1, {wq('lp', 'cum', '0.5')} AS wq2,
                     {wq('lp', 'cum', '0.75')} AS wq3
              FROM (
                SELECT *, sum(w) OVER (PARTITION BY aud, lvl, gk ORDER BY lp, decl_id {run}) AS cum
                FROM (
                  SELECT *, count(*) OVER {g} AS n, {d.count_distinct_over('seller', g)} AS sellers,
                         {d.quantile_cont('lp', quartiles)} OVER {g} AS q,
                         1.0 / count(*) OVER (PARTITION BY aud, lvl, gk, seller) AS w
                  FROM (
                    {level(1, 'hs6', flow + 'hs6', 'WHERE hs6 IS NOT NULL')}
                    UNION ALL {level(2, 'hs6', into + 'hs6', 'WHERE hs6 IS NOT NULL')}
                    UNION ALL {level(3, 'hs4', flow + 'hs4')}
                  ) AS lv
                ) AS sz
              ) AS cw
            ) AS wqs
          ) AS dv
        ) AS cd
      ) AS st
      WHERE weighted OR (lvl <> 2 AND n >= $pn_min_group)
    ) AS ch
    LEFT JOIN ({lots}) AS sp ON sp.aud = ch.aud
    WHERE ch.pick = 1"""


def party_keys_sql(d: Dialect = DUCKDB) -> str:
    """Name key -> party_id of every party record with that name (the CTE ``pk``).

    Declarations carry names, not identifiers; the subjects of a trade alert name the party
    records whose name has the same key, so that the alert joins the party's profile. A name
    that no party record carries stays a subject as ``party:<name as declared>``.
    """
    ids = d.array_sort(d.list_agg("p.party_id", distinct=True))
    return (f"SELECT p.aud, k.key, {ids} AS ids FROM ({audience_rows('parties')}) AS p {keyed('p', 'name', 'k')} "
            f"GROUP BY 1, 2")


def party_subjects(ids: str, name: str, d: Dialect = DUCKDB) -> str:
    """SQL list of ``party:`` subjects: the matched party ids, else the declared name."""
    declared = d.array(f"'party:' || trim({name})")
    return (f"coalesce({d.array_transform(ids, 'x', chr(39) + 'party:' + chr(39) + ' || x')}, "
            f"CASE WHEN nullif(trim({name}), '') IS NOT NULL THEN {declared} ELSE {d.empty_string_array()} END)")


def money(expr: str, d: Dialect = DUCKDB) -> str:
    """A dollar amount for an explanation: rounded, with thousands separators."""
    return d.format_grouped(expr)


def chance_sql(k: str, n: str, p: str, d: Dialect = DUCKDB) -> str:
    """P(X >= k) for X ~ Binomial(n, p): how likely ``k`` or more of ``n`` declarations are off by chance.

    Honest trade has its own rate of oddities: a premium lot, a typing slip in a value, a
    truck the crossing extract missed. At that rate an established trading relationship shows
    one now and then; a relationship where they keep coming is a pattern. ``p`` is the rate
    measured in the data itself (the comparison group's, the month's), so the test adapts to
    whatever noise the sources carry. Computed exactly from log-gamma terms, which stays
    accurate for the thousands of declarations of a large relationship.
    """
    pc = f"least(greatest(CAST({p} AS DOUBLE), 1e-6), 1 - 1e-6)"
    term = (f"exp({d.lgamma(f'{n} + 1')} - {d.lgamma('j + 1')} - {d.lgamma(f'{n} - j + 1')} + j * ln({pc}) "
            f"+ ({n} - j) * ln(1 - {pc}))")
    return f"CASE WHEN {k} <= 0 THEN 1.0 ELSE least(1.0, {d.range_sum('j', k, f'{n} + 1', term)}) END"


def surprise(chance: str) -> str:
    """A chance on a 0-1 scale for scores: 0 at even odds, 1 at one in a million or rarer."""
    return f"least(1.0, -log10(greatest({chance}, 1e-12)) / 6)"



def trade_findings(body: str, d: Dialect = DUCKDB, evidence: tuple[str, ...] = ("trade_declarations",),
                   names: dict[str, tuple[str, ...]] | None = None, score: Score | None = None) -> str:
    """A trade detector's findings from ``body``: the CTEs after ``WITH`` and the final SELECT, all
    carrying ``aud``; the audiences' CTEs go first (of the files of the ``evidence`` tables), then
    ``name_keys`` (of NAME_COLUMNS and ``names``), and each finding is kept from the audience of its
    own evidence. With ``score`` (the detector's SCORE) the findings carry its feature columns
    instead of ``score``."""
    columns = FINDING_COLUMNS if score is None else (
        *(c for c in FINDING_COLUMNS if c != "score"), *(f.column for f in score.all_features))
    return keep_own_audience(d, f"WITH {audience_ctes(d, evidence)},\n{name_keys_ctes(d, names)},\n{body}",
                             columns)
