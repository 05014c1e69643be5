"""The reader's-notebook converter (tools/reader_notebooks.py) on a tiny synthetic book.

The built book's downloads are tested in tests/book/test_reader_notebooks.py; here
every role and directive the converter knows is checked on a book made up for the
test, so a failure names the construct.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import reader_notebooks as rn  # noqa: E402

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really a picture").decode()
BIB = """
@misc{mazur2015, author = {Matt Mazur}, title = {A Step by Step Backpropagation Example},
  year = {2015}, howpublished = {Blog post}}
@book{griewank2008, author = {Andreas Griewank and Andrea Walther},
  title = {Evaluating Derivatives}, publisher = {SIAM}, year = {2008}}
"""


def _glue(name: str, data: dict) -> dict:
    return new_output(
        "display_data",
        data={rn.GLUE_PREFIX + k: v for k, v in data.items()},
        metadata={"scrapbook": {"name": name, "mime_prefix": rn.GLUE_PREFIX}},
    )


FIRST = [
    new_markdown_cell(
        "(ch-first)=\n# The first chapter\n\n"
        "A {term}`forward pass` and a {term}`step <gradient descent>`; "
        "$x = 1$ and `code {term}` stay as they are."
    ),
    new_code_cell(
        'glue("rate", 0.5)\nglue("big", 292750)',
        outputs=[
            _glue("rate", {"text/plain": "0.5"}),
            _glue("big", {"text/plain": "292750"}),
            _glue("tol", {"text/plain": "1e-12"}),
            _glue("name", {"text/plain": "'w_1 * 2'"}),
            _glue("widest", {"text/markdown": "$w_{4}$", "text/plain": "<Markdown>"}),
        ],
        execution_count=1,
    ),
    new_markdown_cell(
        "Rate {glue:text}`rate:.2f`, count {glue:text}`big:,d`, tolerance "
        "{glue:text}`tol:.0e`, share {glue:text}`rate:.0%`, raw {glue:text}`rate`, "
        "name {glue:text}`name`, widest {glue:md}`widest:myst`, any {glue}`big`.\n\n"
        "(sec-detail)=\n## A detail\n\n"
        "See {ref}`ch-second`, {ref}`the detail <sec-detail>`, {ref}`sec-detail`, "
        "{numref}`fig-curve`, {numref}`Figure {number} <fig-curve>`, {eq}`eq-sum` "
        "and {doc}`second`; after {cite:p}`mazur2015,griewank2008` and {cite:t}`mazur2015`."
    ),
    new_code_cell(
        "plt.plot(x)",
        outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
        metadata={
            "tags": ["hide-input"],
            "mystnb": {"figure": {"name": "fig-curve", "caption": "A curve at {glue:text}`rate`."}},
        },
        execution_count=2,
    ),
    new_markdown_cell(
        "$$\na + b = c\n$$ (eq-sum)\n\n$$ d = e $$\n\n"
        "```{note}\nA note with {term}`delta`.\n```\n\n"
        "```{literalinclude} ../lib.py\n:pyobject: twice\n```\n\n"
        "## Exercises\n\n"
        "```{exercise}\n:label: ex-one\nDo {glue:text}`rate:.1f` things.\n```\n\n"
        "```{solution-start} ex-one\n:class: dropdown\n```\n\nThe answer:"
    ),
    new_code_cell("print(1)", outputs=[], execution_count=3),
    new_markdown_cell(
        "```{solution-end}\n```\n\n"
        "```{exercise} A title\n:label: ex-two\nAnd {ref}`ex-one` again.\n```\n\n"
        "```{solution} ex-two\nSolved.\n```"
    ),
]


def _book(tmp_path: Path, numbered: bool) -> Path:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_config.yml").write_text(
        "title: A Tiny Book\nbibtex_bibfiles: [refs.bib]\n"
        "sphinx:\n  config:\n    bibtex_reference_style: author_year\n",
        encoding="utf-8",
    )
    numbering = "    numbered: true\n" if numbered else ""
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Chapters\n"
        f"{numbering}    chapters:\n      - file: chapters/first\n      - file: chapters/second\n",
        encoding="utf-8",
    )
    (tmp_path / "intro.md").write_text("# Intro\n\nHello.\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "lib.py").write_text(
        'def once(x):\n    return x\n\n\ndef twice(x):\n    """Twice x."""\n    return 2 * x\n',
        encoding="utf-8",
    )
    nbformat.write(new_notebook(cells=FIRST), tmp_path / "chapters" / "first.ipynb")
    second = [
        new_markdown_cell("(ch-second)=\n# The second chapter\n\nBack to {numref}`fig-curve`."),
        new_markdown_cell("```{exercise}\n:label: ex-three\nOne more.\n```"),
    ]
    nbformat.write(new_notebook(cells=second), tmp_path / "chapters" / "second.ipynb")
    return tmp_path


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture
def book(tmp_path: Path) -> rn.Book:
    return rn.Book.load(_book(tmp_path, numbered=False))


def test_glued_values_are_formatted_as_myst_nb_formats_them(book: rn.Book) -> None:
    text = _markdown(rn.reader_notebook("chapters/first", book))
    assert "Rate 0.50, count 292,750, tolerance 1e-12, share 50%, raw 0.5," in text
    assert r"name w\_1 \* 2," in text  # a glued string shows literally in Markdown
    assert "widest $w_{4}$, any 292750." in text


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("0.5932699921071872", ".9f"),
        ("0.5932699921071872", ".2e"),
        ("0.1", ".0%"),
        ("1e-12", ".0e"),
        ("292750", ",d"),
        ("10000", ",.0f"),
        ("-0.0001", "+.6f"),
        ("'w1'", "s"),
        ("'w1'", ""),
        ("3", "d"),
        ("<IPython.core.display.Markdown object>", "s"),
    ],
)
def test_format_plain_text_is_myst_nbs(text: str, fmt: str) -> None:
    from myst_nb.core.variables import format_plain_text

    assert rn.format_plain_text(text, fmt) == format_plain_text(text, fmt)


def test_references_terms_and_citations_become_text(book: rn.Book) -> None:
    text = _markdown(rn.reader_notebook("chapters/first", book))
    assert "A forward pass and a step; $x = 1$ and `code {term}` stay as they are." in text
    assert (
        "See *The second chapter*, the detail, *A detail*, Fig. 1, Figure 1, (1) and "
        "*The second chapter*; after [Griewank and Walther, 2008, Mazur, 2015] "
        "and Mazur [2015]." in text  # in the bibliography's order, as on the page
    )
    second = _markdown(rn.reader_notebook("chapters/second", book))
    assert "Back to Fig. 1." in second


def test_numbers_follow_the_chapter_when_the_toc_is_numbered(tmp_path: Path) -> None:
    book = rn.Book.load(_book(tmp_path, numbered=True))
    text = _markdown(rn.reader_notebook("chapters/first", book))
    assert "Fig. 1.1, Figure 1.1, (1.1)" in text
    assert "**Fig. 1.1** A curve at 0.5." in text
    assert "$$a + b = c \\tag{1.1}$$" in text
    assert "### Exercise 1.2 (A title)" in text
    second = _markdown(rn.reader_notebook("chapters/second", book))
    assert "## Exercise 2.1" in second


def test_figures_equations_and_blocks(book: rn.Book) -> None:
    nb = rn.reader_notebook("chapters/first", book)
    text = _markdown(nb)
    assert "**Fig. 1** A curve at 0.5." in text
    assert "$$a + b = c \\tag{1}$$" in text and "$$ d = e $$" in text
    assert "> **Note**\n>\n> A note with delta." in text
    assert '```python\ndef twice(x):\n    """Twice x."""\n    return 2 * x\n```' in text
    assert "(ch-first)=" not in text and "# The first chapter" in text
    figure = next(i for i, c in enumerate(nb.cells) if "mystnb" in c.metadata)
    assert nb.cells[figure + 1].source.startswith("**Fig. 1**")


def test_exercises_and_solutions_become_headings_in_cells(book: rn.Book) -> None:
    nb = rn.reader_notebook("chapters/first", book)
    sources = [c.source for c in nb.cells]
    cells = {c.source.split("\n")[0]: c for c in nb.cells if c.cell_type == "markdown"}
    assert cells["### Exercise 1"].source == "### Exercise 1\n\nDo 0.5 things."
    # A solution's heading stands alone, so that folding it folds the whole solution,
    # and it is folded when the page folds it (a dropdown).
    solution = sources.index("#### Solution to Exercise 1")
    assert nb.cells[solution].metadata == {"jp-MarkdownHeadingCollapsed": True}
    assert sources[solution + 1 : solution + 3] == ["The answer:", "print(1)"]
    assert cells["### Exercise 2 (A title)"].source.endswith("And Exercise 1 again.")
    solution = sources.index("#### Solution to Exercise 2 (A title)")
    assert nb.cells[solution].metadata == {}  # not a dropdown on the page
    assert sources[solution + 1] == "Solved."


def test_code_cells_are_kept_byte_for_byte(book: rn.Book) -> None:
    nb = rn.reader_notebook("chapters/first", book)
    source = nbformat.read(book.docs["chapters/first"].path, as_version=4)
    assert [c for c in nb.cells if c.cell_type == "code"] == [
        c for c in source.cells if c.cell_type == "code"
    ]
    nbformat.validate(nb)
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_first_cell_says_where_the_notebook_comes_from(book: rn.Book) -> None:
    first = rn.reader_notebook("chapters/first", book).cells[0]
    assert first.cell_type == "markdown"
    for words in (
        "A Tiny Book",
        "The first chapter",
        "chapters/first.html",
        "backprop",
        "make lab",
    ):
        assert words in first.source


def test_no_role_or_directive_syntax_is_left(book: rn.Book) -> None:
    for docname in rn.chapters(book):
        text = _markdown(rn.reader_notebook(docname, book)).replace("`code {term}`", "")
        assert "}`" not in text and "```{" not in text and ":label:" not in text
        assert ")=\n" not in text


def test_unknown_labels_and_glue_keys_are_errors(book: rn.Book, tmp_path: Path) -> None:
    path = tmp_path / "chapters" / "second.ipynb"
    for bad, message in [("{ref}`no-such-label`", "no-such-label"), ("{glue:text}`nope`", "nope")]:
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# T\n\n{bad}")]), path)
        with pytest.raises(rn.ConversionError, match=message):
            rn.reader_notebook("chapters/second", rn.Book.load(tmp_path))


def test_command_line_and_downloads_write_the_same_notebooks(book: rn.Book, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert rn.main(["--root", str(book.root), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["first.ipynb", "second.ipynb"]
    html = tmp_path / "html"
    [download, _] = rn.write_downloads(html, book.root)
    assert download == html / "_sources" / "chapters" / "first.ipynb"
    assert download.read_text(encoding="utf-8") == (out / "first.ipynb").read_text(encoding="utf-8")
    assert json.loads(download.read_text(encoding="utf-8"))["cells"][0]["id"] == "reader-notebook"


def test_downloads_are_kept_under_the_fingerprint_of_their_sources(
    book: rn.Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = book.root / "_build"
    cache = build / ".reader-notebooks"
    first = rn.write_downloads(build / "html", book.root, cache=cache)
    [kept] = cache.iterdir()
    assert kept.name == rn.sources_fingerprint(book.root)

    def converted_again(*args, **kwargs):
        raise AssertionError("converted again")

    # Sources unchanged: the second edition copies what the first one converted.
    monkeypatch.setattr(rn, "reader_notebook_text", converted_again)
    second = rn.write_downloads(build / "html" / "zh_CN", book.root, cache=cache)
    assert [p.read_bytes() for p in second] == [p.read_bytes() for p in first]

    # Builds and hidden folders are not sources; any other file is.
    (build / "more.txt").write_text("output", encoding="utf-8")
    (book.root / ".cache").mkdir()
    (book.root / ".cache" / "db").write_text("noise", encoding="utf-8")
    assert rn.sources_fingerprint(book.root) == kept.name
    with (book.root / "lib.py").open("a", encoding="utf-8") as lib:
        lib.write("\n# changed\n")
    assert rn.sources_fingerprint(book.root) != kept.name
    with pytest.raises(AssertionError, match="converted again"):
        rn.write_downloads(build / "html", book.root, cache=cache)
