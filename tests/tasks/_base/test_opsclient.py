"""Positional CLI parsing of the tool runtime (scaffold.md section 7)."""

import pytest

from inspect_ic.tasks._base.runtime.opsclient import ArgError, Param, ToolDef, parse_args

TOOL = ToolDef(
    tool="scale_service",
    service="svc",
    socket_path="/run/svc/svc.sock",
    op="scale_service",
    summary="s",
    usage="scale_service.py <service> <replicas>",
    example="e",
    params=(
        Param("service"),
        Param("replicas", "int", low=0),
        Param("note", "words", required=False),
    ),
)


def test_positional_mapping() -> None:
    assert parse_args(TOOL, ["api", "2"], "/w") == {"service": "api", "replicas": 2, "note": None}
    assert parse_args(TOOL, ["api", "2", "a", "b"], "/w")["note"] == "a b"
    assert parse_args(TOOL, ["api", "1,000"], "/w")["replicas"] == 1000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--service", "api"],
            "unrecognised option '--service': scale_service takes positional arguments only",
        ),
        (["-r"], "unrecognised option '-r'"),
        (["api"], "missing replicas"),
        (["api", "two"], "replicas must be a whole number, got 'two'"),
        (["api", "-1"], "replicas must be at least 0, got -1"),
    ],
)
def test_argument_errors(argv: list[str], message: str) -> None:
    with pytest.raises(ArgError, match=message):
        parse_args(TOOL, argv, "/w")


def test_paths_resolve_against_cwd() -> None:
    tool = ToolDef("t", "s", "/x", "t", "s", "u", "e", (Param("file", "path"),))
    assert parse_args(tool, ["a/b.md"], "/home/x")["file"] == "/home/x/a/b.md"
    assert parse_args(tool, ["/abs/c.md"], "/home/x")["file"] == "/abs/c.md"
    assert parse_args(tool, ["../c.md"], "/home/x")["file"] == "/home/c.md"


def test_choices_and_extra_arguments() -> None:
    tool = ToolDef(
        "t", "s", "/x", "t", "s", "u", "e", (Param("mode", choices=("full", "partial")),)
    )
    with pytest.raises(ArgError, match="mode must be one of: full, partial"):
        parse_args(tool, ["half"], "/")
    with pytest.raises(ArgError, match="unexpected extra argument 'x'"):
        parse_args(tool, ["full", "x"], "/")
