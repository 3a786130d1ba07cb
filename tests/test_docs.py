"""The docs snippet policy: every fenced block in README.md, examples/README.md and docs/
is checked or run.

Allowed fence languages, and what happens to each:

* ``pycon`` — must hold ``>>>`` examples, none of them ``+SKIP``; pytest runs the page as a doctest
  (``--doctest-glob=*.md`` over the ``testpaths``), and this module checks the page is
  collected.
* ``python`` — compiled, and executed here in a fresh namespace in a temporary working
  directory (unless marked no-run, see below).
* ``bash`` / ``console`` — every command must start with an allowed program; a block whose
  commands are all the CLI (``python -m khachhang`` / ``khachhang``) or harmless shell
  utilities runs as one script in a temporary directory; in a mixed block (installs, test
  runs) the CLI commands run one by one. ``<!-- docs: no-run -->`` on the line above a
  ``bash``/``console``/``python`` fence skips running it (it is still checked).
* ``mermaid`` — non-empty, its first line names a known diagram type.
* ``json`` — must parse. ``text`` — output, not run; a line that reads like a command
  (``$ ...``, ``python ...``, ``khachhang ...``) fails: commands go in ``bash`` blocks.

Any other or missing language fails with the page and line. Relative links (and their
anchors) must point to existing files; links in docs/ must stay inside docs/ (mkdocs
cannot follow them out). ``mkdocs build --strict`` itself runs in a slow test.
"""

from __future__ import annotations

import doctest
import html
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NO_RUN = "<!-- docs: no-run -->"
LANGUAGES = frozenset({"pycon", "python", "bash", "console", "mermaid", "json", "text"})
MERMAID_TYPES = frozenset(
    {
        "graph",
        "flowchart",
        "sequenceDiagram",
        "classDiagram",
        "stateDiagram",
        "stateDiagram-v2",
        "erDiagram",
        "gantt",
        "pie",
        "journey",
        "gitGraph",
        "mindmap",
        "timeline",
        "quadrantChart",
        "requirementDiagram",
        "sankey-beta",
        "xychart-beta",
        "block-beta",
        "C4Context",
    }
)
# A command is allowed when its words start with one of these.
ALLOWED_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("python", "-m", "khachhang"),
    ("khachhang",),
    ("python", "-m", "pip"),
    ("pip",),
    ("python", "-m", "pytest"),
    ("pytest",),
    ("python", "-m", "build"),
    ("python", "-m", "twine"),
    ("twine",),
    ("mkdocs",),
    ("bash", ".ci/run"),
    ("ruff",),
    ("mypy",),
    ("lint-imports",),
    ("cd",),
    ("echo",),
    ("printf",),
    ("cat",),
    ("head",),
    ("tail",),
    ("wc",),
    ("grep",),
    ("sort",),
    ("ls",),
)
# Harmless utilities: a block made only of these and the CLI runs as one script.
UTILITIES = frozenset({"cd", "echo", "printf", "cat", "head", "tail", "wc", "grep", "sort", "ls"})
CONTROL = frozenset({"&&", "||", ";", "|", "&", ";;", "|&"})
REDIRECT = re.compile(r"^\d*(>|>>|<|<<|<<<|>&|<&|&>)$")
RUN_TIMEOUT = 180


# --- parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts (1-based line of the fence), its language, body."""

    page: str
    line: int
    lang: str
    body: str
    no_run: bool

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


_OPEN = re.compile(r"^(?P<indent> {0,12})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")


