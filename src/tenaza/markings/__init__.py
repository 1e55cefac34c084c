"""Markings in one place: the record id format, the releasability intersection, and who may
see what (the viewer's filter, applied inside every query of a viewer's workspace)."""

from tenaza.markings.ids import ingest_of, parse_record_id, record_id, record_id_sql
from tenaza.markings.releasability import intersect, intersect_sql
from tenaza.markings.viewer import OWNER, Viewer, default_viewer, install_viewer, set_default_viewer, visible_sql

__all__ = ["OWNER", "Viewer", "default_viewer", "ingest_of", "install_viewer", "intersect", "intersect_sql",
           "parse_record_id", "record_id", "record_id_sql", "set_default_viewer", "visible_sql"]
