"""Production mode refuses to start unsafely; deploy checks are clean; migrations are complete."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from verbindend.core import demo
from verbindend.networks.models import Network, Organisation, Person

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start() -> None:
    done = run_manage("check", VERBINDEND_ENV="production", ALLOWED_HOSTS="example.org")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_production_without_allowed_hosts_refuses_to_start() -> None:
    done = run_manage("check", VERBINDEND_ENV="production", SECRET_KEY="x" * 60)
    assert done.returncode != 0
    assert "ALLOWED_HOSTS" in done.stderr


def test_deploy_check_is_clean_in_production_mode(tmp_path: Path) -> None:
    done = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        VERBINDEND_ENV="production",
        SECRET_KEY="k" * 40 + "-Aa1!" * 5,
        ALLOWED_HOSTS="verbindend.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_development_mode_needs_no_variables() -> None:
    done = run_manage("check")
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"a migration is missing:\n{out.getvalue()} ({exit_})")


@pytest.mark.django_db
def test_demo_network_has_the_promised_shape_and_loads_twice() -> None:
    demo.load_demo()
    demo.load_demo()
    network = Network.objects.get(slug=demo.DEMO_SLUG)
    assert Network.objects.filter(slug=demo.DEMO_SLUG).count() == 1
    orgs = Organisation.objects.filter(memberships__network=network).distinct()
    assert orgs.count() == 12
    assert len({o.sector for o in orgs}) == 3
    people = Person.objects.filter(network=network)
    assert 35 <= people.count() <= 45
    assert {p.lead_role for p in people} == {"trekker", "follower"}
    assert {p.tenure for p in people} == {"newcomer", "long_standing"}
    assert {p.engagement for p in people} == {"professional", "volunteer"}
