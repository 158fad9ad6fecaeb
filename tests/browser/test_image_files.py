"""The Dockerfile's image, as far as this machine can check it without a Docker engine: the files `COPY . .` puts in
the image (the repository minus `.dockerignore`) are enough to run every screen, with the Dockerfile's own `ENV`,
`CMD` and `HEALTHCHECK` — read from the Dockerfile, not repeated here.

What it cannot check: the base image and its `pip install` (the pins of requirements.txt are installed by CI on the
machine's Python instead).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, _free_port, open_app, stop_server, title
from tests.browser.test_journeys import SHARED

DOCKERFILE = (ROOT / "Dockerfile").read_text()
IMAGE_PORT = "8501"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(ln for ln in DOCKERFILE.splitlines() if not ln.lstrip().startswith("#")))
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip()) for ln in joined.splitlines() if ln.strip()]


def one(keyword: str) -> str:
    (args,) = [a for k, a in instructions() if k == keyword]
    return args


def environment() -> dict[str, str]:
    """Every ``ENV key=value`` of the Dockerfile."""
    pairs: dict[str, str] = {}
    for keyword, args in instructions():
        if keyword == "ENV":
            pairs.update(item.split("=", 1) for item in shlex.split(args))
    return pairs


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether ``.dockerignore`` leaves ``path`` (relative, with /) out of the build context: a pattern matches the
    path or one of its folders (``*`` stays within a folder, ``**`` crosses folders)."""

    def regex(pattern: str) -> re.Pattern[str]:
        out = re.escape(pattern.strip("/"))
        out = out.replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        return re.compile(out)

    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(regex(p).fullmatch(prefix) for p in patterns for prefix in prefixes)


def image_files() -> list[str]:
    """The repository's files that `COPY . .` copies into the image."""
    patterns = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines() if ln.strip() and ln[0] != "#"]
    assert not any(p.startswith("!") for p in patterns), "exceptions (!) are not modelled here"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in tracked.splitlines() if not ignored(f, patterns)]


def test_the_ignore_rules_are_read_as_docker_reads_them():
    patterns = ["tests", "*.md", "**/__pycache__", "docs"]
    assert ignored("tests/test_x.py", patterns) and ignored("README.md", patterns)
    assert not ignored("ui/notes.md", patterns)  # ``*`` does not cross a folder
    assert ignored("ui/text/__pycache__/x.pyc", patterns) and ignored("docs/glossary.md", patterns)
    assert not ignored("dnn/core.py", patterns) and not ignored("testsuite/x.py", patterns)


def health_check(port: int) -> int:
    """Run the Dockerfile's HEALTHCHECK command against ``port``; its exit code (0: healthy)."""
    command = json.loads(one("HEALTHCHECK").split("CMD", 1)[1])
    command = [sys.executable if c == "python" else c.replace(IMAGE_PORT, str(port)) for c in command]
    return subprocess.run(command, capture_output=True, timeout=30).returncode


@pytest.fixture(scope="module")
def image_server() -> Iterator[tuple[str, int, Path]]:
    """The image's files in a folder of their own, served by the Dockerfile's CMD with its ENV (on a free port)."""
    with tempfile.TemporaryDirectory() as tmp:
        app_dir = Path(tmp) / one("WORKDIR").strip("/")
        for name in image_files():
            (app_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, app_dir / name)
        port = _free_port()
        command = json.loads(one("CMD"))
        assert command[0] == "streamlit" and f"--server.port={IMAGE_PORT}" in command
        command = [sys.executable, "-m", *[c.replace(IMAGE_PORT, str(port)) for c in command]]
        with open(Path(tmp) / "server.log", "wb") as log:
            proc = subprocess.Popen(command, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT,
                                    env={**os.environ, **environment()})  # fmt: skip
            try:
                deadline = time.time() + 60
                while health_check(port) != 0:
                    assert proc.poll() is None and time.time() < deadline, (Path(tmp) / "server.log").read_text()
                    time.sleep(0.5)
                yield f"http://127.0.0.1:{port}", port, app_dir
            finally:
                stop_server(proc)


def test_the_image_holds_what_the_app_needs_and_nothing_of_the_tests():
    files = image_files()
    assert "app.py" in files and "requirements.txt" in files and any(f.startswith("pages/") for f in files)
    assert any(f.startswith("dnn/") for f in files) and any(f.startswith("ui/") for f in files)
    assert not any(f.startswith(("tests/", "benchmarks/", "docs/", ".git/")) for f in files)
    assert one("EXPOSE") == IMAGE_PORT and environment()["MALLOC_ARENA_MAX"] == "2"


def test_every_module_imports_from_the_image_files(image_server):
    """Every module of ``dnn/`` and ``ui/`` imports in the image's folder (a page imports its screen's modules)."""
    app_dir = image_server[2]
    modules = [str(f.relative_to(app_dir).with_suffix("")).replace("/", ".") for f in app_dir.glob("[du][ni]*/**/*.py")]
    assert len(modules) > 30
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m.removesuffix('.__init__'))"
    done = subprocess.run([sys.executable, "-c", code, *modules], cwd=app_dir, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_screens_run_from_the_image_files_and_the_health_check_follows_the_server(image_server, browser):
    base, port, _ = image_server
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        for path in ("/", "/Training"):
            open_app(page, f"{base}{path}?{SHARED}")
            assert title(page), path
            assert not page.get_by_test_id("stException").count(), path
    finally:
        context.close()
    assert health_check(port) == 0


def test_the_health_check_fails_when_nothing_answers():
    assert health_check(_free_port()) != 0
