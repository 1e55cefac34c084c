"""``tenaza alerts`` and ``tenaza alert``: the alerts as the viewer (``--as``) may see them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

_COLUMNS = ("alert_id", "detector", "pillar", "typology", "score", "subjects", "evidence", "figures", "explanation",
            "period_start", "period_end", "releasable_to")


def _rows(ws: Any, where: str, params: dict[str, Any], limit: int | None) -> list[dict[str, Any]]:
    sql = (f"SELECT {', '.join(_COLUMNS)} FROM alerts WHERE {where} ORDER BY score DESC, alert_id"
           + (" LIMIT $limit" if limit else ""))
    if limit:
        params = {**params, "limit": limit}
    rows = ws.backend.fetch("list alerts", sql, params)
    out = []
    for r in rows:
        d = dict(zip(_COLUMNS, r, strict=True))
        d["score"] = float(d["score"])
        d["figures"] = json.loads(d["figures"]) if d["figures"] else {}
        out.append(d)
    return out


def register(app: typer.Typer) -> None:
    @app.command("alerts")
    def alerts(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        pillar: Annotated[str | None, typer.Option(help="Only this pillar's alerts (cash, weapons, ...).")] = None,
        detector: Annotated[str | None, typer.Option(help="Only this detector's alerts.")] = None,
        limit: Annotated[int, typer.Option(help="At most this many, highest scores first (0: all).")] = 20,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List alerts, highest score first, as the viewer (--as) may see them."""
        from rich.table import Table

        from tenaza.cli_options import fail, out
        from tenaza.errors import TenazaError
        from tenaza.store import Workspace

        where, params = ["TRUE"], {}
        if pillar:
            where.append("pillar = $pillar")
            params["pillar"] = pillar
        if detector:
            where.append("detector = $detector")
            params["detector"] = detector
        try:
            with Workspace.open(workspace, read_only=True) as ws:
                rows = _rows(ws, " AND ".join(where), params, limit or None)
                total = int(ws.backend.scalar("count alerts", f"SELECT count(*) FROM alerts WHERE {' AND '.join(where)}",
                                              params))
        except TenazaError as exc:
            fail(exc)
        if as_json:
            out.print_json(json.dumps({"total": total, "alerts": rows}, default=str))
            return
        table = Table("score", "alert", "typology", "subjects", "explanation", title=f"{len(rows):,} of {total:,} alerts")
        for r in rows:
            table.add_row(f"{r['score']:.2f}", r["alert_id"], r["typology"], ", ".join(r["subjects"][:3]),
                          r["explanation"])
        out.print(table)

    @app.command("alert")
    def alert(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        alert_id: Annotated[str, typer.Argument(help="The alert's id, as `tenaza alerts` shows it.")],
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """One alert with its evidence and figures, as the viewer (--as) may see it."""
        from tenaza.cli_options import fail, out
        from tenaza.errors import TenazaError
        from tenaza.store import Workspace

        try:
            with Workspace.open(workspace, read_only=True) as ws:
                rows = _rows(ws, "alert_id = $id", {"id": alert_id}, None)
        except TenazaError as exc:
            fail(exc)
        if not rows:
            fail(TenazaError(f"{workspace}: no alert {alert_id!r} that this viewer may see"))
        r = rows[0]
        if as_json:
            out.print_json(json.dumps(r, default=str))
            return
        out.print(f"[bold]{r['alert_id']}[/] {r['detector']} · {r['typology']} · score {r['score']:.2f}")
        out.print(r["explanation"], highlight=False)
        out.print(f"subjects: {', '.join(r['subjects'])}", highlight=False)
        out.print(f"evidence: {len(r['evidence'])} records: {', '.join(r['evidence'][:20])}"
                  + (" …" if len(r["evidence"]) > 20 else ""), highlight=False)
        out.print(f"figures: {json.dumps(r['figures'], default=str)}", highlight=False)
        out.print(f"releasable to: {', '.join(r['releasable_to'])}", highlight=False)
