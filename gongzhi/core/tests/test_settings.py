"""Production settings: secrets required, deploy checks clean, argon2 for passwords."""

import os
import subprocess
import sys
from pathlib import Path

import gongzhi.settings as project_settings

ROOT = Path(__file__).resolve().parents[3]


def run_check(extra_env: dict) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for this process only.
    dropped = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_production_mode():
    result = run_check(
        {"DEBUG": "0", "SECRET_KEY": "x" * 60 + "-Prod-Key-9", "ALLOWED_HOSTS": "gz.example"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"DEBUG": "0", "ALLOWED_HOSTS": "gz.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_passwords_are_hashed_with_argon2():
    # conftest swaps in a fast hasher for tests; the project's own setting must be argon2.
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_defaults_are_chinese_first_in_shanghai_time():
    assert project_settings.LANGUAGE_CODE == "zh-hans"
    assert project_settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in project_settings.LANGUAGES
