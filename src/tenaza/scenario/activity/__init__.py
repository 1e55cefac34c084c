"""What happens in the world, honest and not: the legitimate background of bank activity, trade
and crossings, firearm sales and traces, the honest look-alikes (``bait``), and the columnar
batches and streams that carry transactions to the files."""
