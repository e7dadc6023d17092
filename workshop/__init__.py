"""The workshop's toolkit: one way to start each moving part, used by the Makefile, tests and notebooks.

running/     Redis, server processes, chat clients, a look inside Redis, the browser
learning/    learner mode (make exercise, check, status), lesson diffs, the notebooks
measuring/   loads, the benchmark and its baseline server, soak, profile
variants/    a step with one thing changed (another channel layer, the tuned consumer)
steps.py     the step manifest (steps/steps.toml); protocol.py: the chat's facts
"""
