"""Targeting: rank crossings and customs declarations for inspection under a capacity."""
