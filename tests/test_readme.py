"""The README's example query gives the output the README shows."""

import re

from click.testing import CliRunner

from policykg import config
from policykg.cli import main

README = config.CORPUS_DIR.parent / "README.md"
EXAMPLE = re.compile(r"```sh\n\.venv/bin/policykg query '\n(?P<query>.*?)'\n```\n\n```text\n(?P<output>.*?)\n```",
                     re.DOTALL)


def test_readme_example_output_is_what_the_build_gives(built, monkeypatch):
    match = EXAMPLE.search(README.read_text(encoding="utf-8"))
    assert match, "README.md has no example query followed by its output"
    monkeypatch.setenv("POLICYKG_DATA", str(built.path.parent.parent))
    result = CliRunner().invoke(main, ["query", match["query"]])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n") == match["output"]
