"""Development: the embedded SQLite database, debug on, a fixed key unless one is given."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz")
