"""What a reader takes home: a wheel, a zip per chapter, notebooks that run in Jupyter.

Every example imports ``conc_examples``, which is on no package index; so the build
puts on the site itself what a downloaded example needs, and tells each page's reader
how to use it:

- a wheel of ``conc_examples``, built from this source during the build by the build
  backend that pyproject.toml names (hatchling, which is in the docs environment, so
  this needs no network; called directly, as ``pip wheel --no-build-isolation`` would
  call it, it takes 0.2 s instead of pip's 1.5);
- per chapter, one zip: its scripts, its notebooks, the wheel and a requirements.txt;
- on every example page, one line under the title's promise (script, notebook, chapter
  zip, how to run it) and, at the end, one note with the two commands that make the
  script run (relative links, so the site works wherever it is hosted);
- notebooks that run in a Jupyter kernel: a kernel already runs an event loop, so a
  top-level ``asyncio.run(main())`` becomes ``await main()`` there.

A chapter or a page that needs an extra of the package (``pip install
"conc_examples-...whl[engines]"``) says so with a line ``.. requires: engines`` in the
chapter's README.rst or in the example's title docstring (an RST comment: it shows
nowhere). The extra must exist under ``[project.optional-dependencies]``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_PROJECT = PYPROJECT["project"]
WHEEL = f"{_PROJECT['name'].replace('-', '_')}-{_PROJECT['version']}-py3-none-any.whl"
EXTRAS: dict[str, list[str]] = _PROJECT.get("optional-dependencies", {})

REQUIRES = re.compile(r"^\.\. requires:[ \t]*(.+?)[ \t]*$", re.M)
# A zip made twice from the same files is the same bytes (so Sphinx sees no change).
_ZIP_DATE = (2020, 2, 2, 0, 0, 0)


# --- which extras a page needs -------------------------------------------------------


def _declared(text: str, where: Path) -> set[str]:
    extras = {e.strip() for m in REQUIRES.finditer(text) for e in m[1].split(",")}
    extras.discard("")
    if unknown := sorted(extras - set(EXTRAS)):
        raise ExtensionError(
            f"{where.relative_to(ROOT)} asks for the extra {', '.join(unknown)}, which"
            " pyproject.toml does not define under [project.optional-dependencies]"
            f" (it defines: {', '.join(sorted(EXTRAS)) or 'none'})"
        )
    return extras


def chapter_extras(chapter: str) -> set[str]:
    folder = EXAMPLES / chapter
    found: set[str] = set()
    for readme in (folder / "README.rst", folder / "README.txt"):
        if readme.exists():
            found |= _declared(readme.read_text(encoding="utf-8"), readme)
    return found


def page_extras(chapter: str, example: str) -> set[str]:
    """The chapter's extras and the page's own (a line in its title docstring)."""
    script = EXAMPLES / chapter / f"{example}.py"
    own: set[str] = set()
    if script.exists():
        docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
        own = _declared(docstring, script)
    return chapter_extras(chapter) | own


def install_target(extras: set[str]) -> str:
    """What ``pip install`` gets: the wheel file in this folder, with its extras."""
    target = f"./{WHEEL}"
    return f'"{target}[{",".join(sorted(extras))}]"' if extras else target


# --- the wheel, the zips, the notebooks ----------------------------------------------


def _write_if_changed(path: Path, data: bytes) -> None:
    """Keep the old file (and its mtime) when nothing changed: no needless rebuild."""
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


# The PEP 517 hook, in a child process started in the project folder (the hook builds
# what it finds in the current directory) so that nothing of it stays in Sphinx's.
_BUILD_WHEEL = (
    "import importlib, sys; importlib.import_module(sys.argv[1]).build_wheel(sys.argv[2])"
)


def build_wheel(stage: Path) -> Path:
    backend = PYPROJECT["build-system"]["build-backend"]
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-c", _BUILD_WHEEL, backend, tmp]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=300, cwd=ROOT
        )
        built = Path(tmp, WHEEL)
        if done.returncode != 0 or not built.exists():
            raise ExtensionError(
                f"building the wheel {WHEEL} with {backend} failed (the docs"
                " environment needs hatchling: `pip install --group docs`):\n"
                f"{done.stdout}{done.stderr}"
            )
        _write_if_changed(stage / WHEEL, built.read_bytes())
    return stage / WHEEL


def requirements_txt(extras: set[str]) -> str:
    return (
        "# In this folder, in a virtual environment: python -m pip install -r"
        " requirements.txt\n"
        f"{install_target(extras).strip(chr(34))}\n"
        "# To run the notebooks too: python -m pip install jupyter\n"
    )


def build_chapter_zip(stage: Path, gallery: Path, chapter: str, wheel: Path) -> Path:
    """``NN_topic.zip``: one folder with the scripts, notebooks, wheel, requirements."""
    extras = chapter_extras(chapter)
    extras |= {
        e for s in (EXAMPLES / chapter).glob("*.py") for e in page_extras(chapter, s.stem)
    }
    members: list[tuple[str, bytes]] = []
    for script in sorted((EXAMPLES / chapter).glob("*.py")):
        members.append((script.name, script.read_bytes()))
    for notebook in sorted(gallery.glob("*.ipynb")):
        members.append((notebook.name, notebook.read_bytes()))
    members.append((WHEEL, wheel.read_bytes()))
    members.append(("requirements.txt", requirements_txt(extras).encode()))
    target = stage / f"{chapter}.zip"
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                info = zipfile.ZipInfo(f"{chapter}/{name}", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        buffer.seek(0)
        _write_if_changed(target, buffer.read())
    return target


def _is_asyncio_run(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "asyncio"
    )


def await_instead_of_run(code: str) -> str:
    """``asyncio.run(main())`` outside any function becomes ``await main()``.

    A Jupyter kernel runs an event loop already, where ``asyncio.run`` raises; IPython
    awaits at top level (also inside top-level ``if``/``for``/``with`` blocks).  Calls
    inside a function, or with keyword arguments (``debug=True``), stay as they are.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    calls: list[tuple[ast.Call, bool]] = []  # (the call, parenthesise it)
    inside = ast.Attribute | ast.Subscript | ast.BinOp | ast.UnaryOp | ast.Compare

    def visit(node: ast.AST, parent: ast.AST | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return
        if isinstance(node, ast.ClassDef):
            return
        if _is_asyncio_run(node) and len(node.args) == 1 and not node.keywords:
            wrap = isinstance(parent, inside) or (
                isinstance(parent, ast.Call) and parent.func is node
            )
            calls.append((node, wrap))
            return
        for child in ast.iter_child_nodes(node):
            visit(child, node)

    visit(tree, None)
    if not calls:
        return code
    lines = code.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode()))
    data = code.encode()
    for call, wrap in sorted(calls, key=lambda c: (c[0].lineno, c[0].col_offset))[::-1]:
        begin = starts[call.lineno - 1] + call.col_offset
        end = starts[call.end_lineno - 1] + call.end_col_offset
        arg = call.args[0]
        inner = data[
            starts[arg.lineno - 1] + arg.col_offset : starts[arg.end_lineno - 1]
            + arg.end_col_offset
        ].decode()
        simple = ast.Call | ast.Name | ast.Attribute | ast.Subscript
        replacement = f"await {inner}" if isinstance(arg, simple) else f"await ({inner})"
        if wrap:
            replacement = f"({replacement})"
        data = data[:begin] + replacement.encode() + data[end:]
    return data.decode()


