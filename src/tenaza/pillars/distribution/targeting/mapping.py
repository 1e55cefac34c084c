"""Other people's customs data: any declaration file, through a column mapping, as a targeting frame.

The default mapping (``data/layouts/import_declarations.targeting.yaml``) lists, for each
canonical field, the column names it is known under in US, Mexican, EU and research layouts.
A file needs an item id and a date; labels come from 0/1 flag columns (``label_any``,
``label_rare``) or from one outcome text column whose values the mapping classifies.
Problems are reported with the file, the line and the field, all of them together.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tenaza.errors import Problem, ProblemsError, TargetingError

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("tenaza")
TRUE = {"1", "TRUE", "T", "YES", "Y", "SI", "SÍ", "1.0"}
FALSE = {"0", "FALSE", "F", "NO", "N", "0.0"}


def _norm(name: str) -> str:
    return re.sub(r"[\s._\-()/]+", "", str(name).strip().lower())


def default_mapping() -> Path:
    return Path(str(resources.files("tenaza") / "data" / "layouts" / "import_declarations.targeting.yaml"))


def read_mapping(path: Path | None = None) -> dict[str, Any]:
    path = path or default_mapping()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TargetingError(f"{path}: cannot read the mapping: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise TargetingError(f"{path}: a targeting mapping needs a 'fields' section (field: [column names])")
    return data


def read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (OSError, ValueError) as exc:
        raise TargetingError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from exc


def _flag(raw: pd.Series, path: Path, field: str, problems: list[Problem]) -> list[float | None]:
    out: list[float | None] = []
    for i, v in enumerate(raw.astype(str).str.strip().str.upper()):
        if v in ("", "NAN", "NONE", "NULL"):
            out.append(None)
        elif v in TRUE:
            out.append(1.0)
        elif v in FALSE:
            out.append(0.0)
        else:
            out.append(None)
            problems.append(Problem(str(path), f"{v!r} is not a 0/1 flag", line=i + 2, field=field))
    return out


def to_frame(src: pd.DataFrame, path: Path, mapping: dict[str, Any]) -> pd.DataFrame:
    """The targeting frame of a source table, by the mapping; every problem reported together."""
    import pandas as pd

    cols = {_norm(c): c for c in src.columns}
    found: dict[str, str] = {}
    for field, names in mapping["fields"].items():
        for n in names or []:
            if _norm(n) in cols:
                found[field] = cols[_norm(n)]
                break
    problems = [Problem(str(path), f"no column for required field {f} (known names: "
                        f"{', '.join(mapping['fields'].get(f, []))}; add yours to the mapping)")
                for f in ("item_id", "date") if f not in found]
    if problems:
        raise ProblemsError(problems)
    out = pd.DataFrame({f: src[c].to_numpy() for f, c in found.items()
                        if f not in ("value", "currency", "outcome", "label_any", "label_rare", "inspected")})
    dates = pd.to_datetime(out["date"], errors="coerce", format="mixed")
    for i in pd.Series(dates.isna().to_numpy()).pipe(lambda s: s[s].index[:20]):
        problems.append(Problem(str(path), f"{src[found['date']].iloc[i]!r} is not a date", line=int(i) + 2,
                                field=f"date ({found['date']})"))
    out["date"] = dates
    if "value_usd" not in found and "value" in found:
        rates = {str(k).upper(): float(v) for k, v in (mapping.get("usd_per_unit") or {}).items()}
        cur = src[found["currency"]].astype(str).str.strip().str.upper() if "currency" in found else None
        value = pd.to_numeric(src[found["value"]], errors="coerce")
        if cur is None:
            out["value_usd"] = value
            log.warning("%s: values have no currency column; unit prices are compared within HS codes only", path)
        else:
            unknown = sorted(set(cur) - set(rates) - {""})
            if unknown:
                log.warning("%s: no US$ rate for %s in the mapping (usd_per_unit); taken as 1", path, ", ".join(unknown))
            out["value_usd"] = value * cur.map(rates).fillna(1.0).to_numpy()
    for f in ("label_any", "label_rare", "inspected"):
        if f in found:
            out[f] = _flag(src[found[f]], path, f"{f} ({found[f]})", problems)
    if "outcome" in found and "label_any" not in found:
        vals = mapping.get("outcome_values") or {}
        cleared = {str(v).upper() for v in vals.get("cleared", [])}
        rare = {str(v).upper() for v in vals.get("rare", [])}
        text = src[found["outcome"]].astype(str).str.strip().str.upper()
        empty = text.isin(["", "NAN", "NONE", "NULL"]).to_numpy()
        out["label_any"] = [None if e else (0.0 if t in cleared else 1.0) for t, e in zip(text, empty, strict=True)]
        if "label_rare" not in found:
            out["label_rare"] = [None if e else float(t in rare) for t, e in zip(text, empty, strict=True)]
    if "inspected" in out:
        out["inspected"] = [bool(v) if v is not None else False for v in out["inspected"]]
    if problems:
        raise ProblemsError(problems)
    missing = sorted(set(mapping["fields"]) - set(found) - {"value", "currency", "outcome"})
    log.info("%s: %d items; fields found: %s; absent (the model does without): %s", path, len(out),
             ", ".join(f"{f}<-{c}" for f, c in found.items()), ", ".join(missing) or "none")
    if "label_any" not in out and "label_rare" not in out:
        log.warning("%s: no outcome column (label_any, label_rare or outcome in the mapping): the queue comes from "
                    "the rules alone (cold start)", path)
    return out


def load_file(path: Path, mapping_path: Path | None = None) -> pd.DataFrame:
    return to_frame(read_table(path), path, read_mapping(mapping_path))
