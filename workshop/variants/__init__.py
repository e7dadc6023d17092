"""A step with one thing changed, so a check, a notebook or the benchmark can compare without
editing lesson files. Settings modules (`start_step_server(step, settings="pubsub_layer")`) import
the step's own `mysite.settings` and change one thing; `tuned_consumer` is an ASGI application.

They run inside a step's server process (whose folder holds `mysite`), never in the toolkit's.
"""
