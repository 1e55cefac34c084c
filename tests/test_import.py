"""`import tenaza` needs the core dependencies only; heavy engines load when used."""

from __future__ import annotations

import subprocess
import sys


def test_import_tenaza_loads_no_engine() -> None:
    code = ("import sys, tenaza; heavy = [m for m in ('duckdb', 'pyarrow', 'pyspark', 'fastapi', 'splink') "
            "if m in sys.modules]; print(heavy); assert not heavy, heavy; print(tenaza.__version__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("0.1.0")


def test_lazy_front_door_resolves() -> None:
    import tenaza

    assert tenaza.Workspace.__name__ == "Workspace"
    assert callable(tenaza.ingest_file)
