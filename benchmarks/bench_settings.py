"""Settings for the HTTP benchmark: Inyeon's own, plus the bare-SQL ceiling endpoints."""

from inyeon.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
DEBUG = False
