"""Settings of the throughput benchmark's web processes (bench/throughput.py): production's, with the
benchmark's urlconf, which serves the straightforward peer and the ceiling beside Veche's own URLs."""

from veche.settings.prod import *  # noqa: F403

ROOT_URLCONF = "throughput_urls"