_STARTS_A_LOOP = {"run", "Runner", "run_until_complete", "run_forever", "new_event_loop"}


def starts_a_loop(code: str) -> bool:
    """Does the cell still start an event loop (``asyncio.run`` in a function, ...)?"""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _STARTS_A_LOOP:
            if node.attr not in {"run", "Runner"}:
                return True
            if isinstance(node.value, ast.Name) and node.value.id == "asyncio":
                return True
    return False


def loop_functions(code: str, known: set[str]) -> set[str]:
    """Top-level functions of ``code`` that start a loop, or call one that does."""
    found = set(known)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return found
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and (
            starts_a_loop(ast.unparse(node)) or calls_one_of(node, found)
        ):
            found.add(node.name)
    return found


def calls_one_of(tree: ast.AST, names: set[str]) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names
        for n in ast.walk(tree)
    )


def needs_a_fresh_thread(code: str, known: set[str]) -> bool:
    """Does this cell start a loop, directly or through a function that does?"""
    if starts_a_loop(code):
        return True
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    top = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
    return any(calls_one_of(node, known) for node in top)


def in_a_fresh_thread(code: str) -> str:
    """The cell, run by ``conc_examples.notebook.run_in_fresh_thread``, and why."""
    quotes = "'" * 3
    if quotes in code or code.endswith("\\"):
        literal = repr(code)
    else:
        literal = f"r{quotes}\n{code}\n{quotes}"
    return (
        "# In Jupyter this cell cannot run as it is: the kernel already runs an event loop"
        "\n# in this thread, and the code below starts loops of its own (asyncio.run,"
        " asyncio.Runner),\n# which refuse to run inside another. So here it runs in a"
        " thread of its own, where\n# (as in the script) no loop runs yet; the code is"
        " the script's.\n"
        "from conc_examples.notebook import run_in_fresh_thread\n\n"
        f"run_in_fresh_thread(\n{literal},\n    globals(),\n)"
    )


