"""Every example in README.md and docs/ runs as a doctest."""

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *ROOT.glob("docs/**/*.md")])


def _examples(text: str) -> str:
    """Blank out Markdown fence lines so they never count as expected output."""
    return "\n".join(
        "" if line.lstrip().startswith("```") else line for line in text.splitlines()
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_in_page_run(page):
    """The page's examples produce exactly the output the page shows."""
    text = _examples(page.read_text(encoding="utf-8"))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    output: list[str] = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)


def test_docs_exist():
    """The docs folder has at least an index."""
    assert (ROOT / "docs" / "index.md").exists()
