"""``tenaza evaluate``: the alerts and the ranking against a scenario's truth or your own labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from tenaza.evaluate.scores import LabelEvaluation


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_cmd(
        workspace: Annotated[Path, typer.Argument(help="Workspace file with alerts.")],
        truth: Annotated[Path | None, typer.Option("--truth", help="truth.parquet of the scenario the workspace "
                                                                   "holds.")] = None,
        labels: Annotated[str | None, typer.Option(
            "--labels", help="Your own labels, as for tenaza rank: transactions:COLUMN (a flag kept in "
                             "transactions.extras, e.g. 'transactions:Is Laundering'), accounts:COLUMN (e.g. "
                             "accounts:isFraud), truth:PATH (CSV or Parquet with txn_id or account_id and label) "
                             "or dispositions:PATH (alert_id,disposition).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
        k: Annotated[list[int] | None, typer.Option("--k", help="Cut-offs for precision@k (repeatable).")] = None,
    ) -> None:
        """Precision, recall, F1 and precision@k of the alerts, per detector, typology and pillar, against a
        scenario's truth (--truth) or your own labels (--labels); with --labels, also the average precision and
        AUC of the account ranking (tenaza rank)."""
        from tenaza.cli_options import fail, out
        from tenaza.errors import TenazaError
        from tenaza.evaluate.scores import DEFAULT_K, evaluate, evaluate_labels

        if truth is None and labels is None:
            raise typer.BadParameter("give --truth FILE (a scenario's truth) or --labels SOURCE (your labels)",
                                     param_hint="--truth / --labels")
        if truth is not None and not truth.is_file():
            raise typer.BadParameter(f"{truth}: no such file", param_hint="--truth")
        ks = tuple(k) if k else DEFAULT_K
        scores, labelled = [], None
        try:
            if truth is not None:
                scores = evaluate(workspace, truth, ks)
            if labels is not None:
                labelled = evaluate_labels(workspace, labels, ks)
        except TenazaError as exc:
            fail(exc)
            return
        if as_json:
            if labelled is None:
                out.print_json(json.dumps([s.as_dict() for s in scores]))
            else:
                out.print_json(json.dumps({"truth": [s.as_dict() for s in scores] if truth is not None else None,
                                           "labels": labelled.as_dict()}))
            return
        from rich.table import Table

        def tables(scores: list[Any], title: str) -> None:
            if not any(s.alerts for s in scores):
                out.print("no alerts in the workspace (run `tenaza detect` first); everything below is missed")
            for level in ("detector", "detector/typology", "typology", "pillar"):
                table = Table(title=f"{title}by {level}", title_justify="left")
                table.add_column(level, overflow="fold", ratio=1)  # names fold; figures never do
                for head in ("alerts", "P", "R", "F1", *(f"P@{x}" for x in ks), "found/truth"):
                    table.add_column(head, justify="right", no_wrap=True, min_width=max(len(head), 4))
                for sc in (x for x in scores if x.level == level):
                    table.add_row(sc.name, f"{sc.alerts:,}", f"{sc.precision:.2f}", f"{sc.recall:.2f}",
                                  f"{sc.f1:.2f}", *(f"{sc.precision_at[x]:.2f}" if x in sc.precision_at else "-"
                                                    for x in ks),
                                  f"{sc.found_subjects:,}/{sc.truth_subjects:,}")
                out.print(table)

        if truth is not None:
            tables(scores, "")
        if labelled is not None:
            _print_labelled(out, labelled)
            tables(labelled.scores, "labels: ")

    def _print_labelled(out: Any, ev: LabelEvaluation) -> None:
        unit = "evidence transactions" if ev.level == "transactions" else "subject accounts"
        out.print(f"labels: {ev.label_source}: {ev.labelled:,} {ev.level} labelled, {ev.positives:,} positive; "
                  f"alerts judged by their {unit} (a label names no typology: every typology is scored against "
                  f"all positives, so a typology's recall is its share of them)")
        if ev.alerts_outside:
            out.print(f"{ev.alerts_outside:,} alerts have no {unit} and are not scored")
        r = ev.ranking
        if r is None:
            out.print("ranking: no account_scores to measure (run `tenaza rank` first)")
        else:
            ap = "n/a" if r.average_precision is None else f"{r.average_precision:.3f}"
            roc = "n/a" if r.auc is None else f"{r.auc:.3f}"
            out.print(f"ranking ({r.rows} rows of account_scores): {r.accounts:,} labelled accounts, {r.positives:,} "
                      f"positive (base rate {r.base_rate:.4f}), {r.scored:,} with a score; average precision {ap}, "
                      f"AUC {roc}")
