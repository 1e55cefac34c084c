"""Pure functions that return the SQL which types, normalizes and validates a source, set-wise.

One SELECT over the whole file computes every canonical column and, beside them, ``_problems``:
each failed check as ``column: reason``. Rows with problems are moved to quarantine later; the
rest stay. Values are bound as parameters (``Binds``), never pasted into the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tenaza.schema.specs import ColumnSpec, ColumnType, TableSpec
from tenaza.store.dialect import DUCKDB, Dialect, ident

# Identifier shapes (a cheap set-wise check; check digits are verified afterwards by python-stdnum).
ID_SHAPES = {
    ColumnType.RFC: r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$",
    ColumnType.CURP: r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-ZÑ]{3}[A-Z0-9][0-9]$",
    ColumnType.EIN: r"^[0-9]{9}$",
    ColumnType.SSN: r"^[0-9]{9}$",
}
# Two-digit years come first: a four-digit year never matches %y (the digits left over fail),
# while %Y would read 24 as the year 0024. The engine pivots %y as POSIX does: 00-68 are
# 2000-2068, 69-99 are 1969-1999 (docs/ingest.md).
DATE_FORMATS = {
    "dmy": ["%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
    "mdy": ["%m/%d/%y", "%m-%d-%y", "%m/%d/%Y", "%m-%d-%Y"],
}
TIME_SUFFIXES = [" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "T%H:%M:%S", ""]
OTHER_DATE_FORMATS = ["%Y%m%d", "%Y/%m/%d", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y"]
TRUE = ["true", "t", "yes", "y", "1", "si", "sí", "s", "x", "verdadero"]
FALSE = ["false", "f", "no", "n", "0", "falso"]

# A number in either convention. Unambiguous shapes decide per value; the rest follow the
# column's convention (from the mapping, or the majority of unambiguous values).
NUM_DOT = r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
NUM_COMMA = r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
ONLY_DOT = r"^[-+]?(\d{1,3}(,\d{3})+\.\d+|\d*\.\d{1,2}|\d*\.\d{4,}|\d{1,3}(,\d{3}){2,})$"
ONLY_COMMA = r"^[-+]?(\d{1,3}(\.\d{3})+,\d+|\d*,\d{1,2}|\d*,\d{4,}|\d{1,3}(\.\d{3}){2,})$"
# Currency signs and codes are noise only at either end of an amount ("$1,200.50 MXN");
# inside it ("1MN2") they make it not a number. Spaces anywhere are thousands separators.
_CURRENCY_WORDS = r"\$|USD|MXN|M\.N\.|MN|US"
MONEY_NOISE = rf"^([-+]?)(\s|{_CURRENCY_WORDS})+|(\s|{_CURRENCY_WORDS})+$|\s"
# DECIMAL(18,4): 14 digits before the mark. Amounts are parsed exactly first, then stored.
STORED_DECIMAL = "DECIMAL(18,4)"
EXACT_DECIMAL = "DECIMAL(38,10)"
NUMBER_SHAPE = r"^[-+]?[0-9][0-9.,]*$"


class Binds:
    """Collects bound parameters; each call returns the placeholder for one value."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass
class ColumnPlan:
    """How one canonical column is computed from the source."""

    spec: ColumnSpec
    raw: str | None  # SQL giving the raw text, or None when the source does not have it
    formats: list[str] = field(default_factory=list)
    dates: str | None = None  # dmy | mdy
    decimal: str = "."
    split: str | None = None  # separator of a list column; default ; or |
    value_map: dict[str, str] = field(default_factory=dict)  # upper-cased source value -> canonical value
    origin: str | None = None  # ISO moment; the source gives a number of `unit_seconds` after it
    unit_seconds: float = 86_400.0


def _clean(raw: str) -> str:
    return f"nullif({raw}, '')"  # the readers trim every value


def _text(x: str, d: Dialect) -> str:
    spaced = d.regex_match(x, d.text_literal(r"\s\s|[\t\r\n]"))
    one_space = d.regex_replace_all(x, d.text_literal(r"\s+"), "' '")
    return f"CASE WHEN {spaced} THEN {d.nfc(one_space)} ELSE {d.nfc(x)} END"


