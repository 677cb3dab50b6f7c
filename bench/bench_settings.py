"""Settings for benchmarks: the project's settings, production-like, plus bench-only URLs."""

import os
import warnings

# The project refuses to start with DEBUG off and no key; this one is for local benches only.
os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-outside-bench-results")

from gongzhi.settings import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ROOT_URLCONF = "bench.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The server is plain HTTP on loopback: no redirect to HTTPS, cookies not marked secure.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Templates link static files by plain name; no collectstatic manifest is needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns when collectstatic has not been run; the benches fetch no static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
