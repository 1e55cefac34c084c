"""Trade-based money laundering on declarations: mirror-trade gaps, phantom shipments, price
outliers, routing through third countries and third-party payments. ``common`` holds the SQL they share."""
