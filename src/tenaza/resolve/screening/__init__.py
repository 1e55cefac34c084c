"""Designation screening: lists (OFAC SDN), versions, matching with explanations, thresholds."""
