"""How each agency's source writes the world: layouts and their catalogue, record sets, party
registries, the variation between sources, malformed rows, styles of other people's data, and
the CSV writer with its mappings and manifest."""