MIN_YEAR, MAX_YEAR = 1000, 2200  # dates outside are typing errors (0024 for 2024); history is kept


def number_text(x: str, d: Dialect = DUCKDB) -> str:
    """Text of a number without currency signs, codes, spaces; (1.00) as -1.00."""
    negative = d.regex_replace_all(x, d.text_literal(r"^\((.*)\)$"), d.text_literal("-" + d.regex_group(1)))
    return d.regex_replace_all(negative, d.text_literal(MONEY_NOISE), d.text_literal(d.regex_group(1)))


def number_expr(x: str, decimal: str, kind: str = EXACT_DECIMAL, d: Dialect = DUCKDB) -> str:
    """Typed DECIMAL (``kind``) from trimmed text ``x``.

    A plain number (the common case) is one cast. Otherwise unambiguous shapes decide per
    value and the rest follow the column's decimal mark; the cleaning and the regular
    expressions run only for the values that reach them."""
    n = number_text(x, d)
    as_dot = f"try_cast(replace({n}, ',', '') AS {kind})"
    as_comma = f"try_cast(replace(replace({n}, '.', ''), ',', '.') AS {kind})"
    default_pat, default_parse = (NUM_COMMA, as_comma) if decimal == "," else (NUM_DOT, as_dot)
    slow = (f"CASE WHEN {d.regex_full_match(n, d.text_literal(ONLY_DOT))} THEN {as_dot} "
            f"WHEN {d.regex_full_match(n, d.text_literal(ONLY_COMMA))} THEN {as_comma} "
            f"WHEN {d.regex_full_match(n, d.text_literal(default_pat))} THEN {default_parse} END")
    if decimal == ",":
        fast = f"CASE WHEN NOT contains({x}, '.') THEN try_cast(replace({x}, ',', '.') AS {kind}) END"
    else:
        fast = f"try_cast({x} AS {kind})"
    return f"coalesce({fast}, {slow})"


UNIT_SECONDS = {"seconds": 1.0, "minutes": 60.0, "hours": 3_600.0, "days": 86_400.0}
_UNIT_NAMES = {v: k for k, v in UNIT_SECONDS.items()}


def _date_formats(plan: ColumnPlan, with_time: bool) -> list[str]:
    if plan.formats:
        return plan.formats
    base = DATE_FORMATS[plan.dates] if plan.dates else []
    base = base + OTHER_DATE_FORMATS
    if not with_time:
        return base
    return [b + t for b in base for t in TIME_SUFFIXES]


_SPACES_DASHES, _HS_NOISE, _ID_NOISE = r"[\s-]+", r"[.\s-]", r"[\s./-]"