def first_cell(extras: set[str]) -> str:
    return (
        "# This notebook imports the conc_examples helpers. Save the wheel from the"
        " example's page\n# beside this notebook and install it into the kernel's"
        " environment once:\n"
        f"# %pip install {install_target(extras)}"
    )


def fix_notebook(notebook: Path, chapter: str) -> None:
    """A first cell with the exact install command; ``await`` for ``asyncio.run``."""
    content = json.loads(notebook.read_text(encoding="utf-8"))
    cells = content["cells"]
    extras = page_extras(chapter, notebook.stem)
    known: set[str] = set()  # functions that start an event loop
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if index == 0:
            new = first_cell(extras)
        else:
            known = loop_functions(source, known)
            new = await_instead_of_run(source)
            if needs_a_fresh_thread(new, known):
                new = in_a_fresh_thread(source)
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
    text = json.dumps(content, indent=1, ensure_ascii=False) + "\n"
    _write_if_changed(notebook, text.encode("utf-8"))


def stage_dir(app: Sphinx) -> Path:
    return Path(app.outdir).parent / "reader-downloads"


def _galleries(app: Sphinx) -> list[tuple[str, Path]]:
    conf = app.config.sphinx_gallery_conf
    return [
        (Path(src).name, Path(app.srcdir, dst))
        for src, dst in zip(conf["examples_dirs"], conf["gallery_dirs"], strict=True)
    ]


def build_downloads(app: Sphinx) -> None:
    """After sphinx-gallery wrote the notebooks: fix them, build the wheel and zips."""
    stage = stage_dir(app)
    stage.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(stage)
    for chapter, gallery in _galleries(app):
        for notebook in sorted(gallery.glob("*.ipynb")):
            fix_notebook(notebook, chapter)
        build_chapter_zip(stage, gallery, chapter, wheel)


# --- the bar under the title, the note at the end ------------------------------------

# sphinx-gallery's "Go to the end to download" note, which it puts before the title.
_GALLERY_NOTE = re.compile(
    r"^\.\. only:: html\n\n(?P<indent>[ \t]+)\.\. note::\n\s+:class:"
    r" sphx-glr-download-link-note\n\n(?:(?P=indent)[ \t]+.*\n|\n)+",
    re.M,
)
# The page's title (the script's docstring) and the paragraph under it: the promise.
_TITLE_AND_PROMISE = re.compile(r"^(?P<title>.+)\n=+\n\n(?:[ \t]*\S.*\n)+", re.M)
# sphinx-gallery's label before the download buttons at the end of the page.
_END_LABEL = r"^\.\. _sphx_glr_download_{label}:\n\n"


def _download_path(app: Sphinx, name: str) -> str:
    """``:download:`` target of a staged file, absolute from the source folder."""
    return "/" + Path(os.path.relpath(stage_dir(app) / name, app.srcdir)).as_posix()


def _label(chapter: str, example: str) -> str:
    return f"chapters_{chapter}_{example}.py"


