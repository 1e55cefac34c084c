"""Audiences: the releasability groups a detector's baselines are computed in.

A detector that judges a row against a baseline (a market price, a national rate, a
relationship's record) makes its alert rest on every row of the baseline. Issue 9's rule makes
the alert releasable only where all of them are. Listing the whole baseline as evidence would
make nearly every alert releasable nowhere; instead the detector runs once per *audience*:

- an audience is a set of countries: every intersection of the markings of the files the
  evidence comes from (the empty set included where it arises, seen by the workspace owner alone);
- in audience A the detector reads only the rows releasable at least to every country of A
  (``releasable_to`` contains A), its baselines included;
- an alert made in audience A is kept only where its evidence is marked exactly A (the
  intersection of its evidence's markings). Every row behind it is then releasable at least
  where the alert is, so a viewer who sees the alert may see every row of its baseline, and
  the alert comes out the same from a workspace of only the rows that viewer may see.

Each alert is made once, in the audience of its own evidence. The cost is one pass per
audience over the rows it may read: two countries give at most four audiences ({}, {MEX},
{USA}, {MEX, USA}), and a row shared with both is read in each. What changes for the owner: an
alert on a row shared with both countries is judged against the rows shared with both only.

``audience_ctes`` closes the markings under intersection by squaring four times, so it holds
every intersection of up to 16 markings; a set of countries is an intersection of at most as
many markings as it has countries missing, so that is exact for up to 16 countries.
"""

from __future__ import annotations

from tenaza.markings.ids import ingest_of
from tenaza.store.dialect import Dialect

_SQUARINGS = 4


def audience_ctes(d: Dialect, evidence_tables: tuple[str, ...]) -> str:
    """CTEs ``audiences`` (column ``aud``, a sorted country array) and ``audience_ingests``
    (``aud`` as ``audience_key`` spells it, ``ingest_id``: the files whose rows an audience may
    read), to start a WITH list.

    An alert's marking is an intersection of the markings of its evidence, so the audiences are
    those of the files of ``evidence_tables`` (the tables the evidence rows come from): a
    detector whose evidence files are all shared alike runs once."""
    files = " UNION ".join(f"SELECT DISTINCT ingest_id FROM {t}" for t in evidence_tables)
    first = d.array_sort(d.array_distinct("releasable_to"))
    level = [f"aud_0 AS (SELECT DISTINCT {first} AS aud FROM ingest_log WHERE ingest_id IN ({files}))"]
    for k in range(1, _SQUARINGS + 1):
        level.append(f"aud_{k} AS (SELECT DISTINCT {d.array_sort(d.array_intersect('a.aud', 'b.aud'))} AS aud "
                     f"FROM aud_{k - 1} AS a CROSS JOIN aud_{k - 1} AS b)")
    contains = f"{d.array_length(d.array_intersect('a.aud', 'l.releasable_to'))} = {d.array_length('a.aud')}"
    return (",\n".join(level) + f",\naudiences AS (SELECT aud FROM aud_{_SQUARINGS}),\n"
            f"audience_ingests AS (SELECT {audience_key(d, 'a.aud')} AS aud, l.ingest_id FROM audiences AS a "
            f"JOIN ingest_log AS l ON {contains})")


def audience_key(d: Dialect, countries: str) -> str:
    """The audience as rows carry it: its sorted countries joined by commas ('' for none), a string
    that joins and partitions as cheaply as any key (an array key costs several times more)."""
    return d.array_join(countries, "','")


def audience_rows(table: str) -> str:
    """SQL of ``table`` once per audience that may read each row, with the audience in ``aud``
    (the table must carry ``ingest_id``, as every canonical view does)."""
    return (f"SELECT ai.aud, t.* FROM {table} AS t "
            f"JOIN audience_ingests AS ai ON ai.ingest_id = t.ingest_id")


def keep_own_audience(d: Dialect, findings: str, columns: tuple[str, ...]) -> str:
    """The findings (with an ``aud`` column and ``evidence`` record ids) made in the audience of
    their own evidence: the intersection of the evidence's markings equals ``aud``."""
    cols = ", ".join(f"fa.{c}" for c in columns)
    return f"""
WITH fa AS ({findings}),
ev AS (
  SELECT x.evidence, {d.list_agg_intersect('l.releasable_to')} AS rel
  FROM (SELECT evidence, {d.explode('evidence')} AS record_id FROM (SELECT DISTINCT evidence FROM fa) AS u) AS x
  JOIN ingest_log AS l ON l.ingest_id = {ingest_of('x.record_id')}
  GROUP BY x.evidence
)
SELECT {cols} FROM fa LEFT JOIN ev ON ev.evidence = fa.evidence
WHERE {audience_key(d, d.array_sort(f"coalesce(ev.rel, {d.empty_string_array()})"))} = fa.aud"""
