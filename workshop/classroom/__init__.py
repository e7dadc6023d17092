"""A classroom: one shared Redis and a live board on the instructor's laptop (`make classroom`).

Every learner's server uses the shared Redis as its channel layer, so every laptop's `lobby` is
one room; `make check ... CLASSROOM=<url>` reports to the board, which shows who is stuck.
"""
