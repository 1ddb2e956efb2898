"""Docstring examples and README examples run."""

import doctest
import importlib
import pathlib
import re

import pytest

import logcodes

MODULES = ["logcodes", "logcodes.codes", "logcodes.api", "logcodes.summary", "logcodes.stream", "logcodes.samples",
           "logcodes._dims", "logcodes.causes", "logcodes.formats", "logcodes.dask", "logcodes.paths",
           "logcodes.report", "logcodes.filters", "logcodes._records", "logcodes.follow", "logcodes.prometheus",
           "logcodes.remote"]


@pytest.mark.parametrize("name", MODULES)
def test_docstrings(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_readme_python_examples():
    readme = pathlib.Path(__file__).resolve().parents[2] / "README.md"
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)
    assert blocks, "README has python examples"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


@pytest.mark.parametrize("page", sorted((pathlib.Path(__file__).resolve().parents[2] / "docs").glob("*.md")),
                         ids=lambda p: p.name)
def test_docs_pages_python_examples(page):
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)
    for block in blocks:
        exec(compile(block, str(page), "exec"), {})