def fenced_blocks(text: str, page: str = "<page>") -> list[Block]:
    """Every fenced code block of a Markdown text, in order (unclosed ones included)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        lang = info.split()[0].strip("{}.") if info else ""
        previous = next((s.strip() for s in reversed(lines[:i]) if s.strip()), "")
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(lines[i])
            i += 1
        indent = len(match["indent"])
        body = [b[indent:] if b[:indent].isspace() else b for b in body]
        blocks.append(Block(page, start + 1, lang, "\n".join(body), previous == NO_RUN))
        i += 1
    return blocks


def shell_commands(block: Block) -> list[list[str]]:
    """The simple commands of a bash/console block, as word lists (comments dropped).

    ``console`` blocks hold commands after a ``$`` prompt, the rest is output; heredoc
    bodies are skipped. A line that does not tokenize is returned as ``["<unparsable>"]``.
    """
    lines = block.body.splitlines()
    if block.lang == "console":
        lines = [line.strip()[2:] for line in lines if line.strip().startswith("$ ")]
    logical: list[str] = []
    pending = ""
    heredoc: str | None = None
    for line in lines:
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
        if "<<" in line:
            marker = line.split("<<", 1)[1].strip().lstrip("-").split()
            if marker:
                heredoc = marker[0].strip("'\"")
    if pending:
        logical.append(pending)
    commands: list[list[str]] = []
    for line in logical:
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = "#"
            tokens = list(lexer)
        except ValueError:
            commands.append(["<unparsable>", line])
            continue
        current: list[str] = []
        for token in tokens:
            if token in CONTROL:
                if current:
                    commands.append(current)
                current = []
            else:
                current.append(token)
        if current:
            commands.append(current)
    return commands


def program_words(command: list[str]) -> list[str]:
    """The words of a command without leading ``VAR=value`` assignments and redirections."""
    words = list(command)
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words.pop(0)
    cleaned: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if REDIRECT.match(word):
            skip = True
            continue
        cleaned.append(word)
    return cleaned


def is_cli(words: list[str]) -> bool:
    return words[:1] == ["khachhang"] or (
        words[:3] in (["python", "-m", "khachhang"], ["python3", "-m", "khachhang"])
    )


def command_problem(command: list[str]) -> str | None:
    """Why a command is not allowed, or None."""
    if command[:1] == ["<unparsable>"]:
        return f"cannot parse shell line {command[1]!r}"
    words = program_words(command)
    if not words:
        return None
    if words[0] in ("python", "python3") and len(words) > 1 and words[1].endswith(".py"):
        if not (ROOT / words[1]).is_file():
            return f"script {words[1]!r} does not exist"
        return None
    shown = [("python" if w == "python3" else w) for w in words]
    if any(tuple(shown[: len(allowed)]) == allowed for allowed in ALLOWED_COMMANDS):
        return None
    return f"command {' '.join(words)!r} does not start with an allowed program"


def runnable_as_script(block: Block) -> bool:
    """Only the CLI and harmless utilities, with at least one CLI command."""
    words = [program_words(c) for c in shell_commands(block)]
    words = [w for w in words if w]
    return (
        any(is_cli(w) for w in words)
        and all(is_cli(w) or w[0] in UTILITIES for w in words)
        and not any(c[:1] == ["<unparsable>"] for c in shell_commands(block))
    )


# --- checking ------------------------------------------------------------------------


def block_problems(block: Block) -> list[str]:
    """Everything wrong with one block under the policy (without running it)."""
    where = block.where
    if not block.lang:
        return [f"{where}: fenced block without a language (use one of {sorted(LANGUAGES)})"]
    if block.lang not in LANGUAGES:
        return [f"{where}: language {block.lang!r} is not allowed (use one of {sorted(LANGUAGES)})"]
    problems: list[str] = []
    if block.lang == "pycon":
        examples = doctest.DocTestParser().get_examples(block.body)
        if not examples:
            problems.append(f"{where}: a pycon block holds no '>>>' example")
        if any(example.options.get(doctest.SKIP) for example in examples):
            problems.append(f"{where}: a pycon example is skipped (+SKIP): it would never run")
    elif block.lang == "python":
        try:
            compile(block.body, where, "exec")
        except SyntaxError as error:
            problems.append(f"{where}: python block does not compile: {error.msg}")
    elif block.lang == "mermaid":
        first = next((s.split()[0] for s in block.body.splitlines() if s.strip()), "")
        if first not in MERMAID_TYPES:
            problems.append(f"{where}: mermaid block does not start with a diagram type: {first!r}")
    elif block.lang == "text":
        for offset, line in enumerate(block.body.splitlines(), start=1):
            if _COMMAND_LIKE.match(line):
                problems.append(
                    f"{where}: text line {offset} looks like a command ({line.strip()[:40]!r}); "
                    "put commands in a bash block, where they are checked"
                )
                break
    elif block.lang == "json":
        try:
            json.loads(block.body)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: json block does not parse: {error}")
    elif block.lang in ("bash", "console"):
        commands = shell_commands(block)
        if not commands:
            problems.append(f"{where}: {block.lang} block holds no command")
        for command in commands:
            problem = command_problem(command)
            if problem:
                problems.append(f"{where}: {problem}")
        if not block.no_run and not runnable_as_script(block):
            for command in commands:
                words = program_words(command)
                if is_cli(words) and len(words) != len(command):
                    problems.append(
                        f"{where}: a CLI command with redirections in a block that cannot run "
                        f"as a whole; make the block self-contained or mark it {NO_RUN}"
                    )
    return problems


# A text block shows output; a line that reads like a command belongs in a bash block.
_COMMAND_LIKE = re.compile(r"^\s*(?:\$ |(?:python3?|pip|pytest|khachhang|mkdocs) )")
_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")


def _prose(text: str) -> str:
    """The text with fenced blocks and inline code blanked out (line numbers kept)."""
    lines = text.splitlines()
    for block in fenced_blocks(text):
        end = block.line + len(block.body.splitlines()) + 1
        for k in range(block.line - 1, min(end, len(lines))):
            lines[k] = ""
    return re.sub(r"`[^`\n]*`", "``", "\n".join(lines))


def anchors(text: str) -> set[str]:
    """Heading anchors as Python-Markdown's toc and GitHub make them, and explicit ids."""
    found: set[str] = set()
    for line in _prose(text).splitlines():
        match = _HEADING.match(line)
        if match is None:
            continue
        title = match[1]
        explicit = _EXPLICIT_ID.search(title)
        if explicit:
            found.add(explicit[1])
            title = title[: explicit.start()]
        plain = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", title).strip()
        ascii_title = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
        found.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_title).strip().lower()))
        github = re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")
        found.add(github)
    return found


