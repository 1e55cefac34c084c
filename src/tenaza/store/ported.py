"""What runs on Spark, and what is still written for DuckDB only, with the reason.

One list, read by ``tenaza analyze`` (which runs on Spark every step and detector not named
here, and names the ones it leaves out) and by the contract test (tests/contract/
test_engines.py), which runs every detector on both engines and expects exactly the ones named
here to fail on Spark (strict xfail): a detector ported through the Dialect fails that test
until it is taken off this list, and a new detector not listed must give DuckDB's alerts on
Spark. docs/scaling.md says the same in prose.
"""

from __future__ import annotations

# Detectors whose SQL is not yet written through the Dialect: NAME -> why.
DUCKDB_ONLY_DETECTORS: dict[str, str] = {
}

# Steps of `tenaza analyze` that run through DuckDB only: step -> why.
DUCKDB_ONLY_STEPS: dict[str, str] = {
}
