"""The four pillars of the strategy: production, distribution, cash, weapons."""
