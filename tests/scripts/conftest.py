"""Tests of the shell scripts in scripts/."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts real processes for a minute or so (still part of the suite)")
