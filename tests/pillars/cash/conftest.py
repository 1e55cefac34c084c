"""Helpers of the cash detector tests: write a small CSV in the canonical layout, ingest it into
the real workspace, run one detector and read its alerts back."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tenaza.detect import run, select
from tenaza.ingest import ingest_file
from tenaza.store import Workspace

T0 = datetime(2024, 3, 1, 10, 0)
COLUMNS = ("txn_id", "ts", "from_account", "to_account", "amount", "currency", "channel", "country", "state",
           "city", "branch")
_files = itertools.count()


def txn(day: float, frm: str | None, to: str | None, amount: float, channel: str = "wire", *, currency: str = "USD",
        country: str = "USA", state: str = "IL", city: str = "Chicago", branch: str | None = None) -> dict[str, Any]:
    return {"ts": (T0 + timedelta(days=day)).isoformat(sep=" "), "from_account": frm or "", "to_account": to or "",
            "amount": f"{amount:.2f}", "currency": currency, "channel": channel, "country": country,
            "state": state, "city": city, "branch": branch or f"{city[:3].upper()}1"}


@dataclass
class Alert:
    typology: str
    score: float
    subjects: list[str]
    evidence: list[str]
    figures: dict[str, Any]
    explanation: str


class Bank:
    """A workspace with the rows a test writes, and the alerts of the detectors it runs."""

    def __init__(self, ws: Workspace, tmp: Path) -> None:
        self.ws, self.tmp = ws, tmp

    def transactions(self, rows: list[dict[str, Any]]) -> None:
        lines = [",".join(COLUMNS)]
        for i, r in enumerate(rows):
            r = {**r, "txn_id": r.get("txn_id", f"T{i}")}
            lines.append(",".join(str(r.get(c, "")) for c in COLUMNS))
        path = self.tmp / f"txns{next(_files)}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = ingest_file(self.ws, path, "transactions", originator="FINCEN", releasable_to=["USA", "MEX"])
        assert report.rows_quarantined == 0, report

    def accounts(self, rows: list[tuple[str, str, str]], holders: dict[str, tuple[str, str]] | None = None) -> None:
        """(account_id, institution, institution_country) rows; holders: account_id -> (kind, name)."""
        holders = holders or {}
        path = self.tmp / f"accounts{next(_files)}.csv"
        body = "".join(f'{a},"{i}",{c},{"H-" + a if a in holders else ""}\n' for a, i, c in rows)
        path.write_text("account_id,institution,institution_country,holder_party_id\n" + body, encoding="utf-8")
        ingest_file(self.ws, path, "accounts", originator="FINCEN", releasable_to=["USA", "MEX"])
        if holders:
            parties = self.tmp / f"parties{next(_files)}.csv"
            parties.write_text("party_id,kind,name\n" + "".join(f'H-{a},{k},"{n}"\n' for a, (k, n) in holders.items()),
                               encoding="utf-8")
            ingest_file(self.ws, parties, "parties", originator="FINCEN", releasable_to=["USA", "MEX"])

    def detect(self, name: str, config: dict[str, Any] | None = None) -> list[Alert]:
        run(self.ws, select(names=[name]), {name: config} if config else None)
        rows = self.ws.backend.fetch("alerts", "SELECT typology, score, subjects, evidence, figures, explanation "
                                     "FROM alerts WHERE detector = $d ORDER BY score DESC", {"d": name})
        return [Alert(r[0], float(r[1]), list(r[2]), list(r[3]), json.loads(r[4]), r[5]) for r in rows]


@pytest.fixture
def bank(ws: Workspace, tmp_path: Path) -> Bank:
    return Bank(ws, tmp_path)