def typed_expr(plan: ColumnPlan, x: str, bind: Binds, d: Dialect = DUCKDB) -> tuple[str, str | None]:
    """(typed SQL, SQL of the reason it failed or NULL) for trimmed, non-empty text ``x``."""
    t = plan.spec.type
    quoted = f"'''' || {x} || ''''"
    lit = d.text_literal
    if t is ColumnType.STRING:
        return x, None  # trimmed already; codes and free text keep their inner spacing
    if t is ColumnType.NAME:
        return _text(x, d), None
    if t is ColumnType.ENUM:
        allowed = bind(list(plan.spec.values))
        folded = f"lower({d.regex_replace_all(x, lit(_SPACES_DASHES), lit('_'))})"
        # The canonical spelling (the common case) is checked without a regular expression.
        v = (f"CASE WHEN {d.array_contains(allowed, x)} THEN {x} "
             f"WHEN {d.array_contains(allowed, folded)} THEN {folded} END")
        return (v, f"'unknown value ' || {quoted} || ' (expected one of ' || {d.array_join(allowed, lit(', '))} || ')'")
    if t is ColumnType.INTEGER:
        return f"try_cast(replace({x}, ',', '') AS BIGINT)", f"'not a whole number: ' || {quoted}"
    if t is ColumnType.DECIMAL:
        # Parsed exactly (DECIMAL(38,10)); stored as DECIMAL(18,4) below, the exact text kept
        # in extras when storing rounds it, and a value too large for storage said so.
        shaped = d.regex_full_match(number_text(x, d), lit(NUMBER_SHAPE))
        return number_expr(x, plan.decimal, d=d), (f"CASE WHEN {shaped} "
                                                   f"THEN 'too large for an amount (at most 14 digits before the decimal "
                                                   f"mark): ' ELSE 'not a number: ' END || {quoted}")
    if t in (ColumnType.DATE, ColumnType.TIMESTAMP) and plan.origin is not None:
        moment = d.add_seconds(f"CAST({bind(plan.origin)} AS TIMESTAMP)", f"try_cast({x} AS DOUBLE) * {bind(plan.unit_seconds)}")
        v = f"CAST({moment} AS DATE)" if t is ColumnType.DATE else moment
        return v, f"'not a number of ' || {bind(_UNIT_NAMES[plan.unit_seconds])} || ': ' || {quoted}"
    digits = d.regex_match(x, lit("[0-9]"))
    if t is ColumnType.DATE:
        fmts = bind(_date_formats(plan, with_time=True))
        # The engine's cast reads '01/02/24' as the year 1: ISO text only (yyyy-...).
        iso = "" if plan.formats else (f"CASE WHEN substr({x}, 5, 1) = '-' THEN coalesce(try_cast({x} AS DATE), "
                                       f"try_cast(try_cast({x} AS TIMESTAMP) AS DATE)) END, ")
        # The engine's casts take 'epoch' and 'infinity' as moments; a date has digits.
        v = f"CASE WHEN {digits} THEN coalesce({iso}CAST({d.try_parse_timestamp(x, fmts)} AS DATE)) END"
        expected = plan.formats[0] if plan.formats else (f"{plan.dates} order or ISO" if plan.dates else "ISO yyyy-mm-dd")
        return (v, f"'not a date: ' || {quoted} || ' (expected ' || {bind(expected)} || ')'")
    if t is ColumnType.TIMESTAMP:
        fmts = bind(_date_formats(plan, with_time=True))
        iso = "" if plan.formats else f"CASE WHEN substr({x}, 5, 1) = '-' THEN try_cast({x} AS TIMESTAMP) END, "
        v = f"CASE WHEN {digits} THEN coalesce({iso}{d.try_parse_timestamp(x, fmts)}) END"
        expected = plan.formats[0] if plan.formats else (f"{plan.dates} order or ISO" if plan.dates else "ISO yyyy-mm-dd hh:mm:ss")
        return (v, f"'not a date and time: ' || {quoted} || ' (expected ' || {bind(expected)} || ')'")
    if t is ColumnType.BOOLEAN:
        return ((f"CASE WHEN {d.array_contains(bind(TRUE), f'lower({x})')} THEN true "
                f"WHEN {d.array_contains(bind(FALSE), f'lower({x})')} THEN false END"),
                f"'not yes or no: ' || {quoted}")
    if t in (ColumnType.COUNTRY, ColumnType.CURRENCY):
        # Kept as text here and resolved after the pass, once per distinct value (triage.py):
        # a lookup per row in a thousand-entry map cost more than the rest of the row.
        return x, None
    if t is ColumnType.HS_CODE:
        v = d.regex_replace_all(x, lit(_HS_NOISE), lit(""))
        return (f"CASE WHEN {d.regex_full_match(v, lit('[0-9]{2,10}'))} THEN {v} END",
                f"'not an HS code (2 to 10 digits): ' || {quoted}")
    if t in (ColumnType.STRING_LIST, ColumnType.COUNTRY_LIST):
        # Country lists are resolved to ISO codes after the pass, once per distinct value (triage.py).
        default = "'[;|,]'" if t is ColumnType.COUNTRY_LIST else "'[;|]'"
        split = d.split_by(x, bind(plan.split)) if plan.split else d.split_regex(x, default)
        parts = (f"CASE WHEN {d.starts_with(x, lit('['))} AND {d.json_valid(x)} THEN {d.json_string_array(x)} "
                 f"ELSE {split} END")
        cleaned = d.array_transform(parts, "e", f"nullif({d.nfc('trim(e)')}, '')")
        return d.array_filter(cleaned, "e", "e IS NOT NULL"), None
    if t.is_identifier:
        return identifier_norm(x, d), None
    raise ValueError(f"no rule to read a {t.value} column from a source")


