"""Every code block of the docs runs or names real commands, so the docs cannot drift.

Python blocks are executed (in a scratch folder); every ``circuitlab ...`` line of a shell
block must name a real command and only options that command has.  A block preceded by
``<!-- docs-test: skip (reason) -->`` is left out.
"""

import os
import re
import shlex
from pathlib import Path

import click
import pytest

from circuitlab.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
FENCE = re.compile(r"(<!-- docs-test: skip[^>]*-->\n)?```(\w*)\n(.*?)```", re.S)


def blocks(lang: str) -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for k, m in enumerate(FENCE.finditer(page.read_text())):
            if m.group(2) == lang and not m.group(1):
                out.append((f"{page.relative_to(ROOT)}#{k}", m.group(3)))
    return out


@pytest.mark.parametrize("where,code", blocks("python"), ids=[w for w, _ in blocks("python")])
def test_python_blocks_run(where, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def _command_lines() -> list[tuple[str, str]]:
    lines = []
    for where, code in blocks("sh") + blocks(""):
        for line in code.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("$ ").split("#")[0].strip()
            if line.startswith("circuitlab "):
                lines.append((where, line))
    return lines


@pytest.mark.parametrize("where,line", _command_lines(), ids=[f"{w}:{ln[:40]}" for w, ln in _command_lines()])
def test_command_lines_name_real_options(where, line):
    words = shlex.split(line.replace("[", " ").replace("]", " ").replace("|", " "))[1:]
    ctx = click.Context(cli)
    cmd: click.Command = cli
    while isinstance(cmd, click.Group) and words and not words[0].startswith("-"):
        sub = cmd.get_command(ctx, words[0])
        assert sub is not None, f"{where}: no command {words[0]!r} in {line!r}"
        cmd, words = sub, words[1:]
    known = {"--help", "-h"} | {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    for w in words:
        if w.startswith("-") and w != "-" and not re.fullmatch(r"-\d+", w):
            assert w.split("=")[0] in known, f"{where}: {cmd.name} has no option {w} ({line!r})"


def test_the_docs_pages_are_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    for page in (ROOT / "docs").rglob("*.md"):
        assert str(page.relative_to(ROOT / "docs")) in nav, f"{page} is missing from mkdocs.yml's nav"
    assert os.path.exists(ROOT / "docs" / "index.md")
