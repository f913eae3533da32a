"""tools/newer_pythons.py (``nox -s pythons``): what it reads from apt, what it patches.

Nothing here touches the network; the last test checks the Pythons a maintainer made
with ``python3 dev.py pythons`` and skips where there are none.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "newer_pythons", ROOT / "tools/newer_pythons.py"
)
newer_pythons = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = newer_pythons
spec.loader.exec_module(newer_pythons)

SIMULATION = """\
NOTE: This is only a simulation!
Inst gcc-16-base (16.2.0-4 Debian:unstable [amd64])
Inst libc6 (2.42-3 Debian:unstable [amd64])
Inst tzdata (2026a-1 Debian:unstable [all])
Inst python3.14 [3.14.9-1] (3.14.10-1 Debian:unstable [amd64])
Inst libfoo:amd64 (1:2.0-1 Debian:unstable [amd64])
Conf libc6 (2.42-3 Debian:unstable [amd64])
"""


def test_reads_the_closure_from_apts_simulation():
    assert newer_pythons.parse_simulation(SIMULATION) == [
        ("gcc-16-base", "16.2.0-4", "amd64"),
        ("libc6", "2.42-3", "amd64"),
        ("tzdata", "2026a-1", "all"),
        ("python3.14", "3.14.10-1", "amd64"),
        ("libfoo", "1:2.0-1", "amd64"),
    ]


def test_names_the_files_as_apt_saves_them():
    assert (
        newer_pythons.deb_name("libfoo", "1:2.0-1", "amd64") == "libfoo_1%3a2.0-1_amd64.deb"
    )
    assert newer_pythons.deb_name("tzdata", "2026a-1", "all") == "tzdata_2026a-1_all.deb"


def test_takes_every_python3_x_newer_than_asked(monkeypatch, tmp_path):
    apt = newer_pythons.Apt(tmp_path, "amd64", log=lambda line: None)
    names = "python3.13\npython3.15\npython3.14\npython3.14-venv\npython3.9\npython3-doc\n"
    monkeypatch.setattr(apt, "run", lambda *args, **kwargs: names)
    assert apt.newest_pythons((3, 13)) == ["3.14", "3.15"]
    assert apt.newest_pythons((3,)) == ["3.9", "3.13", "3.14", "3.15"]


def test_apt_keeps_to_its_own_folder(tmp_path):
    apt = newer_pythons.Apt(tmp_path, "arm64", log=lambda line: None)
    sources = (tmp_path / "sources.list").read_text()
    assert sources.startswith("deb [arch=arm64 signed-by=") and " sid main" in sources
    for option in ("SourceList", "SourceParts", "Lists", "Status", "Dir::Cache"):
        (setting,) = [o for o in apt.options if f"{option}=" in o]
        assert str(tmp_path) in setting, setting
    assert (tmp_path / "status").read_text() == ""  # so apt resolves the whole closure


def test_points_ensurepip_at_the_folders_wheels(tmp_path):
    lib = tmp_path / "usr/lib/python3.14"
    lib.mkdir(parents=True)
    data = lib / "_sysconfigdata__x86_64-linux-gnu.py"
    data.write_text("build_time_vars = {'WHEEL_PKG_DIR': '/usr/share/python-wheels/',\n}\n")
    assert newer_pythons.patch_sysconfig(lib, tmp_path) == 1
    namespace = {}
    exec(data.read_text(), namespace)
    assert (
        namespace["build_time_vars"]["WHEEL_PKG_DIR"]
        == f"{tmp_path}/usr/share/python-wheels/"
    )
    assert newer_pythons.patch_sysconfig(lib, tmp_path) == 0  # idempotent


def test_says_why_where_it_cannot(monkeypatch):
    monkeypatch.setattr(newer_pythons.sys, "platform", "darwin")
    with pytest.raises(newer_pythons.Unavailable, match=r"Linux only.*pyenv"):
        newer_pythons.debian_arch()
    monkeypatch.setattr(newer_pythons.sys, "platform", "linux")
    monkeypatch.setattr(newer_pythons.platform, "machine", lambda: "riscv64")
    with pytest.raises(newer_pythons.Unavailable, match="x86_64 and aarch64"):
        newer_pythons.debian_arch()


MADE = sorted(newer_pythons.DEST.glob("3.*/bin/python3.*"))


@pytest.mark.skipif(
    not MADE, reason="no .pythons/ here: `python3 dev.py pythons` makes them"
)
@pytest.mark.parametrize("python", MADE, ids=[p.name for p in MADE])
def test_the_made_pythons_run_with_their_own_libraries(python):
    version = python.name.removeprefix("python")
    assert newer_pythons.starts(python).startswith(version + ".")
    code = "import sys, sysconfig as s; print(sys.base_prefix, s.get_config_var(%r))"
    code %= "WHEEL_PKG_DIR"
    done = subprocess.run(
        [python, "-I", "-c", code], capture_output=True, text=True, check=True
    )
    prefix, wheels = done.stdout.split()
    folder = python.parent.parent
    assert Path(prefix) == folder / "usr" and wheels.startswith(str(folder))
