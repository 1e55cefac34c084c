"""After the streaming pass: repair picked-out values, move rows with problems to quarantine,
and reconcile the counts. Runs inside the ingest's transaction."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tenaza.errors import IngestError, Problem
from tenaza.ingest.readers import BadRow
from tenaza.ingest.repair import MOJIBAKE_PATTERN, failed_identifiers, fixes
from tenaza.schema.specs import ColumnType, TableSpec
from tenaza.store.dialect import Dialect, ident
from tenaza.store.reference import country_aliases, currency_aliases, fold

if TYPE_CHECKING:
    from tenaza.ingest.pipeline import IngestReport
    from tenaza.store.workspace import Workspace

# Names are where mojibake hurts (matching, screening) and where it shows; codes and free text
# are left as read, which keeps the scan to a few columns.
TEXT_TYPES = (ColumnType.NAME,)
# A currency that is not ISO 4217 but written as a code (crypto tickers, private codes) is kept.
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,5}$")
# Crypto-asset tickers the summary names as such (not an exhaustive list; any code is kept).
CRYPTO_CODES = frozenset({"XBT", "BTC", "ETH", "USDT", "USDC", "XRP", "LTC", "BCH", "XMR", "DAI", "BNB", "TRX"})


def finish(ws: Workspace, spec: TableSpec, report: IngestReport, bad_rows: list[BadRow], *, ingest_id: int,
           source: str, originator: str, releasable_to: list[str], now: datetime,
           step: Callable[..., None]) -> None:
    b = ws.backend
    t = ident(spec.physical_name)
    i = {"i": ingest_id}
    if spec.key:
        step("checking duplicates")
        key = ident(spec.key)
        b.execute("flag duplicate keys", f"""
            UPDATE {t} AS r SET _problems = $msg || d.first_line
            FROM (SELECT {key} AS k, min(source_row) AS first_line FROM {t}
                  WHERE ingest_id = $i AND {key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1) AS d
            WHERE r.ingest_id = $i AND r.{key} = d.k AND r.source_row > d.first_line AND r._problems IS NULL""",
                  {**i, "msg": f"{spec.key}: duplicate of line "})
    step("resolving codes")
    unpriced = _resolve_codes(ws, spec, ingest_id)
    if unpriced:
        n = sum(unpriced.values())
        listed = ", ".join(f"{c} {k:,}{' (crypto)' if c in CRYPTO_CODES else ''}" for c, k in unpriced.items())
        report.warnings.append(
            f"{n:,} rows kept with no US-dollar amount: their currency is not ISO 4217 ({listed}); detectors "
            f"count them as rows they cannot judge unless `tenaza rates load --file RATES.csv` gives a rate")
    step("repairing text")
    report.values_repaired = _repair_mojibake(ws, spec, ingest_id)
    step("checking identifiers")
    report.ids_flagged = _check_identifiers(ws, spec, ingest_id)

    step("quarantining")
    d = b.dialect
    stored = [c.name for c in spec.stored_columns if c.name not in ("ingest_id", "source_row", "extras")]
    row_json = d.json_object(*((c, ident(c)) for c in stored))
    marks = {"i": ingest_id, "t": spec.name, "src": source, "orig": originator, "rel": releasable_to, "at": now}
    b.execute("quarantine rows with problems", f"""
        INSERT INTO quarantine (ingest_id, target_table, source, line, column_name, reason, raw, originator,
                                releasable_to, ingested_at)
        SELECT $i, $t, $src, source_row, split_part(_problems, ':', 1), _problems,
               coalesce(_raw, {row_json}), $orig, $rel, $at
        FROM {t} WHERE ingest_id = $i AND _problems IS NOT NULL""", marks)
    b.execute("remove quarantined rows", f"DELETE FROM {t} WHERE ingest_id = $i AND _problems IS NOT NULL", i)
    if bad_rows:
        rows = d.rows_from_arrays({"line": "$lines", "reason": "$reasons", "raw": "$texts"})
        b.execute("quarantine unparseable rows", f"""
            INSERT INTO quarantine (ingest_id, target_table, source, line, column_name, reason, raw, originator,
                                    releasable_to, ingested_at)
            SELECT $i, $t, $src, line, NULL, reason, raw, $orig, $rel, $at FROM ({rows}) AS r""",
                  {**marks, "lines": [r.line for r in bad_rows], "reasons": [r.reason for r in bad_rows],
                   "texts": [r.text for r in bad_rows]})

    report.rows_accepted = int(b.scalar("count accepted", f"SELECT count(*) FROM {t} WHERE ingest_id = $i", i))
    report.rows_quarantined = int(b.scalar("count quarantined", "SELECT count(*) FROM quarantine WHERE ingest_id = $i", i))
    if not report.reconciles:
        raise IngestError([Problem(source, f"counts do not reconcile: {report.rows_read} read, {report.rows_accepted} "
                                   f"accepted, {report.rows_quarantined} quarantined; nothing was stored")])
    report.fields = _field_counts(ws, spec, ingest_id)
    # the quoted value of the first problem as an ellipsis (one greedy match: all of them is the first)
    first = d.regex_replace_all("split_part(reason, '; ', 1)", "'''.*'''", "'…'")
    report.reasons = [(str(r[0]), int(r[1])) for r in b.fetch("summarize quarantine", f"""
        SELECT {first},
               count(*) FROM quarantine WHERE ingest_id = $i GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT 10""", i)]


def _field_counts(ws: Workspace, spec: TableSpec, ingest_id: int) -> dict[str, dict[str, int]]:
    """Per field: values cleared (optional, not valid; kept in extras._invalid), amounts that
    storage rounds (exact text in extras._exact), rows quarantined over it."""
    b = ws.backend
    t = ident(spec.physical_name)
    out: dict[str, dict[str, int]] = {}

    def add(rows: list[tuple[Any, ...]], what: str) -> None:
        for name, n in rows:
            out.setdefault("(row)" if name is None else str(name), {})[what] = int(n)

    d = b.dialect
    for what, key in (("cleared", "_invalid"), ("rounded", "_exact")):
        at = f"'$.{key}'"
        add(b.fetch(f"count {what} values", f"""SELECT k, count(*) FROM (
                SELECT {d.explode(d.json_keys('extras', at))} AS k FROM {t}
                WHERE ingest_id = $i AND extras IS NOT NULL AND {d.json_exists('extras', at)})
            GROUP BY k ORDER BY k""", {"i": ingest_id}), what)
    add(b.fetch("count quarantined per field", f"""SELECT f, count(DISTINCT line) FROM (
            SELECT line, CASE WHEN column_name IS NOT NULL THEN split_part(e, ':', 1) END AS f FROM (
                SELECT line, column_name, {d.explode(d.split('reason', '; '))} AS e FROM quarantine WHERE ingest_id = $i))
        GROUP BY f ORDER BY f""", {"i": ingest_id}), "quarantined")
    return out


def _resolve_codes(ws: Workspace, spec: TableSpec, ingest_id: int) -> dict[str, int]:
    """Country and currency spellings to ISO codes, once per distinct value; unknown ones
    become problems of their rows, except a currency written as a code (``XBT``, ``USDT``, a
    private code): that row is kept, upper-cased, with no US-dollar amount unless the source or
    a rates file gives one. Returns those rows' counts by currency, most first."""
    b = ws.backend
    d = b.dialect
    t = ident(spec.physical_name)
    unpriced: dict[str, int] = {}
    for c in spec.source_columns:
        if c.type not in (ColumnType.COUNTRY, ColumnType.CURRENCY, ColumnType.COUNTRY_LIST):
            continue
        col = ident(c.name)
        aliases = currency_aliases() if c.type is ColumnType.CURRENCY else country_aliases()
        if c.type is ColumnType.COUNTRY_LIST:
            _resolve_code_lists(ws, t, col, c.name, aliases, ingest_id, required=c.required)
            continue
        change, unknown = _classify(b.fetch(f"list {c.name} values", f"SELECT DISTINCT {col} FROM {t} "
                                            f"WHERE ingest_id = $i AND {col} IS NOT NULL", {"i": ingest_id}), aliases)
        if c.type is ColumnType.CURRENCY:
            codes = {v: v.strip().upper() for v in unknown if _CODE.match(v.strip())}
            unknown = [v for v in unknown if v not in codes]
            change.update({v: k for v, k in codes.items() if k != v})
            if codes:
                unpriced.update((str(k), int(n)) for k, n in b.fetch(
                    f"count {c.name} without an ISO code", f"SELECT upper(trim({col})), count(*) FROM {t} "
                    f"WHERE ingest_id = $i AND {d.array_contains('$v', col)} GROUP BY 1 ORDER BY 2 DESC, 1",
                    {"i": ingest_id, "v": list(codes)}))
        if change:
            b.execute(f"resolve {c.name}", f"UPDATE {t} SET {col} = {d.map_lookup('$src', '$dst', col)} "
                      f"WHERE ingest_id = $i AND {d.array_contains('$src', col)}",
                      {"i": ingest_id, "src": list(change), "dst": list(change.values())})
        if unknown and not c.required:
            what = "an ISO 3166 country" if c.type is ColumnType.COUNTRY else "an ISO 4217 currency"
            _clear(ws, t, col, c.name, d.array_contains("$v", col), f"CAST({col} AS STRING)",
                   f"$why || {col}", ingest_id, {"v": unknown, "why": f"not {what}: "})
        elif unknown:
            what = "an ISO 3166 country" if c.type is ColumnType.COUNTRY else "an ISO 4217 currency"
            b.execute(f"flag unknown {c.name}", f"UPDATE {t} SET _problems = concat_ws('; ', _problems, "
                      f"$msg || '''' || {col} || ''''), _raw = coalesce(_raw, $raw) "
                      f"WHERE ingest_id = $i AND {d.array_contains('$v', col)}",
                      {"i": ingest_id, "v": unknown, "msg": f"{c.name}: not {what}: ", "raw": None})
    return unpriced


def _classify(rows: list[tuple[Any, ...]], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Distinct values as (value -> its code, where they differ) and the values with no code."""
    codes = {str(r[0]): aliases.get(fold(str(r[0]))) for r in rows}
    return ({v: code for v, code in codes.items() if code is not None and code != v},
            [v for v, code in codes.items() if code is None])


def _clear(ws: Workspace, t: str, col: str, name: str, where: str, raw: str, reason: str, ingest_id: int,
           params: dict[str, Any], kept: str = "NULL") -> None:
    """An optional value that is not valid: cleared and kept in extras with its reason; the row
    stays (docs/ingest.md, "Field-level validity")."""
    d = ws.backend.dialect
    invalid = d.json_build(("'_invalid'", d.json_build(("$name", d.json_build(("'raw'", raw), ("'reason'", reason))))))
    ws.backend.execute(f"clear invalid {name}", f"""UPDATE {t} SET
        extras = {d.json_merge_patch("coalesce(extras, '{}')", invalid)},
        {col} = {kept}
        WHERE ingest_id = $i AND _problems IS NULL AND {where}""", {"i": ingest_id, "name": name, **params})


def _resolve_code_lists(ws: Workspace, t: str, col: str, name: str, aliases: dict[str, str], ingest_id: int, *,
                        required: bool) -> None:
    """The same for lists of countries: each element to its code; a list with an unknown
    element is a problem of its row."""
    b = ws.backend
    d = b.dialect
    change, unknown = _classify(b.fetch(f"list {name} values", f"SELECT DISTINCT e FROM (SELECT {d.explode(col)} AS e "
                                        f"FROM {t} WHERE ingest_id = $i)", {"i": ingest_id}), aliases)
    if change:
        b.execute(f"resolve {name}", f"""UPDATE {t}
            SET {col} = {_recode(d, col)}
            WHERE ingest_id = $i AND {_overlaps(d, col, '$src')}""",
                  {"i": ingest_id, "src": list(change), "dst": list(change.values())})
    unknown_ones = d.array_join(d.array_filter(col, "e", d.array_contains("$v", "e")), "', '")
    if unknown and not required:
        _clear(ws, t, col, name, _overlaps(d, col, "$v"), d.array_join(col, "';'"),
               f"$why || {unknown_ones}",
               ingest_id, {"v": unknown, "why": "not ISO 3166 countries: "},
               kept=f"nullif({d.array_filter(col, 'e', 'NOT ' + d.array_contains('$v', 'e'))}, {d.empty_string_array()})")
    elif unknown:
        b.execute(f"flag unknown {name}", f"UPDATE {t} SET _problems = concat_ws('; ', _problems, $msg || "
                  f"{unknown_ones}) "
                  f"WHERE ingest_id = $i AND {_overlaps(d, col, '$v')}",
                  {"i": ingest_id, "v": unknown, "msg": f"{name}: not ISO 3166 countries: "})


def _overlaps(d: Dialect, a: str, b: str) -> str:
    """Whether the two lists share an element."""
    return f"{d.array_length(d.array_intersect(a, b))} > 0"


def _recode(d: Dialect, col: str) -> str:
    """Each element of the list ``col`` through the map of $src to $dst (kept where not in it)."""
    return d.array_transform(col, "e", f"coalesce({d.map_lookup('$src', '$dst', 'e')}, e)")


def _repair_mojibake(ws: Workspace, spec: TableSpec, ingest_id: int) -> int:
    b = ws.backend
    d = b.dialect
    t = ident(spec.physical_name)
    total = 0
    for c in spec.source_columns:
        col = ident(c.name)
        if c.type in TEXT_TYPES:
            found = b.fetch(f"find mojibake in {c.name}", f"SELECT DISTINCT {col} FROM {t} WHERE ingest_id = $i "
                            f"AND {d.regex_match(col, '$pat')}", {"i": ingest_id, "pat": MOJIBAKE_PATTERN})
            repaired = fixes(str(r[0]) for r in found)
            if repaired:
                # a join on the repaired values (a hash join), not a list lookup per row
                b.execute(f"repair {c.name}", f"""UPDATE {t} SET {col} = m.dst
                    FROM ({d.rows_from_arrays({"src": "$src", "dst": "$dst"})}) AS m
                    WHERE {t}.ingest_id = $i AND {t}.{col} = m.src""",
                          {"i": ingest_id, "src": list(repaired), "dst": list(repaired.values())})
        elif c.type is ColumnType.STRING_LIST:
            found = b.fetch(f"find mojibake in {c.name}", f"SELECT DISTINCT e FROM (SELECT {d.explode(col)} AS e FROM {t} "
                            f"WHERE ingest_id = $i) WHERE {d.regex_match('e', '$pat')}", {"i": ingest_id, "pat": MOJIBAKE_PATTERN})
            repaired = fixes(str(r[0]) for r in found)
            if repaired:
                b.execute(f"repair {c.name}", f"""UPDATE {t}
                    SET {col} = {_recode(d, col)}
                    WHERE ingest_id = $i AND {_overlaps(d, col, '$src')}""",
                          {"i": ingest_id, "src": list(repaired), "dst": list(repaired.values())})
        else:
            continue
        total += len(repaired)
    return total


def _check_identifiers(ws: Workspace, spec: TableSpec, ingest_id: int) -> int:
    b = ws.backend
    d = b.dialect
    t = ident(spec.physical_name)
    flagged = 0
    for c in spec.source_columns:
        if not c.type.is_identifier:
            continue
        col, check, raw = ident(c.name), ident(f"{c.name}_check"), ident(f"{c.name}_raw")
        values = b.fetch(f"list {c.name}", f"SELECT DISTINCT {col} FROM {t} WHERE ingest_id = $i AND {check} = 'valid'",
                         {"i": ingest_id})
        failed = failed_identifiers(c.type, (str(r[0]) for r in values))
        bad = [v for v, s in failed.items() if s == "bad_check_digit"]
        malformed = [v for v, s in failed.items() if s == "malformed"]
        if bad:
            b.execute(f"flag {c.name} check digits", f"UPDATE {t} SET {check} = 'bad_check_digit' "
                      f"WHERE ingest_id = $i AND {d.array_contains('$v', col)}", {"i": ingest_id, "v": bad})
        if malformed:
            b.execute(f"clear malformed {c.name}", f"UPDATE {t} SET {check} = 'malformed', {raw} = {col}, {col} = NULL "
                      f"WHERE ingest_id = $i AND {d.array_contains('$v', col)}", {"i": ingest_id, "v": malformed})
        flagged += int(b.scalar(f"count flagged {c.name}", f"SELECT count(*) FROM {t} WHERE ingest_id = $i "
                                f"AND {check} IN ('bad_check_digit', 'malformed')", {"i": ingest_id}))
    return flagged