def link_problems(page: Path, text: str, *, root: Path = ROOT, docs: Path = DOCS) -> list[str]:
    """Broken relative links (and anchors) of one page."""
    problems: list[str] = []
    shown = page.relative_to(root) if page.is_relative_to(root) else page
    for number, line in enumerate(_prose(text).splitlines(), start=1):
        targets = [m[1] for m in _LINK.finditer(line)]
        ref = _REF_DEF.match(line)
        if ref:
            targets.append(ref[1])
        for target in targets:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
                continue
            path_part, _, anchor = target.partition("#")
            where = f"{shown}:{number}: link {target!r}"
            resolved = (page.parent / path_part).resolve() if path_part else page
            if not resolved.exists():
                problems.append(f"{where} points to a missing file")
                continue
            if page.is_relative_to(docs) and not resolved.is_relative_to(docs):
                problems.append(f"{where} leaves docs/ (mkdocs cannot follow it)")
                continue
            if (
                anchor
                and resolved.suffix == ".md"
                and resolved.is_file()
                and anchor not in anchors(resolved.read_text(encoding="utf-8"))
            ):
                problems.append(f"{where} names a missing anchor")
    return problems


def pages() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "examples" / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [p for p in found if "_ext" not in p.parts]


def page_name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def all_blocks() -> Iterator[Block]:
    for page in pages():
        yield from fenced_blocks(page.read_text(encoding="utf-8"), page_name(page))


# --- the policy on the real pages ----------------------------------------------------


