"""Detectors and the machinery that runs them and writes their alerts."""

from tenaza.detect.base import PILLARS, REGISTRY, Detector, DetectorConfig, DetectorError, register
from tenaza.detect.runner import DetectorRun, run, select

__all__ = ["PILLARS", "REGISTRY", "Detector", "DetectorConfig", "DetectorError", "DetectorRun", "register", "run",
           "select"]
