"""The README's commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in ci if line.startswith("python -m pip install -e")]
    assert len(commands) == 1
    command = commands[0]
    assert "python -m pytest" in command
    assert f"\n    {command}\n" in (ROOT / "README.md").read_text()


def test_bundled_sample_is_the_test_fixture() -> None:
    from jsv.examples import seed_sample

    assert seed_sample() == (ROOT / "tests" / "data" / "seed_session.jsv").read_text()