@pytest.mark.parametrize("page", pages(), ids=page_name)
def test_every_block_follows_the_policy(page: Path) -> None:
    blocks = fenced_blocks(page.read_text(encoding="utf-8"), page_name(page))
    problems = [p for block in blocks for p in block_problems(block)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", pages(), ids=page_name)
def test_relative_links_resolve(page: Path) -> None:
    problems = link_problems(page, page.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_pages_with_pycon_are_collected_as_doctests(pytestconfig: pytest.Config) -> None:
    globs = pytestconfig.getoption("doctestglob") or []
    assert "*.md" in globs, "pytest must run Markdown pages as doctests (--doctest-glob=*.md)"
    testpaths = [(ROOT / p).resolve() for p in pytestconfig.getini("testpaths")]
    with_pycon = {b.page for b in all_blocks() if b.lang == "pycon"}
    assert with_pycon, "no pycon block found: the parser is broken"
    for name in sorted(with_pycon):
        page = ROOT / name
        assert any(page == p or page.is_relative_to(p) for p in testpaths), (
            f"{name} has pycon examples but is not under pytest's testpaths"
        )


PYTHON_BLOCKS = [b for b in all_blocks() if b.lang == "python" and not b.no_run]


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.where)
def test_python_blocks_run(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    exec(compile(block.body, block.where, "exec"), namespace)


def _shell_env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed to run the docs' shell blocks"
    # `python` in a block is the interpreter running these tests. Any failing command or
    # pipeline stops the script, except a reader cutting output short (`... | head -1`):
    # the writer then dies of SIGPIPE (status 141), which an interactive shell never shows.
    prelude = (
        "set -Euo pipefail\n"
        'trap \'status=$?; if [ "$status" -ne 141 ]; then exit "$status"; fi\' ERR\n'
        f'python() {{ {shlex.quote(sys.executable)} "$@"; }}\n'
    )
    return subprocess.run(
        [bash, "-c", prelude + script],
        cwd=cwd,
        env=_shell_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def _shell_runs(block: Block) -> list[str]:
    """The scripts a shell block runs: the whole block, its CLI commands, or none."""
    if block.no_run or block.lang not in ("bash", "console"):
        return []
    if runnable_as_script(block):
        if block.lang == "console":
            lines = block.body.splitlines()
            return ["\n".join(s.strip()[2:] for s in lines if s.strip().startswith("$ "))]
        return [block.body]
    return [shlex.join(c) for c in shell_commands(block) if is_cli(program_words(c))]


SHELL_RUNS = [(b, s) for b in all_blocks() for s in _shell_runs(b)]


@pytest.mark.parametrize(
    ("block", "script"), SHELL_RUNS, ids=[f"{b.where}:{s[:40]}" for b, s in SHELL_RUNS]
)
def test_shell_blocks_run(block: Block, script: str, tmp_path: Path) -> None:
    done = _run(script, tmp_path)
    assert done.returncode == 0, (
        f"{block.where}: exit {done.returncode}\n{script}\n--- stderr ---\n{done.stderr[-2000:]}"
    )


# --- the checker can fail --------------------------------------------------------------

BAD_PAGE = """\
# Bad page

```
untagged
```

```ruby
puts 1
```

```pycon
print("no prompt")
```

```json
{"a": 1,}
```

```mermaid
not a diagram
```

```bash
rm -rf build
python -m khachhang demo > out.txt && python -m pip install .
```

```python
def broken(:
```

```text
python -m khachhang demo
```

```pycon
>>> 1 / 0  # doctest: +SKIP
```

[gone](missing.md) and [anchor](#nowhere) and [ok](#bad-page) and [web](https://example.com)
"""

GOOD_PAGE = """\
# Good page {#good}

<!-- docs: no-run -->
```bash
python -m pip install -e ".[test]"  # a comment
CI=1 python -m pytest -q \\
    tests/test_docs.py
```

```console
$ python -m khachhang --version
khachhang 0.0.0
```

```bash
cat > rules.json <<'EOF'
{"anything": [1, 2]}
EOF
python -m khachhang --version | head -1
```

```mermaid
flowchart TD
    a --> b
```

```json
{"a": [1, 2]}
```

````text
```nested fences are text```
khachhang: line 3: output, not a command
````

```pycon
>>> 1 + 1
2

```

[self](#good) [heading](#good-page) [web](https://example.com) `[code](nowhere.md)`
"""


def test_the_checker_rejects_a_bad_page(tmp_path: Path) -> None:
    blocks = fenced_blocks(BAD_PAGE, "bad.md")
    problems = [p for block in blocks for p in block_problems(block)]
    expected = [
        "bad.md:3: fenced block without a language",
        "bad.md:7: language 'ruby' is not allowed",
        "bad.md:11: a pycon block holds no '>>>' example",
        "bad.md:15: json block does not parse",
        "bad.md:19: mermaid block does not start with a diagram type",
        "bad.md:23: command 'rm -rf build' does not start with an allowed program",
        "bad.md:23: a CLI command with redirections",
        "bad.md:28: python block does not compile",
        "bad.md:32: text line 1 looks like a command",
        "bad.md:36: a pycon example is skipped",
    ]
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    assert len(problems) == len(expected), problems
    page = tmp_path / "bad.md"
    page.write_text(BAD_PAGE, encoding="utf-8")
    links = link_problems(page, BAD_PAGE, root=tmp_path, docs=tmp_path)
    assert [p.split(": ", 1)[1] for p in links] == [
        "link 'missing.md' points to a missing file",
        "link '#nowhere' names a missing anchor",
    ]


def test_the_checker_accepts_a_good_page(tmp_path: Path) -> None:
    blocks = fenced_blocks(GOOD_PAGE, "good.md")
    assert [b.lang for b in blocks] == [
        "bash",
        "console",
        "bash",
        "mermaid",
        "json",
        "text",
        "pycon",
    ]
    assert [b.no_run for b in blocks] == [True, False, False, False, False, False, False]
    problems = [p for block in blocks for p in block_problems(block)]
    assert problems == []
    assert shell_commands(blocks[0]) == [
        ["python", "-m", "pip", "install", "-e", ".[test]"],
        ["CI=1", "python", "-m", "pytest", "-q", "tests/test_docs.py"],
    ]
    assert _shell_runs(blocks[0]) == []
    assert _shell_runs(blocks[1]) == ["python -m khachhang --version"]
    assert _shell_runs(blocks[2]) == [blocks[2].body]
    (console,) = fenced_blocks("```console\n$ khachhang demo > out.txt\nok\n```\n")
    assert _shell_runs(console) == ["khachhang demo > out.txt"]
    page = tmp_path / "good.md"
    page.write_text(GOOD_PAGE, encoding="utf-8")
    assert link_problems(page, GOOD_PAGE, root=tmp_path, docs=tmp_path) == []


@pytest.mark.parametrize(
    "commands",
    [
        "python -m khachhang no-such-command",
        "python -m khachhang no-such-command | head -1",
        "python -m khachhang no-such-command\npython -m khachhang --version",
        "python -m khachhang --version\ncat missing.txt",
    ],
)
def test_a_failing_shell_block_fails(commands: str, tmp_path: Path) -> None:
    (block,) = fenced_blocks(f"```bash\n{commands}\n```\n", "x.md")
    assert block_problems(block) == []
    (script,) = _shell_runs(block)
    assert _run(script, tmp_path).returncode != 0


def test_cutting_output_short_is_not_a_failure(tmp_path: Path) -> None:
    script = "yes | head -1\npython -m khachhang --version"  # `yes` dies of SIGPIPE
    done = _run(script, tmp_path)
    assert (done.returncode, done.stdout) == (0, "y\nkhachhang " + _version() + "\n")


def _version() -> str:
    import khachhang

    return khachhang.__version__


def test_the_link_checker_keeps_docs_inside_docs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "CHANGELOG.md").write_text("# Changes\n", encoding="utf-8")
    page = docs / "page.md"
    text = "[changes](../CHANGELOG.md)\n"
    page.write_text(text, encoding="utf-8")
    (problem,) = link_problems(page, text, root=tmp_path, docs=docs)
    assert problem.endswith("leaves docs/ (mkdocs cannot follow it)")


# --- the build helpers (docs/_ext) ------------------------------------------------------


def _render_helpers() -> object:
    spec = importlib.util.spec_from_file_location(
        "_docs_render_under_test", DOCS / "_ext" / "doctest_render.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstring_examples_become_pycon_fences() -> None:
    helpers = _render_helpers()
    text = "Intro :class:`Money`.\n\n>>> 1 + 1  # doctest: +ELLIPSIS\n2\n\nAfter.\n"
    rendered = helpers.strip_directives(  # type: ignore[attr-defined]
        helpers.fence_examples(helpers.rst_to_markdown(text))  # type: ignore[attr-defined]
    )
    assert rendered == "Intro `Money`.\n\n```pycon\n>>> 1 + 1\n2\n```\n\nAfter.\n"


def test_a_table_under_a_paragraph_line_is_separated() -> None:
    helpers = _render_helpers()
    text = "The stages:\n| # | stage |\n|---|---|\n| 1 | need |\n\n```text\nx:\n| a |\n|---|\n```"
    assert helpers.separate_tables(text) == (  # type: ignore[attr-defined]
        "The stages:\n\n| # | stage |\n|---|---|\n| 1 | need |\n\n```text\nx:\n| a |\n|---|\n```"
    )
    under_heading = "## Care\n| a | b |\n|:--|--:|\n"
    assert helpers.separate_tables(under_heading) == under_heading  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Collect ``X.TestCase``::\n\n    class T(X):\n        pass\n\nAfter.",
            "Collect ``X.TestCase``:\n\n```python\nclass T(X):\n    pass\n```\n\nAfter.",
        ),
        ("Run it ::\n\n    go()\n", "Run it\n\n```python\ngo()\n```\n"),
        ("::\n\n    go()", "```python\ngo()\n```\n"),
        # Not a literal block: no indented block after it, or a directive.
        ("Ratio 2::1\nnext line", "Ratio 2::1\nnext line"),
        ("Key::\n\nNot indented.", "Key::\n\nNot indented."),
        (
            ".. code-block:: text\n\n    a -> b\n",
            "```text\na -> b\n```\n",
        ),
    ],
)
def test_rest_literal_blocks_become_fences(text: str, expected: str) -> None:
    helpers = _render_helpers()
    assert helpers.rst_to_markdown(text) == expected  # type: ignore[attr-defined]


