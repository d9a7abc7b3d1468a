import pytest

from cli.main import build_parser, expand_targets
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


@pytest.mark.parametrize(
    "argv",
    [
        ["claims", "--limit", "-3"],
        ["flags", "--limit", "0"],
        ["families", "--min-count", "two"],
        ["sources", "add", "x", "https://example.org/feed", "--every", "1.5"],
        ["eval", "claims", "data", "--threshold", "2"],
    ],
)
def test_bad_option_values_are_refused_by_the_command_line(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_good_option_values_pass():
    args = build_parser().parse_args(["claims", "--limit", "3"])
    assert args.limit == 3
