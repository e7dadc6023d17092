"""The class board: a small Channels application of the toolkit (not a step), served by daphne."""
