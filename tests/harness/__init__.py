"""The test harness: pytest plugins, each with one job, loaded by tests/conftest.py."""
