"""Laundering typologies on account transactions: structuring, funnels, fans, pass-through, cycles,
bipartite and stack, layering paths, bulk cash and restricted parties. ``common`` holds what they
share (dollar amounts, the two threshold profiles); ``relative`` the data-relative floors."""
