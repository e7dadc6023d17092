"""What every test shares, one pytest plugin per job under tests/harness/.

tests/checks/     a step's behaviour: what `make check` runs, on a snapshot or a learner's copy
tests/production/ the stack of deploy/: nginx, supervisord, daphne workers (`-m production`)
tests/scaling_redis/ Redis in several pieces: Sentinel failover, shards (`-m scaling`)
tests/materials/  the teaching materials hold together: manifest, lessons, notebooks, docs
tests/classroom/  the instructor's classroom: shared Redis, class board, laptops on a network
tests/toolkit/    the toolkit's own tests: Redis, servers, learner mode, locks, reports
"""

pytest_plugins = [
    "harness.projects",
    "harness.servers",
    "harness.rooms",
    "harness.reports",
    "harness.pages",
    "harness.scheduling",
    "harness.classroom",
]

# Run per step in a process of its own, by tests/checks/test_communicator.py.
collect_ignore = ["checks/communicator"]