def download_bar(app: Sphinx, chapter: str, example: str) -> str:
    """One line under the promise: the script, the notebook, the zip, how to run."""
    links = " · ".join(
        [
            f":download:`script <{example}.py>`",
            f":download:`notebook <{example}.ipynb>`",
            f":download:`chapter zip <{_download_path(app, chapter + '.zip')}>`",
            f":ref:`how to run it <sphx_glr_download_{_label(chapter, example)}>`",
        ]
    )
    return f"\n.. rst-class:: download-bar\n\n**Download:** {links}\n\n"


def run_note(app: Sphinx, chapter: str, example: str) -> str:
    extras = page_extras(chapter, example)
    needs = ""
    if extras:
        packages = sorted(
            {re.split(r"[<>=!~;\[ ]", p, maxsplit=1)[0] for e in extras for p in EXTRAS[e]}
        )
        named = ", ".join(f"``{e}``" for e in sorted(extras))
        needs = (
            f"This page needs the extra{'s' if len(extras) > 1 else ''} {named} of the"
            f" helpers ({', '.join(packages)}): the first command installs it too. "
        )
    lines = [
        ".. note::",
        "    :class: sphx-glr-download-link-note",
        "",
        f"    **Run it yourself.** {needs}Save :download:`{example}.py <{example}.py>` and"
        f" :download:`{WHEEL} <{_download_path(app, WHEEL)}>` (the helpers it"
        " imports) in one folder; there, in a :doc:`virtual environment </setup>`,"
        " run:",
        "",
        "    .. code-block:: bash",
        "",
        f"        python -m pip install {install_target(extras)}",
        f"        python {example}.py",
        "",
        "    The notebook (below) runs in Jupyter after the same install. The whole"
        " chapter, with a requirements.txt:"
        f" :download:`{chapter}.zip <{_download_path(app, chapter + '.zip')}>`.",
    ]
    return "".join(f"{line}\n" if line else "\n" for line in lines) + "\n"


def _add_run_note(app: Sphinx, docname: str, source: list[str]) -> None:
    """The lesson first: a one-line download bar under the title's promise, and the
    note with the two commands at the end, where sphinx-gallery's "Go to the end" note
    pointed (its place before the title is left empty)."""
    parts = docname.split("/")
    if len(parts) != 3 or parts[0] != "chapters" or not parts[2][:1].isdigit():
        return
    chapter, example = parts[1], parts[2]
    text, removed = _GALLERY_NOTE.subn("", source[0], count=1)
    title = _TITLE_AND_PROMISE.search(text)
    end = re.search(
        _END_LABEL.format(label=re.escape(_label(chapter, example))), text, re.M
    )
    if removed != 1 or title is None or end is None:
        missing = [
            what
            for what, found in [
                ("sphinx-gallery's download note", removed == 1),
                ("a title and a paragraph under it", title is not None),
                ("the download label at the end", end is not None),
            ]
            if not found
        ]
        raise ExtensionError(f"{docname}: not found: {', '.join(missing)}")
    source[0] = (
        text[: title.end()]
        + download_bar(app, chapter, example)
        + text[title.end() : end.end()]
        + run_note(app, chapter, example)
        + text[end.end() :]
    )


def _add_chapter_download(app: Sphinx, docname: str, source: list[str]) -> None:
    parts = docname.split("/")
    if len(parts) != 3 or parts[0] != "chapters" or parts[2] != "index":
        return
    chapter = parts[1]
    source[0] += (
        "\n.. rst-class:: chapter-download\n\n"
        f"Take the whole chapter home: :download:`{chapter}.zip"
        f" <{_download_path(app, chapter + '.zip')}>` holds its scripts, its"
        f" notebooks, the helpers' wheel and a requirements.txt. Unpack it and, in the"
        " folder it makes, run ``python -m pip install -r requirements.txt``, then"
        " any script with ``python``.\n"
    )


def setup(app: Sphinx) -> dict[str, object]:
    # After sphinx-gallery's own builder-inited handler (which writes the notebooks).
    app.connect("builder-inited", build_downloads, priority=900)
    app.connect("source-read", _add_run_note)
    app.connect("source-read", _add_chapter_download)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
