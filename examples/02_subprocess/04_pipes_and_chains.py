"""
Pipes: feeding children and chaining them
=========================================

A :term:`pipe` connects one process's output to another's input.  With
:mod:`subprocess` the parent can write bytes to a child's standard input, read its
standard output, and connect one child's output to the next child's input, as the
shell does with ``a | b``.  On this page you encrypt documents with ``openssl`` and
check them with pipelines of two children, several running at once.
"""

# %%
# The tools, and a fallback
# -------------------------
# ``openssl`` and a SHA-256 program exist on most Linux and macOS systems, but not
# everywhere (macOS has ``shasum -a 256`` rather than ``sha256sum``).  So look for them
# with :func:`shutil.which`, and fall back to Python children that do a comparable job
# (compress instead of encrypt) rather than crash.
#
# The password reaches ``openssl`` through an environment variable
# (``-pass env:NAME``), never as an argument: every user of the machine can read the
# arguments of every process (``ps``, ``/proc/PID/cmdline``), while a process's
# environment is readable only by its owner.
#
# ``openssl enc`` with AES-CBC is a demo of pipes, not a way to protect files: it has no
# integrity check, so a changed file decrypts to garbage, not to an error.  For real
# files use authenticated encryption: ``age``, ``gpg``, or AES-GCM from the
# ``cryptography`` package.

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSWORD_VARIABLE = "CONC_EXAMPLES_PASSWORD"
child_env = {**os.environ, PASSWORD_VARIABLE: secrets.token_urlsafe(16)}
openssl = ["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-pass", f"env:{PASSWORD_VARIABLE}"]


def openssl_works() -> bool:
    """Is there an ``openssl`` that knows these options (old LibreSSL may not)?"""
    if not shutil.which("openssl"):
        return False
    probe = subprocess.run(
        openssl, input=b"probe", capture_output=True, env=child_env, timeout=30
    )
    return probe.returncode == 0


if openssl_works():
    encrypt, decrypt = openssl, [*openssl, "-d"]
else:
    print("openssl (with -pbkdf2) not found: compressing with Python children instead")
    python_zlib = (
        "import sys, zlib; sys.stdout.buffer.write(zlib.{}(sys.stdin.buffer.read()))"
    )
    encrypt = [sys.executable, "-c", python_zlib.format("compress")]
    decrypt = [sys.executable, "-c", python_zlib.format("decompress")]

if shutil.which("sha256sum"):
    hasher = ["sha256sum"]
elif shutil.which("shasum"):
    hasher = ["shasum", "-a", "256"]
else:
    hasher = [
        sys.executable,
        "-c",
        "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())",
    ]
print(f"encrypt with: {' '.join(encrypt)}")
print(f"hash with:    {' '.join(hasher)}")

# %%
# Feed a child, read its output
# -----------------------------
# ``input=`` hands bytes to the child's stdin (and closes it, so the child sees the
# end); ``capture_output=True`` collects its stdout.  :func:`subprocess.run` does both
# at the same time, which matters, as the :doc:`next page <05_pipe_deadlock>` shows.
# Each document is 1 MiB of random bytes; its encrypted copy goes to a temporary file.

DOCUMENTS = 4
workdir = tempfile.TemporaryDirectory()
documents = {f"document-{n}": secrets.token_bytes(2**20) for n in range(1, DOCUMENTS + 1)}
encrypted_files = {}
for name, plain in documents.items():
    done = subprocess.run(
        encrypt, input=plain, capture_output=True, check=True, env=child_env, timeout=30
    )
    encrypted_files[name] = Path(workdir.name, f"{name}.enc")
    encrypted_files[name].write_bytes(done.stdout)
    print(
        f"{name}: {len(plain):,} bytes in, {len(done.stdout):,} bytes out,"
        f" starting {done.stdout[:16]!r}"
    )

# %%
# ``openssl`` output starts with ``Salted__``, then the random salt it chose: encrypt
# the same document twice and you get two different outputs.
#
# Chain two children, several chains at once
# -------------------------------------------
# To check an encrypted file, decrypt it and hash the result, without the plaintext
# ever passing through the parent: the shell's ``openssl enc -d < file | sha256sum``.
# The first child reads the file; its stdout becomes the second child's stdin.  The
# parent closes its own copy of that pipe, so that if the second child dies, the
# first one is told (``SIGPIPE``) instead of writing into a pipe nobody reads.
#
# All the chains are started before any is waited for, so they run at the same time,
# like the children of the :doc:`previous page <03_many_children>`.  Each digest is
# compared with the one Python computes from the original document.

started = time.perf_counter()
chains = {}
matches = {}
try:
    for name, path in encrypted_files.items():
        with path.open("rb") as source:
            first = subprocess.Popen(
                decrypt, stdin=source, stdout=subprocess.PIPE, env=child_env
            )
        chains[name] = first, None
        second = subprocess.Popen(
            hasher, stdin=first.stdout, stdout=subprocess.PIPE, text=True
        )
        first.stdout.close()  # only the second child reads it now
        chains[name] = first, second

    for name, (first, second) in chains.items():
        output, _ = second.communicate(timeout=30)
        statuses = (first.wait(timeout=30), second.returncode)
        digest = output.split()[0]
        matches[name] = digest == hashlib.sha256(documents[name]).hexdigest()
        print(
            f"{name}: {digest[:16]}...  exit statuses {statuses}, matches: {matches[name]}"
        )
finally:
    for child in (c for pair in chains.values() for c in pair if c is not None):
        if child.poll() is None:
            child.kill()  # a timeout or an error above: stop the rest too
        child.wait()
        if child.stdout:
            child.stdout.close()
    workdir.cleanup()
print(f"{DOCUMENTS} chains of 2 children finished in {time.perf_counter() - started:.2f} s")

from conc_examples.claims import claim

claim(
    "Every chain's digest matched the document it started from",
    len(matches) == DOCUMENTS and all(matches.values()),
    measured=f"{sum(matches.values())} of {DOCUMENTS} digests matched",
    expected=f"all {DOCUMENTS}",
)

# %%
# The ``try``/``finally`` matters as soon as there are several children.  If one
# ``communicate`` times out, or a digest cannot be parsed, the error leaves the loop
# while the other chains still run: the ``finally`` kills whatever is still running and
# waits for every child, so none is left behind, running or as a zombie.
#
# Take-away: connect children with pipes as a shell would, start all the chains before
# you wait for any, and collect every child whatever happens.
