import pytest

from flows.cli import expand_targets
from tasks.errors import InputError


def test_a_folder_stands_for_its_article_files(tmp_path):
    for name in ("b.html", "a.txt", "c.htm", "notes.md", "image.png"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert expand_targets([str(tmp_path), "https://example.org/x"]) == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.html"),
        str(tmp_path / "c.htm"),
        "https://example.org/x",
    ]


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"no \.html"):
        expand_targets([str(tmp_path)])
