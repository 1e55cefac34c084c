"""The organizations' typologies planted in the world (cash, trade and precursors, distribution
and bulk cash) and the ground truth they leave (``truth``)."""
