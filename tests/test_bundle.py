"""The desktop bundle builds from build.spec and its --self-test passes headless."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIZE_BUDGET_MIB = 200


def _folder_size_mib(folder: Path) -> float:
    """What the folder weighs on disk; PyInstaller links libraries, and a link is not a copy."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 2**20


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    if shutil.which("pyinstaller") is None and not _has_module("PyInstaller"):
        pytest.fail("PyInstaller is not installed: pip install -e '.[test,bundle]'")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "build.spec"),
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "work"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=850,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    bundle = tmp_path / "dist" / "wsmonitor"
    executable = bundle / ("wsmonitor.exe" if os.name == "nt" else "wsmonitor")
    assert executable.exists()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WSMONITOR_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [str(executable), "--self-test"], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    assert "ok   main window" in result.stdout

    size = _folder_size_mib(bundle)
    print(f"bundle size: {size:.1f} MiB")
    assert size < SIZE_BUDGET_MIB, f"bundle weighs {size:.0f} MiB"


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
