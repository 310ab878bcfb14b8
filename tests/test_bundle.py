"""The desktop bundle itself: builds from build.spec, weighs under 200 MB, carries licences.

The build happens once per session (tests/bundle_support.py). The frozen executable runs its
self-test here; tests/test_bundle_demo.py runs its commands against the demo server, and
tests/ui/test_real_display.py runs it on a real X display.
"""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from tests.bundle_support import ROOT, Bundle

SIZE_BUDGET_BYTES = 200_000_000  # the "under 200 MB", decimal


def _folder_size(folder: Path) -> int:
    """What the folder weighs on disk; PyInstaller links libraries, and a link is not a copy."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files)


def _spec_exclusions() -> set[str]:
    """Every module build.spec leaves out, read from its literal lists."""
    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    lists = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("QT_UNUSED", "OTHER_EXCLUDES", "UNUSED_MODULES")
    }
    assert len(lists) == 3, f"build.spec lists changed: found {sorted(lists)}"
    qt = {f"PySide6.{name}" for name in lists["QT_UNUSED"]}
    return qt | set(lists["OTHER_EXCLUDES"]) | set(lists["UNUSED_MODULES"])


def _used_modules(path: Path) -> set[str]:
    """Modules a file imports, and submodules it reaches as attributes (``np.random``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
                bound = alias.asname or alias.name.split(".")[0]
                aliases[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    for node in ast.walk(tree):
        base = getattr(node, "value", None)
        if isinstance(node, ast.Attribute) and isinstance(base, ast.Name) and base.id in aliases:
            names.add(f"{aliases[base.id]}.{node.attr}")
    return names


def test_wsmonitor_uses_nothing_the_bundle_leaves_out() -> None:
    excluded = _spec_exclusions()
    found = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "wsmonitor").rglob("*.py")
        for name in _used_modules(path)
        if any(name == ex or name.startswith(ex + ".") for ex in excluded)
    )
    assert not found, "build.spec excludes modules wsmonitor uses:\n" + "\n".join(found)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_passes_its_self_test_headless(bundle: Bundle) -> None:
    version = bundle.run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("wsmonitor "), version.stdout
    result = bundle.run("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    assert "ok   main window" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_weighs_under_200_mb(bundle: Bundle) -> None:
    size = _folder_size(bundle.folder)
    print(f"bundle size: {size / 2**20:.1f} MiB = {size / 1e6:.1f} MB")
    assert size < SIZE_BUDGET_BYTES, f"bundle weighs {size / 1e6:.1f} MB"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_carries_the_licences_of_what_it_bundles(bundle: Bundle) -> None:
    licences = bundle.folder / "_internal" / "licenses"
    folders = {path.name for path in licences.iterdir() if path.is_dir()}
    expected = {"pyside6-essentials", "shiboken6", "numpy", "pyqtgraph", "qasync"}
    expected |= {"python-socketio", "python-engineio", "aiohttp", "httpx", "pyjwt", "certifi"}
    assert expected <= folders, f"no licence folder for {sorted(expected - folders)}"
    # The Qt wheels ship no licence text, so the spec adds the ones their metadata names.
    for qt in ("pyside6-essentials", "shiboken6"):
        lgpl = (licences / qt / "LGPL-3.txt").read_text(encoding="utf-8")
        assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3" in lgpl
        assert "GNU GENERAL PUBLIC LICENSE" in (licences / qt / "GPL-3.txt").read_text("utf-8")
        assert "LGPL-3.0-only" in (licences / qt / "ABOUT.txt").read_text(encoding="utf-8")
    # numpy's LICENSE.txt covers the OpenBLAS and gfortran libraries in numpy.libs.
    numpy = (licences / "numpy" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "OpenBLAS" in numpy and "gfortran" in numpy.lower()
    assert (licences / "Python" / "LICENSE.txt").is_file()
    if sys.platform.startswith("linux") and shutil.which("dpkg-query"):
        # System libraries PyInstaller copied in: each one's Debian package and its copyright.
        listing = (licences / "system" / "LIBRARIES.txt").read_text(encoding="utf-8")
        owners = dict(line.split(": ") for line in listing.splitlines())
        assert "libxcb-icccm.so.4" in owners and "unknown" not in owners.values(), listing
        for package in set(owners.values()):
            assert (licences / "system" / package / "copyright").is_file(), package
