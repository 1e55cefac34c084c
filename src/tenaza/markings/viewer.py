"""Who may see a row, and a workspace as one viewer sees it.

A user sees a row where the user's country is in the row's releasable_to, or the user's agency
is its originator (DESIGN.md). A derived row carries only releasable_to (the intersection of
its inputs), so it is seen by country.

``install_viewer`` shadows every table and view that holds marked rows with a temporary view
of the same name that keeps only what the viewer may see. Every later query on that
connection, whatever command or module wrote it, reads through the filter: it runs inside
the query, and a new table is covered by declaring it (the schema's kinds tell which filter
applies), not by remembering to filter in each read.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tenaza.errors import TenazaError
from tenaza.schema import TABLES, TableKind
from tenaza.store.dialect import DUCKDB, Dialect, ident
from tenaza.store.reference import alpha3_codes

if TYPE_CHECKING:
    from tenaza.store import Workspace

_AGENCY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
# Tables of public reference data, with no markings: everyone sees them whole.
PUBLIC_TABLES = frozenset({"fx_rates"})


@dataclass(frozen=True)
class Viewer:
    """A country (ISO alpha-3) and, optionally, the viewer's agency. ``OWNER`` sees everything."""

    country: str
    agency: str | None = None

    @property
    def is_owner(self) -> bool:
        return self.country == "*"

    @classmethod
    def parse(cls, text: str) -> Viewer:
        """``MEX`` or ``MEX/UIF``; a ``TenazaError`` naming what is wrong otherwise."""
        country, _, agency = text.strip().partition("/")
        country = country.strip().upper()
        if country not in alpha3_codes():
            raise TenazaError(f"--as {text!r}: {country!r} is not an ISO alpha-3 country code (USA, MEX, ...)")
        agency = agency.strip()
        if agency and not _AGENCY.fullmatch(agency):
            raise TenazaError(f"--as {text!r}: {agency!r} is not an agency code (1-32 letters, digits, . _ -)")
        return cls(country, agency.upper() or None)

    def __str__(self) -> str:
        return "the workspace owner" if self.is_owner else self.country + (f"/{self.agency}" if self.agency else "")


OWNER = Viewer("*")
# The viewer of this process's reads, set once by the CLI's --as; None is the workspace owner.
_DEFAULT: ContextVar[Viewer | None] = ContextVar("tenaza_viewer", default=None)


def set_default_viewer(viewer: Viewer | None) -> None:
    _DEFAULT.set(viewer)


def default_viewer() -> Viewer | None:
    return _DEFAULT.get()


def visible_sql(releasable: str = "releasable_to", originator: str | None = "originator",
                d: Dialect = DUCKDB) -> str:
    """Predicate: the viewer (bound as $viewer_country, $viewer_agency) may see the row."""
    by_agency = f" OR {originator} = $viewer_agency" if originator else ""
    return f"({d.array_contains(releasable, '$viewer_country')}{by_agency})"


def _visible_ingests(ws: Workspace, d: Dialect) -> str:
    return (f"(SELECT ingest_id FROM {ws.backend.stored('ingest_log')} "
            f"WHERE {d.array_contains('releasable_to', '{c}')} OR originator = {{a}})")


def install_viewer(ws: Workspace, viewer: Viewer) -> None:
    """Shadow every marked table of ``ws`` with the viewer's filtered view (see the module doc).

    The viewer's values are literals inside the views (views take no bound parameters),
    written by sqlglot-safe quoting of codes already validated by ``Viewer.parse``. The same on
    both engines: a temporary view is read before a stored table of its name, and the views
    read the stored tables by their qualified names (``Backend.stored``)."""
    if viewer.is_owner:
        return
    b = ws.backend
    c = _literal(viewer.country)
    a = _literal(viewer.agency) if viewer.agency else "NULL"
    ingests = _visible_ingests(ws, b.dialect).format(c=c, a=a)
    present = set(b.table_columns())

    def shadow(name: str, where: str) -> None:
        b.execute(f"viewer: {name}", f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT * FROM {b.stored(name)} "
                                     f"WHERE {where}")

    for spec in TABLES.values():
        if spec.physical_name not in present:
            continue  # declared after this workspace was made, and not yet added (read-only open)
        names = [n for n in ("releasable_to", "originator", "ingest_id") if any(col.name == n for col in spec.columns)]
        if spec.kind is TableKind.CANONICAL:
            for name in (spec.physical_name, spec.name):
                shadow(name, f"ingest_id IN {ingests}")
        elif spec.name == "ingest_log" or "ingest_id" in names:
            shadow(spec.name, f"ingest_id IN {ingests}")
        elif "releasable_to" in names:
            shadow(spec.name, b.dialect.array_contains("releasable_to", c)
                   + (f" OR originator = {a}" if "originator" in names else ""))
        elif spec.name == "resolve_judgements":
            visible = f"SELECT record_id FROM {b.stored('parties')} WHERE ingest_id IN {ingests}"
            shadow(spec.name, f"record_a IN ({visible}) AND record_b IN ({visible})")
        elif spec.name not in PUBLIC_TABLES:
            # A new table must say how a viewer sees it: by its ingest, its releasable_to, or as public.
            raise TenazaError(f"table {spec.name!r} has no markings a viewer's filter can use (no ingest_id or "
                              "releasable_to); mark it, or list it in tenaza.markings.viewer.PUBLIC_TABLES")


def _literal(code: str) -> str:
    if not _AGENCY.fullmatch(code):
        raise TenazaError(f"{code!r} is not a country or agency code")
    return "'" + code + "'"
