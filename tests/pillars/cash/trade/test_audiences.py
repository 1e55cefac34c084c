"""A trade alert's baseline holds only rows released at least where the alert is (per audience)."""

from __future__ import annotations

import json
from pathlib import Path

from tenaza.detect import run
from tenaza.pillars.cash.trade.prices import TradePrices
from tenaza.store import Workspace

from .test_prices import _market
from .trade_helpers import export, load


def test_each_price_is_judged_against_the_rows_shared_as_widely_as_its_alert(ws: Workspace, tmp_path: Path) -> None:
    shared = _market(30) + [export("OVER", "2024-03-10", "Aceros Fantasma LLC", "Importadora Norte SA de CV",
                                   "720839", 20_000, 60_000.0)]
    # A US-only file of the same goods and flow, priced three times higher, and one more outlier.
    us_only = [{**row, "decl_id": f"U{i}", "value_usd": 3 * row["value_usd"], "value": 3 * row["value"]}
               for i, row in enumerate(_market(30))]
    us_only.append(export("USOVER", "2024-03-12", "Aceros Caros LLC", "Importadora Este SA de CV", "720839",
                          20_000, 2_000_000.0))
    load(ws, tmp_path, "trade_declarations", shared, releasable_to=("USA", "MEX"))
    load(ws, tmp_path, "trade_declarations", us_only, releasable_to=("USA",))
    run(ws, [TradePrices])
    rows = ws.backend.fetch("alerts", "SELECT subjects, figures, releasable_to FROM alerts "
                                      "WHERE detector = 'cash_trade_prices'")
    found = {next(s for s in r[0] if s.startswith("decl:")): (json.loads(r[1]), list(r[2])) for r in rows}
    # Shared with Mexico: judged against the 31 shared declarations only, none of the US-only ones.
    over, marked = found["decl:OVER"]
    assert marked == ["MEX", "USA"] and over["group_size"] == 31
    # US only: judged against everything the US may see, the shared rows and its own file's.
    us_over, us_marked = found["decl:USOVER"]
    assert us_marked == ["USA"] and us_over["group_size"] == 62
    # Each alert is made once, in the audience of its evidence.
    assert len(rows) == len(found)
