"""Run detectors over a workspace and write their alerts, all or nothing per detector."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tenaza.detect.base import REGISTRY, Detector, DetectorError
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")


@dataclass
class DetectorRun:
    detector: str
    pillar: str
    alerts: int
    seconds: float
    skipped: str | None = None


def select(pillar: str | None = None, names: Sequence[str] | None = None) -> list[type[Detector]]:
    _load_pillars()
    chosen = [d for d in REGISTRY.values() if (pillar is None or d.PILLAR == pillar) and (not names or d.NAME in names)]
    unknown = sorted(set(names or ()) - set(REGISTRY))
    if unknown:
        raise DetectorError(f"unknown detector(s): {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
    if pillar is not None and not chosen:
        raise DetectorError(f"no detector for pillar {pillar!r}")
    return sorted(chosen, key=lambda d: d.NAME)


def _load_pillars() -> None:
    """Import the pillar packages so that their detectors register themselves."""
    import importlib

    for module in ("tenaza.pillars.cash", "tenaza.pillars.weapons", "tenaza.pillars.production"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if not (exc.name and module.startswith(exc.name)):
                raise


# Alerts from findings: a stable id from the detector, typology and subjects; the score
# clipped to [0, 1]; releasable only where every evidence row is (record_id is
# <ingest_id>:<source_row>, and a file's releasability is in ingest_log).
_WRITE = """
INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, evidence, figures, explanation,
                    period_start, period_end, created_at, releasable_to)
WITH f AS ({findings}),
numbered AS (SELECT *, row_number() OVER () AS _n FROM f),
ev AS (
  SELECT n._n, list_reduce(list(DISTINCT l.releasable_to), lambda a, b: list_intersect(a, b)) AS rel
  FROM numbered AS n, unnest(n.evidence) AS e(record_id)
  JOIN ingest_log AS l ON l.ingest_id = CAST(split_part(e.record_id, ':', 1) AS BIGINT)
  GROUP BY n._n
)
SELECT $detector || ':' || substr(md5(typology || '|' || array_to_string(list_sort(subjects), ',') || '|'
                                      || coalesce(CAST(period_start AS VARCHAR), '')), 1, 16),
       $detector, $pillar, typology, greatest(0.0, least(1.0, score)), list_sort(subjects), list_sort(evidence),
       CAST(figures AS VARCHAR), explanation, period_start, period_end, $now,
       list_sort(coalesce(ev.rel, []))
FROM numbered LEFT JOIN ev USING (_n)
"""


def run(ws: Workspace, detectors: Iterable[type[Detector]], configs: dict[str, dict[str, Any]] | None = None
        ) -> list[DetectorRun]:
    """Replace each detector's alerts with a fresh run's, in one transaction per detector."""
    out = []
    configs = configs or {}
    for cls in detectors:
        started = time.perf_counter()
        empty = [t for t in cls.NEEDS if ws.count(t) == 0]
        if empty:
            out.append(DetectorRun(cls.NAME, cls.PILLAR, 0, 0.0, skipped=f"no rows in {', '.join(empty)}"))
            continue
        detector = cls(configs.get(cls.NAME))
        params: dict[str, Any] = {}
        findings = detector.findings(params)
        params.update({"detector": cls.NAME, "pillar": cls.PILLAR, "now": datetime.now(UTC).replace(tzinfo=None)})
        with ws.backend.transaction(f"detect {cls.NAME}"):
            ws.backend.execute(f"clear {cls.NAME}", "DELETE FROM alerts WHERE detector = $detector", params)
            ws.backend.execute(f"detect {cls.NAME}", _WRITE.format(findings=findings), params)
            n = int(ws.backend.scalar("count alerts", "SELECT count(*) FROM alerts WHERE detector = $detector", params))
        secs = time.perf_counter() - started
        log.info("detector %s: %d alerts in %.2fs", cls.NAME, n, secs)
        out.append(DetectorRun(cls.NAME, cls.PILLAR, n, secs))
    return out
