"""Money in every currency: exchange rates to the US dollar by date, and their coverage.

Amounts keep their source currency and precision; detectors compare them in dollars converted
at the rate of the transaction's own date (``usd_join``), never at a constant.
"""

from tenaza.money.rates import (
    RateRow,
    UsdCoverage,
    ecb_rates,
    load_rates,
    read_rates_file,
    usd_coverage,
    usd_join,
)

__all__ = ["RateRow", "UsdCoverage", "ecb_rates", "load_rates", "read_rates_file", "usd_coverage", "usd_join"]
