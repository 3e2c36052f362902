"""Test settings: the real settings with test-only environment defaults (DATABASE_URL still selects the DB)."""

import os

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8=")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("RMS_API_BASE_URL", "http://127.0.0.1:9")
# The test client and the browser tests' live server speak plain HTTP, where secure cookies would not come back.
os.environ.setdefault("SESSION_COOKIE_SECURE", "False")
os.environ.setdefault("CSRF_COOKIE_SECURE", "False")
os.environ.setdefault("RAKUTEN_LINK_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))
for family in ("ORDER", "INVENTORY_WRITE", "INVENTORY_READ", "ITEMS", "LICENSE"):
    os.environ.setdefault(f"RMS_RATE_{family}", "0")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
RMS_BACKOFF_BASE = 0.01
RMS_BACKOFF_MAX = 0.05
LANGUAGE_CODE = "ja"

# Under pytest-xdist (scripts/test.sh runs `-n 2`) each worker is a process with a var/ directory of its
# own (uploads, its SQLite file), so two workers never see each other's files.
if os.environ.get("PYTEST_XDIST_WORKER"):
    VAR_DIR = VAR_DIR / os.environ["PYTEST_XDIST_WORKER"]  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# One SQLite test file per pytest process: parallel runs (two terminals, two checkouts' helpers) must
# never create or drop each other's database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
