"""Java for the Spark tests: Spark runs on the JVM (Java 17). On a fresh machine without Java the
fixture installs the Debian package (CI runs as root); JAVA_HOME is set when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JAVA_PACKAGE = "openjdk-17-jre-headless"


def _java_works() -> bool:
    java = shutil.which("java")
    if java is None:
        return False
    return subprocess.run([java, "-version"], capture_output=True, check=False).returncode == 0


def _install_java() -> None:
    apt = ["apt-get", "install", "-y", "--no-install-recommends", JAVA_PACKAGE]
    result = subprocess.run(apt, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # the package lists may be missing on a fresh image
        subprocess.run(["apt-get", "update"], capture_output=True, check=False)
        result = subprocess.run(apt, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"could not install {JAVA_PACKAGE}:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def java_home() -> Path:
    """A working Java for Spark, installed from the OS packages when missing."""
    if not _java_works():
        _install_java()
    java = shutil.which("java")
    if java is None or not _java_works():
        raise RuntimeError("java is still not runnable after installing " + JAVA_PACKAGE)
    home = Path(java).resolve().parent.parent
    os.environ.setdefault("JAVA_HOME", str(home))
    return Path(os.environ["JAVA_HOME"])
