"""Outcomes: the strategy as data, real public series, evaluation, and the bilingual brief."""
