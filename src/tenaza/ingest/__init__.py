"""Ingest: read any supported file, map it, validate it set-wise, store or quarantine every row."""

from tenaza.ingest.mapping import Mapping, load_mapping
from tenaza.ingest.pipeline import IngestReport, ingest_file

__all__ = ["IngestReport", "Mapping", "ingest_file", "load_mapping"]
