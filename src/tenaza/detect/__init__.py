"""Detectors and the machinery that runs them and writes their alerts."""

from tenaza.detect.base import PILLARS, REGISTRY, Detector, DetectorConfig, register
from tenaza.detect.runner import DetectorRun, run, select
from tenaza.errors import DetectorError

__all__ = ["PILLARS", "REGISTRY", "Detector", "DetectorConfig", "DetectorError", "DetectorRun", "register", "run",
           "select"]
