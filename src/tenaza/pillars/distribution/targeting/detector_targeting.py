"""Alerts from the targeting queue (typology ``inspection_target``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register


class InspectionTargetConfig(DetectorConfig):
    latest_days: int = Field(1, ge=0, description=(
        "Alert on the queue of the latest this many days of the scored period (0: every scored day)."))
    min_score: float = Field(0.0, ge=0, le=1, description="Lowest combined score of a selected item that becomes an alert.")


@register
class InspectionTarget(Detector[InspectionTargetConfig]):
    """Crossings and declarations to inspect today: each port's top k % of the day, with the reasons.

    `tenaza target` ranks every crossing of the scored period (joined to its declaration) by a
    LightGBM model of two objectives trained on earlier inspection outcomes (any violation; the
    rare dangerous class of drugs, weapons, precursors and cash), combined by a user weight,
    or, before there are outcomes, by documented rules and anomaly scores (unit price far from
    its HS code's, a new party on a well-known route, crossing and declaration disagreeing on
    the goods, a party linked to alerts of other pillars, a rare route). Each port inspects the
    top ceil(k x n) of its n items of a day. This detector writes those selected items as
    alerts: the crossing is the subject, the crossing and declaration records the evidence, and
    the explanation gives the rank, the score and the strongest reasons in words. Without a
    targeting run `inspection_scores` is empty and this detector is skipped.
    """

    NAME = "distribution_inspection_target"
    PILLAR = "distribution"
    TYPOLOGIES = ("inspection_target",)
    CONFIG = InspectionTargetConfig
    NEEDS = ("inspection_scores",)

    def findings(self, params: dict[str, Any]) -> str:
        cfg = self.config
        assert isinstance(cfg, InspectionTargetConfig)
        d = self.dialect
        params.update({"it_days": cfg.latest_days, "it_min": cfg.min_score})
        return f"""
        SELECT 'inspection_target' AS typology, CAST(s.score AS DOUBLE) AS score,
               {d.array("'crossing:' || s.item_id")} AS subjects, s.evidence, s.figures, s.explanation,
               CAST(s.day AS TIMESTAMP) AS period_start,
               CAST(s.day AS TIMESTAMP) + {d.interval_days(1)} AS period_end
        FROM inspection_scores AS s
        WHERE s.selected AND s.score >= $it_min
          AND ($it_days = 0 OR s.day > (SELECT max(day) FROM inspection_scores) - CAST($it_days AS INTEGER))"""
