"""What machine produced a measurement: one caption line for every figure and page.

A timing means nothing without the machine behind it, so every figure carries this
line and the landing page prints it.  CPU counts come in three flavours that differ
in containers and under ``taskset``: the CPUs the OS has, the CPUs this process may
run on (affinity), and :func:`os.process_cpu_count` (Python 3.13+), which is the
latter and what worker pools should be sized from.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import sys
import sysconfig
from dataclasses import dataclass

__all__ = ["MachineInfo", "caption", "gil_enabled", "info", "start_method", "usable_cpus"]


def usable_cpus() -> int:
    """Return how many CPUs this process may run on: size workloads and pools from it.

    Uses :func:`os.process_cpu_count` (added in Python 3.13), else the scheduler
    affinity mask where the OS has one (Linux), else :func:`os.cpu_count`.
    """
    if sys.version_info >= (3, 13):
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return count or 1


def start_method() -> str:
    """Return the multiprocessing start method in force, without fixing it.

    ``multiprocessing.get_start_method()`` would freeze the default context, so a later
    ``set_start_method()`` would fail; the first entry of
    ``get_all_start_methods()`` is the platform default.
    """
    return (
        multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_all_start_methods()[0]
    )


def gil_enabled() -> bool:
    """Return whether the GIL is on; ``sys._is_gil_enabled`` exists from Python 3.13."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


@dataclass(frozen=True)
class MachineInfo:
    """The facts a caption is made of."""

    cpus: int | None
    usable_cpus: int
    implementation: str
    python_version: str
    free_threaded_build: bool
    gil_enabled: bool
    system: str
    machine: str
    start_method: str

    @property
    def build(self) -> str:
        """Say which build ran: a GIL build, or a free-threaded one and its GIL state."""
        if not self.free_threaded_build:
            return "GIL build"
        return "free-threaded, GIL " + ("on" if self.gil_enabled else "off")

    def caption(self) -> str:
        """One line: CPUs, Python version and build, OS, start method."""
        cpus = f"{self.usable_cpus} usable CPUs"
        if self.cpus is not None and self.cpus != self.usable_cpus:
            cpus += f" of {self.cpus}"
        return (
            f"{cpus} · {self.implementation} {self.python_version} ({self.build})"
            f" · {self.system} {self.machine} · start method: {self.start_method}"
        )


def info() -> MachineInfo:
    """Read the machine facts now (the start method can change while a program runs)."""
    return MachineInfo(
        cpus=os.cpu_count(),
        usable_cpus=usable_cpus(),
        implementation=platform.python_implementation(),
        python_version=platform.python_version(),
        free_threaded_build=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        gil_enabled=gil_enabled(),
        system=platform.system(),
        machine=platform.machine(),
        start_method=start_method(),
    )


def caption() -> str:
    """Return the one-line machine caption used under every figure."""
    return info().caption()