def identifier_norm(x: str, d: Dialect = DUCKDB) -> str:
    return f"upper({d.regex_replace_all(x, d.text_literal(_ID_NOISE), d.text_literal(''))})"


@dataclass
class SelectPlan:
    table: TableSpec
    columns: list[ColumnPlan]
    source_columns: list[str]  # source column SQL names, in order, for the raw JSON
    source_exprs: list[str]  # SQL reading each source column from the source relation
    extras: list[int]  # indexes into source_columns of the unmapped ones
    relation: str  # the source relation
    ingest_id: int
    row_check: str | None = None  # SQL giving a problem of the whole row (JSON lines: not JSON)
    raw_text: str | None = None  # SQL giving the row's raw text, when the source has one
    blank: str | None = None  # SQL true for a blank row; default: every source value empty
    passthrough: list[str] = field(default_factory=list)  # relation columns the checks above read


def select_sql(plan: SelectPlan, bind: Binds, d: Dialect = DUCKDB) -> tuple[str, dict[str, Any]]:
    """INSERT ... SELECT that stores every row of the source, typed, with its problems."""
    ctes_s = [f"{e} AS s{i}" for i, e in enumerate(plan.source_exprs)]
    raw_cols: list[str] = []
    typed: list[str] = []
    checks: list[str] = []  # b{j}: why the value of column j is bad, or NULL
    reasons: list[str] = []  # problems of the whole row (required columns): the row is quarantined
    invalid: list[tuple[str, str]] = []  # optional columns: the value is cleared and kept in extras with its reason
    exact: list[tuple[str, str]] = []  # amounts that storage rounds: the exact text is kept in extras
    checked: set[int] = set()
    for j, cp in enumerate(plan.columns):
        c = cp.spec
        raw = cp.raw if cp.raw is not None else "NULL::VARCHAR"
        if cp.value_map:
            keys, values = bind(list(cp.value_map)), bind(list(cp.value_map.values()))
            raw = f"coalesce({d.map_lookup(keys, values, f'upper(trim({raw}))')}, {raw})"
        raw_cols.append(f"{_clean(raw)} AS r{j}")
        x = f"r{j}"
        expr, reason = typed_expr(cp, x, bind, d)
        typed.append(f"CASE WHEN {x} IS NULL THEN NULL ELSE {expr} END AS v{j}")
        if reason is not None:
            checked.add(j)
            bad = f"v{j} IS NULL"
            if c.type in (ColumnType.DATE, ColumnType.TIMESTAMP):
                bad += f" OR NOT coalesce(year(v{j}) BETWEEN {MIN_YEAR} AND {MAX_YEAR}, false)"
            if c.type is ColumnType.DECIMAL:
                bad += f" OR abs(v{j}) >= 1e14"
            checks.append(f"CASE WHEN {x} IS NOT NULL AND ({bad}) THEN {bind(c.name + ': ')} || {reason} END AS b{j}")
            if c.required:
                reasons.append(f"b{j}")
            else:
                why = d.json_build(("'raw'", f"r{j}"), ("'reason'", f"substr(b{j}, {len(c.name) + 3})"))
                invalid.append((bind(c.name), f"CASE WHEN b{j} IS NOT NULL THEN {why} END"))
            if c.type is ColumnType.DECIMAL:
                exact.append((bind(c.name), f"CASE WHEN b{j} IS NULL AND v{j} <> try_cast(v{j} AS {STORED_DECIMAL}) THEN r{j} END"))
        if c.required:
            reasons.append(f"CASE WHEN {x} IS NULL THEN {bind(c.name + ': required value missing')} END")

    def val(j: int) -> str:
        return f"CASE WHEN b{j} IS NULL THEN v{j} END" if j in checked else f"v{j}"

    # Identifier companions: the shape check happens here, check digits afterwards.
    outputs: list[tuple[str, str]] = []
    for j, cp in enumerate(plan.columns):
        c = cp.spec
        if c.type.is_identifier:
            shape = bind(ID_SHAPES[c.type])
            ok = d.regex_full_match(f"v{j}", shape)
            outputs += [(c.name, f"CASE WHEN {ok} THEN v{j} END"),
                        (f"{c.name}_check", f"CASE WHEN r{j} IS NULL THEN NULL WHEN {ok} THEN 'valid' ELSE 'malformed' END"),
                        (f"{c.name}_raw", f"CASE WHEN r{j} IS NOT NULL AND NOT {ok} THEN r{j} END")]
        elif c.name.endswith("_usd") and _sibling(plan, c.name[:-4]) is not None and _sibling(plan, "currency") is not None:
            # A US-dollar amount left empty equals the amount itself when the currency is USD.
            k, cur = _sibling(plan, c.name[:-4]), _sibling(plan, "currency")
            assert k is not None and cur is not None
            usd = f"coalesce({val(j)}, CASE WHEN {val(cur)} = 'USD' THEN {val(k)} END)"
            # a bad value given stays cleared; only an empty one is filled from the amount
            outputs.append((c.name, f"CASE WHEN b{j} IS NULL THEN {usd} END" if j in checked else usd))
        else:
            outputs.append((c.name, val(j)))
    if plan.row_check:
        reasons.insert(0, plan.row_check)
    if plan.raw_text:
        raw_json = plan.raw_text
    else:
        raw_json = d.json_build(*((bind(n), f"s{i}") for i, n in enumerate(plan.source_columns)))
    base = (d.json_build(*((bind(plan.source_columns[i]), f"nullif(s{i}, '')") for i in plan.extras))
            if plan.extras else "NULL")
    # json_merge_patch drops the keys whose value is null: only the columns concerned stay.
    notes: list[tuple[str, str]] = []
    if invalid:
        notes.append(("'_invalid'", d.json_merge_patch("'{}'", d.json_build(*invalid))))
    if exact:
        notes.append(("'_exact'", d.json_merge_patch("'{}'", d.json_build(*exact))))
    extras = "_extras"
    if notes:
        merged = d.json_merge_patch("coalesce(_extras, '{}')", d.json_merge_patch("'{}'", d.json_build(*notes)))
        extras = f"CASE WHEN _invalid_any OR _exact_any THEN {merged} ELSE _extras END"
    bad_any = " OR ".join(f"b{j} IS NOT NULL" for j in checked if not plan.columns[j].spec.required) or "false"
    exact_any = " OR ".join(f"(b{j} IS NULL AND v{j} <> try_cast(v{j} AS {STORED_DECIMAL}))" for j in checked
                            if plan.columns[j].spec.type is ColumnType.DECIMAL) or "false"
    blank = plan.blank or " AND ".join(f"coalesce(s{i}, '') = ''" for i in range(len(plan.source_exprs)))
    where = f"WHERE NOT ({blank})" if blank else ""
    problems = "nullif(concat_ws('; ', " + ", ".join(reasons) + "), '')" if reasons else "NULL"
    target = ", ".join(ident(n) for n, _ in outputs)
    # Nested subqueries, not CTEs: DuckDB may materialize a CTE, which would hold the whole file.
    s = f"SELECT {LINE_COL}, {', '.join(ctes_s + plan.passthrough) or 'NULL AS s_none'} FROM {plan.relation}"
    r = f"SELECT *, {', '.join(raw_cols)} FROM ({s}) AS s {where}"
    v = f"SELECT r.*, {', '.join(typed)} FROM ({r}) AS r"
    if checks:
        v = f"SELECT *, {', '.join(checks)} FROM ({v}) AS v0"
    p = (f"SELECT *, {problems} AS _problems, {base} AS _extras, {bad_any} AS _invalid_any, "
         f"{exact_any} AS _exact_any FROM ({v}) AS v")
    sql = f"""INSERT INTO {ident(plan.table.physical_name)} ({target}, ingest_id, source_row, extras, _problems, _raw)
SELECT {', '.join(e for _, e in outputs)}, {bind(plan.ingest_id)}, {LINE_COL}, {extras},
       _problems, CASE WHEN _problems IS NOT NULL THEN {raw_json} END
FROM ({p}) AS p"""
    return sql, bind.values


LINE_COL = "_line"


def _sibling(plan: SelectPlan, name: str) -> int | None:
    for j, cp in enumerate(plan.columns):
        if cp.spec.name == name:
            return j
    return None
