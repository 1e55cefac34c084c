"""`tenaza rank`: train and measure the supervised cash ranker, write its scores and alerts."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def rank(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        truth: Annotated[Path | None, typer.Option(help="Labels from a scenario's truth.parquet (else from a "
                                                        "label column kept in transactions.extras).")] = None,
        labels: Annotated[str | None, typer.Option(help="Where the labels are: transactions:COLUMN (a flag kept in "
                                                        "transactions.extras, e.g. 'transactions:Is Laundering'), "
                                                        "accounts:COLUMN (e.g. accounts:isFraud), truth:PATH (CSV "
                                                        "or Parquet with txn_id or account_id and label) or "
                                                        "dispositions:PATH (alert_id,disposition).")] = None,
        split: Annotated[str, typer.Option(help="time (learn from earlier windows) or account (held-out "
                                                "accounts).")] = "time",
        window_days: Annotated[int, typer.Option(help="Length of the scored windows, in days.")] = 30,
        train_fraction: Annotated[float, typer.Option(help="Share of the windows, earliest first, to learn from.")
                                  ] = 0.6,
        top_k: Annotated[int, typer.Option(help="k of the precision@k reported.")] = 100,
        pillar: Annotated[str, typer.Option(help="cash (accounts) or weapons (purchasers and dealers: "
                                                 "weapons_ranked_risk alerts; --truth measures the ranking).")
                          ] = "cash",
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Rank accounts: with LightGBM where labels exist, else against their peers and alerts (always)."""
        from tenaza.cli_options import fail, out
        from tenaza.detect import run
        from tenaza.errors import TenazaError
        from tenaza.pillars.cash.transactions.ranked_risk import RankedRisk
        from tenaza.rank import rank_unsupervised
        from tenaza.rank.supervised import RankerConfig, load_labels
        from tenaza.rank.supervised import rank as run_ranker
        from tenaza.store import Workspace

        if pillar == "weapons":
            from tenaza.pillars.weapons.ranked import print_report, rank_weapons
            try:
                with Workspace.open(workspace) as ws:
                    print_report(rank_weapons(ws, truth=truth), as_json)
            except TenazaError as exc:
                fail(exc)
            return
        unsup = None
        try:
            if pillar != "cash":
                raise TenazaError(f"--pillar {pillar!r}: expected cash or weapons")
            if split not in ("time", "account"):
                raise TenazaError(f"--split {split!r}: expected time or account")
            cfg = RankerConfig(window_days=window_days, train_fraction=train_fraction, top_k=top_k,
                               split="account" if split == "account" else "time")
            with Workspace.open(workspace) as ws:
                report = run_ranker(ws, load_labels(ws, truth, labels), cfg)
                if report.skipped:
                    unsup = rank_unsupervised(ws)
                alerts = 0 if (unsup or report).skipped else run(ws, [RankedRisk])[0].alerts
        except TenazaError as exc:
            fail(exc)
        if as_json:
            out.print_json(json.dumps({**asdict(report), "unsupervised": asdict(unsup) if unsup else None,
                                       "alerts": alerts}, default=str))
            return
        if unsup is not None:
            out.print(f"[yellow]supervised ranker skipped[/]: {report.skipped}")
            if unsup.skipped:
                out.print(f"[yellow]unsupervised ranker skipped[/]: {unsup.skipped}")
                return
            out.print(f"ranked {unsup.accounts:,} accounts without labels against {unsup.peer_groups} peer groups "
                      f"({unsup.fallbacks:,} in a wider group for want of peers), amounts at {unsup.rates}; "
                      f"{unsup.accounts_with_alerts:,} accounts carry {unsup.alerts_used:,} alerts")
            out.print("features furthest from peers: " + ", ".join(f"{n} ({v:.2f})" for n, v in unsup.top_features))
            out.print(f"{unsup.accounts:,} scores written (run {unsup.run_id}); {alerts:,} ranked_risk alerts")
            return
        out.print(f"labels: {report.label_source}; trained on {report.train_rows:,} account-windows "
                  f"({'before ' if split == 'time' else ''}{report.split_at}; {report.train_positives:,} positive)")
        auc = f"{report.auc:.3f}" if report.auc is not None else "n/a"
        out.print(f"measured on: {report.test_rows:,} account-windows, {report.test_positives:,} positive "
                  f"(base rate {report.base_rate or 0:.4f}); AUC {auc}; "
                  + ", ".join(f"{k} {v:.2f}" for k, v in report.precision_at_k.items()))
        out.print(f"explained with {report.explainer}; strongest features: "
                  + ", ".join(f"{n} ({v:.2f})" for n, v in report.top_features))
        out.print(f"{report.scores_written:,} scores written (run {report.run_id}); {alerts:,} ranked_risk alerts")
