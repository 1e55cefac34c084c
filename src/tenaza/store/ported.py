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
    "cycles": "SQL still uses DuckDB's list_* functions, [..] literals, arg_min and to_seconds",
    "fans": "SQL still uses DuckDB's epoch, list_*, * EXCLUDE and to_seconds",
    "cash_ranked_risk": "the supervised ranker's SQL is DuckDB-only (LightGBM features read through DuckDB)",
    "cash_trade_mirror": "trade SQL (trade/common.py) is DuckDB-only: list_*, lambdas, lgamma",
    "cash_trade_phantom": "trade SQL (trade/common.py) is DuckDB-only: list_*, lambdas, lgamma",
    "cash_trade_prices": "trade SQL (trade/common.py) is DuckDB-only: list_*, lambdas, lgamma",
    "cash_trade_routing": "trade SQL (trade/common.py) is DuckDB-only: list_*, lambdas",
    "cash_trade_third_party": "trade SQL (trade/common.py) is DuckDB-only: list_*, lambdas",
    "bipartite": "written for DuckDB first: MATERIALIZED CTEs, quantile_cont, list_slice, arg_max",
    "layering_paths": "written for DuckDB first: MATERIALIZED CTEs, quantile_cont, list_* functions",
    "cycles_round": "written for DuckDB first: MATERIALIZED CTEs, quantile_cont, list_* functions",
    "weapons_dealer_trace_excess": ("its baseline is computed per audience (tenaza.markings.audience) in CTEs that "
                                    "Spark inlines into every reader: planning the statement exhausts the JVM heap "
                                    "(java.lang.OutOfMemoryError, 2026-12-03, even on the tiny world)"),
}

# Steps of `tenaza analyze` that run through DuckDB only: step -> why.
DUCKDB_ONLY_STEPS: dict[str, str] = {
    "resolve": "record linkage builds Splink on DuckDB (DuckDBAPI) and its scratch catalog with ATTACH",
    "screen": "screening reads its designation lists and writes its hits through DuckDB",
    "outcomes": "loading the public indicator series writes through DuckDB",
}
