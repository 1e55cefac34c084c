"""The synthetic world before any source writes it: scale, calendar, calibration to real
figures, people and companies, accounts, criminal organizations, identifiers and word pools."""
