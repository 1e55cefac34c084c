"""Alerts from the supervised ranker's scores (typology ``ranked_risk``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register


class RankedRiskConfig(DetectorConfig):
    min_score: float = Field(0.5, ge=0, le=1, description="Lowest model score that becomes an alert.")
    max_rank: int = Field(50, ge=1, description="At most this many alerts per window, highest scores first.")
    latest_only: bool = Field(True, description=(
        "Alert on the latest scored window only (the present); false alerts on every scored window."))


@register
class RankedRisk(Detector[RankedRiskConfig]):
    """Accounts the supervised ranker scores as likely laundering (where labels exist).

    `tenaza rank` trains a LightGBM model on labelled account-windows of the earlier period
    (analysts' dispositions, a labelled data set, or a scenario's truth) with window features
    (volumes, cash near the report threshold, pass-through, counterparties, cross-border
    movements) and graph features (degrees of the account and of its counterparties), and
    scores the later period. This detector turns the highest scores into alerts: each names the
    account, carries its transactions in the window as evidence, and explains the score with its
    strongest SHAP contributions in words. Without labels no model runs, `account_scores` stays
    empty, and this detector is skipped; the rules work on their own.
    """

    NAME = "cash_ranked_risk"
    PILLAR = "cash"
    TYPOLOGIES = ("ranked_risk",)
    CONFIG = RankedRiskConfig
    NEEDS = ("account_scores", "transactions")

    def findings(self, params: dict[str, Any]) -> str:
        cfg = self.config
        assert isinstance(cfg, RankedRiskConfig)
        params.update({"rr_min": cfg.min_score, "rr_rank": cfg.max_rank, "rr_latest": cfg.latest_only})
        d = self.dialect
        figures = d.json_object(("model_score", "s.score"), ("rank_in_window", "s.rank"),
                                ("transactions", "ev.n"), ("run_id", "s.run_id"), ("reasons", "s.reasons"))
        return f"""
        WITH s AS (
          SELECT * FROM account_scores
          WHERE score >= $rr_min AND rank <= $rr_rank
            AND (NOT $rr_latest OR window_start = (SELECT max(window_start) FROM account_scores))
        ),
        ev AS (
          SELECT s.score_id, {d.list_agg("t.record_id", distinct=True)} AS evidence, count(DISTINCT t.txn_id) AS n
          FROM s JOIN transactions AS t ON (t.from_account = s.account_id OR t.to_account = s.account_id)
           AND t.ts >= s.window_start AND t.ts < s.window_end
          GROUP BY s.score_id
        )
        SELECT 'ranked_risk' AS typology, CAST(s.score AS DOUBLE) AS score, {d.array("'account:' || s.account_id")}
                 AS subjects,
               ev.evidence, {figures} AS figures,
               'The ranker scores account ' || s.account_id || ' at ' || {d.format_fixed("CAST(s.score AS DOUBLE)", 2)}
                 || ' (rank ' || CAST(s.rank AS STRING) || ' of its window): '
                 || {d.array_join(d.array_slice("s.reasons", "1", "2"), "'; '")} || '.' AS explanation,
               s.window_start AS period_start, s.window_end AS period_end
        FROM s JOIN ev USING (score_id)"""
