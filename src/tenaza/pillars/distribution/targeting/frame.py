"""The targeting frame: one row per item that could be inspected, in canonical field names.

Every loader (the workspace's crossings and declarations, any customs file through a mapping)
produces this frame; the features and the model read nothing else. Only ``item_id`` and
``date`` are required. Fields a source lacks are added empty, and the model does without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tenaza.errors import TargetingError
from tenaza.pillars.distribution.targeting.features import PARTY_ROLES

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("item_id", "date")
STR = "string[pyarrow]"
TEXT = ("port", "mode", "hs_code", "crossing_hs_code", "origin_country", "departure_country", "unit", *PARTY_ROLES)
NUMBER = ("value_usd", "quantity")
LABELS = ("label_any", "label_rare")
FIELDS = (*REQUIRED, *TEXT, *NUMBER, "inspected", *LABELS, "linked_alerts", "releasable_to", "evidence")


def _clean(col: pd.Series) -> pd.Series:
    """Trimmed, upper-case Arrow strings; empty text is missing."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.chunked_array([pa.array(col.astype(STR).array)])  # the Arrow data, through __arrow_array__
    x = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    x = pc.if_else(pc.equal(x, ""), pa.scalar(None, pa.string()), x)
    return pd.Series(pd.arrays.ArrowStringArray(x))


def _nulls(n: int) -> pd.Series:
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.nulls(n, pa.string())])))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with every field present and typed, a day number, the HS chapter and route.

    ``inspected`` defaults to "has a label"; an item without an inspection has no outcome.
    """
    import pandas as pd

    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise TargetingError(f"targeting frame lacks required field(s) {', '.join(missing)}")
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    out["item_id"] = df["item_id"].astype(STR).to_numpy()
    ts = pd.to_datetime(df["date"].to_numpy(), errors="coerce")
    if ts.isna().any():
        bad = int(np.flatnonzero(ts.isna())[0])
        raise TargetingError(f"item {out['item_id'].iloc[bad]!r}: field date {df['date'].iloc[bad]!r} is not a date")
    out["date"] = ts
    out["day"] = ((ts - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    for c in TEXT:
        if c in df.columns:
            out[c] = _clean(df[c])
        else:
            out[c] = _nulls(len(df))
    for c in ("hs_code", "crossing_hs_code"):  # 0702.00.00, 0702 00: the digits are the code
        if out[c].notna().any():
            out[c] = out[c].str.replace(r"[^0-9]", "", regex=True)
    for c in NUMBER:
        out[c] = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float) if c in df.columns else np.nan
    for c in LABELS:
        out[c] = (pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float) if c in df.columns
                  else np.full(len(df), np.nan))
    if "label_any" not in df.columns and "label_rare" in df.columns:
        out["label_any"] = out["label_rare"]  # a dangerous find is a violation
    out.loc[out["label_rare"] == 1, "label_any"] = 1.0
    has_label = out["label_any"].notna().to_numpy()
    out["inspected"] = (df["inspected"].fillna(False).astype(bool).to_numpy() & has_label
                        if "inspected" in df.columns else has_label)
    out["linked_alerts"] = df["linked_alerts"].fillna(False).astype(bool).to_numpy() if "linked_alerts" in df.columns \
        else False
    if "releasable_to" in df.columns:
        out["releasable_to"] = [tuple(sorted(r)) if r is not None and not isinstance(r, float) else ()
                                for r in df["releasable_to"]]
        out["_mark"] = ["|".join(r) for r in out["releasable_to"]]
    else:  # a file outside a workspace: one releasability for all, the caller's
        out["releasable_to"] = [()] * len(df)
        out["_mark"] = ""
    if "evidence" in df.columns:
        out["evidence"] = [list(e) if isinstance(e, list | tuple | np.ndarray) else [str(e)] for e in df["evidence"]]
    else:  # the item itself is its evidence (filled in where a writer needs it)
        out["evidence"] = None
    out["hs2"] = out["hs_code"].str[:2]
    origin = out["origin_country"].fillna(out["departure_country"])
    out["route"] = (origin + ">" + out["port"]).where(origin.notna() & out["port"].notna())
    return out
