import os
import secrets
import subprocess
import sys

import pytest


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kerjasama.config.production", **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "kerjasama.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_check(
        {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "ksd.kaltimprov.go.id",
         "KERJASAMA_VAR_DIR": str(tmp_path)}
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short", "dev-only-insecure-key-do-not-use-in-production"])
def test_production_refuses_a_missing_or_weak_secret_key(key, tmp_path):
    result = run_check({"SECRET_KEY": key, "KERJASAMA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
