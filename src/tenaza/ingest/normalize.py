"""Pure functions that return the SQL which types, normalizes and validates a source, set-wise.

One SELECT over the whole file computes every canonical column and, beside them, ``_problems``:
each failed check as ``column: reason``. Rows with problems are moved to quarantine later; the
rest stay. Values are bound as parameters (``Binds``), never pasted into the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tenaza.schema.specs import ColumnSpec, ColumnType, TableSpec
from tenaza.store.dialect import ident

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


def _text(x: str) -> str:
    return f"CASE WHEN regexp_matches({x}, '\\s\\s|[\\t\\r\\n]') THEN nfc_normalize(regexp_replace({x}, '\\s+', ' ', 'g')) ELSE nfc_normalize({x}) END"


MIN_YEAR, MAX_YEAR = 1000, 2200  # dates outside are typing errors (0024 for 2024); history is kept


def number_text(x: str) -> str:
    """Text of a number without currency signs, codes, spaces; (1.00) as -1.00."""
    return f"regexp_replace(regexp_replace({x}, '^\\((.*)\\)$', '-\\1'), '{MONEY_NOISE}', '\\1', 'g')"


def number_expr(x: str, decimal: str, kind: str = EXACT_DECIMAL) -> str:
    """Typed DECIMAL (``kind``) from trimmed text ``x``.

    A plain number (the common case) is one cast. Otherwise unambiguous shapes decide per
    value and the rest follow the column's decimal mark; the cleaning and the regular
    expressions run only for the values that reach them."""
    n = number_text(x)
    as_dot = f"try_cast(replace({n}, ',', '') AS {kind})"
    as_comma = f"try_cast(replace(replace({n}, '.', ''), ',', '.') AS {kind})"
    default_pat, default_parse = (NUM_COMMA, as_comma) if decimal == "," else (NUM_DOT, as_dot)
    slow = (f"CASE WHEN regexp_full_match({n}, '{ONLY_DOT}') THEN {as_dot} "
            f"WHEN regexp_full_match({n}, '{ONLY_COMMA}') THEN {as_comma} "
            f"WHEN regexp_full_match({n}, '{default_pat}') THEN {default_parse} END")
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


def typed_expr(plan: ColumnPlan, x: str, bind: Binds) -> tuple[str, str | None]:
    """(typed SQL, SQL of the reason it failed or NULL) for trimmed, non-empty text ``x``."""
    t = plan.spec.type
    quoted = f"'''' || {x} || ''''"
    if t is ColumnType.STRING:
        return x, None  # trimmed already; codes and free text keep their inner spacing
    if t is ColumnType.NAME:
        return _text(x), None
    if t is ColumnType.ENUM:
        allowed = bind(list(plan.spec.values))
        folded = f"lower(regexp_replace({x}, '[\\s-]+', '_', 'g'))"
        # The canonical spelling (the common case) is checked without a regular expression.
        v = f"CASE WHEN list_contains({allowed}, {x}) THEN {x} WHEN list_contains({allowed}, {folded}) THEN {folded} END"
        return (v, f"'unknown value ' || {quoted} || ' (expected one of ' || array_to_string({allowed}, ', ') || ')'")
    if t is ColumnType.INTEGER:
        return f"try_cast(replace({x}, ',', '') AS BIGINT)", f"'not a whole number: ' || {quoted}"
    if t is ColumnType.DECIMAL:
        # Parsed exactly (DECIMAL(38,10)); stored as DECIMAL(18,4) below, the exact text kept
        # in extras when storing rounds it, and a value too large for storage said so.
        return number_expr(x, plan.decimal), (f"CASE WHEN regexp_full_match({number_text(x)}, '{NUMBER_SHAPE}') "
                                              f"THEN 'too large for an amount (at most 14 digits before the decimal "
                                              f"mark): ' ELSE 'not a number: ' END || {quoted}")
    if t in (ColumnType.DATE, ColumnType.TIMESTAMP) and plan.origin is not None:
        moment = (f"CAST({bind(plan.origin)} AS TIMESTAMP) + "
                  f"to_seconds(try_cast({x} AS DOUBLE) * {bind(plan.unit_seconds)})")
        v = f"CAST({moment} AS DATE)" if t is ColumnType.DATE else moment
        return v, f"'not a number of ' || {bind(_UNIT_NAMES[plan.unit_seconds])} || ': ' || {quoted}"
    if t is ColumnType.DATE:
        fmts = bind(_date_formats(plan, with_time=True))
        # The engine's cast reads '01/02/24' as the year 1: ISO text only (yyyy-...).
        iso = "" if plan.formats else (f"CASE WHEN substr({x}, 5, 1) = '-' THEN coalesce(try_cast({x} AS DATE), "
                                       f"try_cast(try_cast({x} AS TIMESTAMP) AS DATE)) END, ")
        # The engine's casts take 'epoch' and 'infinity' as moments; a date has digits.
        v = f"CASE WHEN regexp_matches({x}, '[0-9]') THEN coalesce({iso}try_strptime({x}, {fmts})::DATE) END"
        expected = plan.formats[0] if plan.formats else (f"{plan.dates} order or ISO" if plan.dates else "ISO yyyy-mm-dd")
        return (v, f"'not a date: ' || {quoted} || ' (expected ' || {bind(expected)} || ')'")
    if t is ColumnType.TIMESTAMP:
        fmts = bind(_date_formats(plan, with_time=True))
        iso = "" if plan.formats else f"CASE WHEN substr({x}, 5, 1) = '-' THEN try_cast({x} AS TIMESTAMP) END, "
        v = f"CASE WHEN regexp_matches({x}, '[0-9]') THEN coalesce({iso}try_strptime({x}, {fmts})) END"
        expected = plan.formats[0] if plan.formats else (f"{plan.dates} order or ISO" if plan.dates else "ISO yyyy-mm-dd hh:mm:ss")
        return (v, f"'not a date and time: ' || {quoted} || ' (expected ' || {bind(expected)} || ')'")
    if t is ColumnType.BOOLEAN:
        return ((f"CASE WHEN list_contains({bind(TRUE)}, lower({x})) THEN true "
                f"WHEN list_contains({bind(FALSE)}, lower({x})) THEN false END"),
                f"'not yes or no: ' || {quoted}")
    if t in (ColumnType.COUNTRY, ColumnType.CURRENCY):
        # Kept as text here and resolved after the pass, once per distinct value (triage.py):
        # a lookup per row in a thousand-entry map cost more than the rest of the row.
        return x, None
    if t is ColumnType.HS_CODE:
        v = f"regexp_replace({x}, '[.\\s-]', '', 'g')"
        return f"CASE WHEN regexp_full_match({v}, '[0-9]{{2,10}}') THEN {v} END", f"'not an HS code (2 to 10 digits): ' || {quoted}"
    if t in (ColumnType.STRING_LIST, ColumnType.COUNTRY_LIST):
        # Country lists are resolved to ISO codes after the pass, once per distinct value (triage.py).
        default = "'[;|,]'" if t is ColumnType.COUNTRY_LIST else "'[;|]'"
        split = f"string_split({x}, {bind(plan.split)})" if plan.split else f"string_split_regex({x}, {default})"
        parts = (f"CASE WHEN starts_with({x}, '[') AND json_valid({x}) THEN CAST(json_extract_string({x}, '$[*]') AS VARCHAR[]) "
                 f"ELSE {split} END")
        return (f"list_filter(list_transform({parts}, lambda e: nullif(nfc_normalize(trim(e)), '')), lambda e: e IS NOT NULL)",
                None)
    if t.is_identifier:
        return identifier_norm(x), None
    raise ValueError(f"no rule to read a {t.value} column from a source")


def identifier_norm(x: str) -> str:
    return f"upper(regexp_replace({x}, '[\\s./-]', '', 'g'))"


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


def select_sql(plan: SelectPlan, bind: Binds) -> tuple[str, dict[str, Any]]:
    """INSERT ... SELECT that stores every row of the source, typed, with its problems."""
    ctes_s = [f"{e} AS s{i}" for i, e in enumerate(plan.source_exprs)]
    raw_cols: list[str] = []
    typed: list[str] = []
    checks: list[str] = []  # b{j}: why the value of column j is bad, or NULL
    reasons: list[str] = []  # problems of the whole row (required columns): the row is quarantined
    invalid: list[str] = []  # optional columns: the value is cleared and kept in extras with its reason
    exact: list[str] = []  # amounts that storage rounds: the exact text is kept in extras
    checked: set[int] = set()
    for j, cp in enumerate(plan.columns):
        c = cp.spec
        raw = cp.raw if cp.raw is not None else "NULL::VARCHAR"
        if cp.value_map:
            keys, values = bind(list(cp.value_map)), bind(list(cp.value_map.values()))
            raw = f"coalesce(map_extract_value(map({keys}, {values}), upper(trim({raw}))), {raw})"
        raw_cols.append(f"{_clean(raw)} AS r{j}")
        x = f"r{j}"
        expr, reason = typed_expr(cp, x, bind)
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
                invalid += [bind(c.name), (f"CASE WHEN b{j} IS NOT NULL THEN json_object('raw', r{j}, 'reason', "
                                          f"substr(b{j}, {len(c.name) + 3})) END")]
            if c.type is ColumnType.DECIMAL:
                exact += [bind(c.name), f"CASE WHEN b{j} IS NULL AND v{j} <> try_cast(v{j} AS {STORED_DECIMAL}) THEN r{j} END"]
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
            ok = f"regexp_full_match(v{j}, {shape})"
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
        raw_json = "json_object(" + ", ".join(f"{bind(n)}, s{i}" for i, n in enumerate(plan.source_columns)) + ")"
    base = ("json_object(" + ", ".join(f"{bind(plan.source_columns[i])}, nullif(s{i}, '')" for i in plan.extras) + ")"
            if plan.extras else "NULL")
    notes: list[str] = []
    if invalid:
        notes.append(f"'_invalid', json_merge_patch('{{}}', json_object({', '.join(invalid)}))")
    if exact:
        notes.append(f"'_exact', json_merge_patch('{{}}', json_object({', '.join(exact)}))")
    extras = "_extras"
    if notes:
        # json_merge_patch drops the keys whose value is null: only the columns concerned stay.
        extras = (f"CASE WHEN _invalid_any OR _exact_any THEN json_merge_patch(coalesce(_extras, '{{}}'), "
                  f"json_merge_patch('{{}}', json_object({', '.join(notes)}))) ELSE _extras END")
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