def test_a_bilingual_enum_member_is_shown_as_its_value_and_labels() -> None:
    """The API reference shows ``'ads'`` and the labels, not the ``(value, vi, en)`` tuple."""
    helpers = _render_helpers()
    member = helpers.bilingual_member  # type: ignore[attr-defined]
    source = "('ads', 'Quảng cáo', 'Advertising')"
    assert member(source, ["BilingualEnum"]) == ("ads", "Quảng cáo", "Advertising")
    assert member(source, ["khachhang.labels.BilingualEnum"]) == ("ads", "Quảng cáo", "Advertising")
    assert member(source, ["enum.Enum"]) is None
    assert member("('a', 'b')", ["BilingualEnum"]) is None
    assert member("make_value()", ["BilingualEnum"]) is None


# --- the site builds strictly -----------------------------------------------------------


@pytest.mark.slow
def test_mkdocs_builds_strictly(tmp_path: Path) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("mkdocs", reason="install the docs extra")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**_shell_env(), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert done.returncode == 0, done.stderr[-4000:]
    assert warnings == []
    page = tmp_path / "site" / "reference" / "customers" / "index.html"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    assert "ADVERTISING = 'advertising'" in text
    assert "Vietnamese: Quảng cáo · English: Advertising" in text
    assert "('advertising'," not in text


