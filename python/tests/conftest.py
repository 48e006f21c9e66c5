"""Shared fixtures: the repository root and the `balun` command line built by cargo."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def balun_cli() -> str:
    """The `balun` binary: $BALUN_BIN, else target/release/balun (built when missing)."""
    env = os.environ.get("BALUN_BIN")
    if env:
        return env
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "balun"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release", "--bin", "balun"], cwd=ROOT, check=True)
    return str(exe)
