"""Restricted counterparties: dealings with institutions named in FinCEN orders."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.errors import DetectorError
from tenaza.pillars.cash.transactions.common import CashConfig, account_subjects, rid, usd_source

log = logging.getLogger("tenaza")

_COLUMNS = ("institution", "aliases", "country", "authority", "order_date", "effective_date", "sar_key")


@dataclass(frozen=True)
class RestrictedEntry:
    institution: str
    names: tuple[str, ...]  # the institution and its aliases
    effective: date
    authority: str
    sar_key: str


def default_list() -> Path:
    """The newest dated list shipped with tenaza (file names end in _YYYY-MM-DD.csv)."""
    folder = Path(str(resources.files("tenaza") / "data" / "restricted"))
    files = sorted(folder.glob("*.csv"), key=lambda p: p.stem.rsplit("_", 1)[-1])
    if not files:
        raise DetectorError(f"{folder}: no restricted-counterparty list")
    return files[-1]


def load_list(path: Path) -> list[RestrictedEntry]:
    """Read a list file, reporting every bad row at once."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise DetectorError(f"{path}: cannot read the restricted-counterparty list ({exc.strerror})") from exc
    missing = [c for c in _COLUMNS if rows and c not in rows[0]]
    if missing or not rows:
        raise DetectorError(f"{path}: expected a CSV with columns {', '.join(_COLUMNS)}"
                            + (f"; missing {', '.join(missing)}" if missing else "; no rows"))
    out, problems = [], []
    for line, row in enumerate(rows, start=2):
        try:
            effective = date.fromisoformat(row["effective_date"].strip())
        except ValueError:
            problems.append(f"line {line}: effective_date {row['effective_date']!r} is not YYYY-MM-DD")
            continue
        names = tuple(n.strip() for n in [row["institution"], *row["aliases"].split("|")] if n.strip())
        out.append(RestrictedEntry(row["institution"].strip(), names, effective, row["authority"].strip(),
                                   row["sar_key"].strip()))
    if problems:
        raise DetectorError(f"{path}: " + "; ".join(problems))
    log.info("restricted counterparties: %d institutions from %s", len(out), path)
    return out


class RestrictedConfig(CashConfig):
    list_path: str | None = Field(None, description="CSV list of restricted institutions (see "
                                                    "data/restricted/README.md); default: the newest list shipped "
                                                    "with tenaza, the FinCEN 2313a orders of 2025.")
    include_before_effective: bool = Field(True, description="Also report dealings before an order took effect "
                                                             "(as exposure, at a lower score).")
    before_score: float = Field(0.6, ge=0, le=1, description="Score of dealings that all predate the order.")


@register
class RestrictedCounterparty(Detector[RestrictedConfig]):
    """Restricted counterparties: payments to or from institutions named in FinCEN orders.

    In June 2025 FinCEN found three Mexican financial institutions (CIBanco, Intercam Banco
    and Vector Casa de Bolsa) of primary money laundering concern in connection with illicit
    opioid trafficking, under the FEND Off Fentanyl Act, and prohibited US financial
    institutions from sending funds to or receiving funds from them. The detector reads a dated
    list of such institutions (replaceable through the ``list_path`` setting), matches it
    against the institution of each account (accounts.institution, folded for case, accents
    and punctuation; an alias matches the full name or its first words), and raises one alert
    per account that dealt with a listed institution, with every transaction as evidence. Dealings
    on or after the order's effective date score 1; earlier ones are exposure.
    """

    NAME = "restricted_counterparty"
    PILLAR = "cash"
    TYPOLOGIES = ("restricted_counterparty",)
    CONFIG = RestrictedConfig
    NEEDS = ("transactions", "accounts")

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, RestrictedConfig)
        path = Path(c.list_path) if c.list_path else default_list()
        entries = load_list(path)
        keys, insts, effs, keys_sar, auths = [], [], [], [], []
        for e in entries:
            for n in e.names:
                keys.append(n)
                insts.append(e.institution)
                effs.append(e.effective)
                keys_sar.append(e.sar_key)
                auths.append(e.authority)
        params.update(r_names=keys, r_inst=insts, r_eff=effs, r_sar=keys_sar, r_auth=auths, r_list=path.name,
                      before_score=c.before_score, include_before=c.include_before_effective)
        rows = d.rows_from_arrays({"name": "$r_names", "institution": "$r_inst", "effective": "$r_eff",
                                   "sar_key": "$r_sar", "authority": "$r_auth"})
        effective = "CAST(effective AS STRING)"
        figures = d.json_object(("institution", "institution"), ("transactions", "n"), ("after_effective", "n_after"),
                                ("effective_date", effective), ("total_usd", "round(usd, 2)"), ("sar_key", "sar_key"),
                                ("authority", "authority"), ("list", "$r_list"))
        explanation = d.format_text(
            'Account {} {} {} ({} transactions, {} of them on or after {}), an institution named in a {}; SAR key "{}".',
            "coalesce(ours, 'of a cash customer')", d.array_join(d.array_sort("directions"), "' and '"), "institution",
            "n", "n_after", effective, "authority", "sar_key")
        return f"""
WITH lst AS (
  SELECT DISTINCT {d.fold('name')} AS key, institution, CAST(effective AS DATE) AS effective, sar_key, authority
  FROM ({rows}) AS r
),
acc AS (SELECT account_id, any_value({d.fold('institution')}) AS folded FROM accounts
        WHERE institution IS NOT NULL GROUP BY account_id),
-- an account's institution matches a listed name, or starts with it as whole words; where several
-- listed names match, the shortest (then the first institution by name) decides, all its columns
-- from that one entry
matched AS (
  SELECT a.account_id, l.institution, l.effective, l.sar_key, l.authority,
         row_number() OVER (PARTITION BY a.account_id ORDER BY length(l.key), l.institution, l.key) AS pick
  FROM acc AS a JOIN lst AS l ON a.folded = l.key OR {d.starts_with('a.folded', "l.key || ' '")}
),
ra AS (SELECT account_id, institution, effective, sar_key, authority FROM matched WHERE pick = 1),
hits AS (
  SELECT t.to_account AS ours, ra.account_id AS theirs, 'received from' AS direction, t.ts, t.ingest_id,
         t.source_row, t.usd, ra.institution, ra.effective, ra.sar_key, ra.authority
  FROM ({usd_source(d)}) AS t JOIN ra ON ra.account_id = t.from_account
  UNION ALL
  SELECT t.from_account, ra.account_id, 'sent to', t.ts, t.ingest_id, t.source_row, t.usd,
         ra.institution, ra.effective, ra.sar_key, ra.authority
  FROM ({usd_source(d)}) AS t JOIN ra ON ra.account_id = t.to_account
),
g AS (
  SELECT ours, institution, any_value(sar_key) AS sar_key, any_value(authority) AS authority,
         any_value(effective) AS effective, {d.list_agg('theirs', distinct=True)} AS theirs,
         {d.list_agg(rid())} AS evidence, count(*) AS n,
         count(*) FILTER (WHERE CAST(ts AS DATE) >= effective) AS n_after,
         sum(usd) AS usd, {d.list_agg('direction', distinct=True)} AS directions, min(ts) AS period_start,
         max(ts) AS period_end
  FROM hits GROUP BY ours, institution
)
SELECT 'restricted_counterparty' AS typology,
       CASE WHEN n_after > 0 THEN 1.0 ELSE $before_score END AS score,
       {account_subjects(d, d.array_prepend('ours', 'theirs'))} AS subjects, evidence,
       {figures} AS figures, {explanation} AS explanation, period_start, period_end
FROM g WHERE n_after > 0 OR $include_before
"""
