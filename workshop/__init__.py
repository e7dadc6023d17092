"""The workshop's small toolkit: find or start Redis, start a step's server, talk to it.

Tests, notebooks and the Makefile all go through these modules, so there is one way to
start each moving part.
"""
