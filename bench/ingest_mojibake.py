"""Ingest of a file that is mojibake throughout, against the same file written cleanly.

    .venv/bin/python bench/ingest_mojibake.py [--rows 200000]

Writes a parties file of Mexican names and addresses (accents in most of them), once as UTF-8
and once as the same text garbled the usual way (its UTF-8 bytes read as Windows-1252 and
written again as UTF-8: "JOSÉ" becomes "JOSÃ‰"), ingests each into a fresh workspace, and
prints both times, their ratio (issue 9's target: within 3x of clean), the values repaired and
whether the repaired names equal the clean ones.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tenaza.ingest import ingest_file
from tenaza.store import Workspace

GIVEN = ["JOSÉ", "MARÍA", "JESÚS", "ÁNGEL", "RAMÓN", "INÉS", "SOFÍA", "JOAQUÍN", "MÓNICA", "HÉCTOR", "LUIS",
         "ANA", "NOÉ", "RAÚL", "ADRIÁN", "TOMÁS", "BEATRIZ", "ÓSCAR", "ELENA", "IVÁN"]
SURNAMES = ["HERNÁNDEZ", "GARCÍA", "MARTÍNEZ", "LÓPEZ", "GONZÁLEZ", "PÉREZ", "RODRÍGUEZ", "SÁNCHEZ", "RAMÍREZ",
            "CRUZ", "GÓMEZ", "DÍAZ", "MUÑOZ", "ÁLVAREZ", "JIMÉNEZ", "VÁZQUEZ", "NÚÑEZ", "IBÁÑEZ", "ORDÓÑEZ", "PEÑA"]
CITIES = ["CIUDAD JUÁREZ", "MÉRIDA", "QUERÉTARO", "TORREÓN", "CULIACÁN", "MAZATLÁN", "LEÓN", "MONTERREY"]


def _byte(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined pass through as Latin-1
        return chr(b)


SLOPPY_1252 = [_byte(b) for b in range(256)]


def garble(text: str) -> str:
    return "".join(SLOPPY_1252[b] for b in text.encode("utf-8"))


def write(path: Path, rows: int, garbled: bool, seed: int) -> None:
    rnd = random.Random(seed)
    f = garble if garbled else (lambda s: s)
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["party_id", "kind", "name", "city", "country"])
        for i in range(rows):
            name = f"{rnd.choice(GIVEN)} {rnd.choice(SURNAMES)} {rnd.choice(SURNAMES)} {i % 997}"
            w.writerow([f"P{i}", "person", f(name), f(rnd.choice(CITIES)), "MEX"])


def ingest(path: Path, ws_path: Path) -> tuple[float, int, list[str]]:
    with Workspace.create(ws_path) as ws:
        started = time.perf_counter()
        report = ingest_file(ws, path, "parties", originator="UIF", releasable_to=["MEX"])
        seconds = time.perf_counter() - started
        names = [str(r[0]) for r in ws.backend.fetch("names", "SELECT name FROM parties ORDER BY party_id")]
    return seconds, report.values_repaired, names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write(d / "clean.csv", args.rows, False, 7)
        write(d / "garbled.csv", args.rows, True, 7)
        clean_s, _, clean_names = ingest(d / "clean.csv", d / "a.duckdb")
        bad_s, repaired, bad_names = ingest(d / "garbled.csv", d / "b.duckdb")
    same = sum(a == b for a, b in zip(clean_names, bad_names, strict=True))
    print(f"{args.rows:,} parties: clean {clean_s:.2f}s, mojibake throughout {bad_s:.2f}s "
          f"({bad_s / clean_s:.1f}x; target within 3x); {repaired:,} distinct values repaired; "
          f"{same:,} of {len(clean_names):,} names equal the clean file's after repair")


if __name__ == "__main__":
    main()