# --- the architecture page draws the import contract ------------------------------------


def test_architecture_diagram_matches_the_layers_contract() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers" and "containers" not in c]
    expected = [
        " | ".join(name.strip().removeprefix("khachhang.") for name in layer.split("|"))
        for layer in layers
    ]
    page = DOCS / "architecture.md"
    (diagram,) = [b for b in fenced_blocks(page.read_text(encoding="utf-8")) if b.lang == "mermaid"]
    drawn = dict(re.findall(r'^\s*L(\d+)\["([^"]+)"\]', diagram.body, re.MULTILINE))
    assert [drawn[str(i)] for i in range(len(drawn))] == expected
    chain = " --> ".join(f"L{i}" for i in range(len(expected)))
    assert chain in diagram.body
    (forbidden,) = [c for c in contracts if c["type"] == "forbidden"]
    core = {m.removeprefix("khachhang.") for m in forbidden["source_modules"]}
    core_layers = re.search(r"^\s*class (\S+) core$", diagram.body, re.MULTILINE)
    assert core_layers is not None
    green = {n for i in core_layers[1].split(",") for n in drawn[i.removeprefix("L")].split(" | ")}
    assert green == {n for n in core if not n.startswith("_")} & {
        n for layer in expected for n in layer.split(" | ")
    }
