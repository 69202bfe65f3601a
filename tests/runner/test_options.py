"""Runner defaults agree with the task framework's and suit a 2-core machine."""

from __future__ import annotations

from inspect_ic.aio_tools import DEFAULT_MAX_OUTPUT, DEFAULT_SHELL_TIMEOUT
from inspect_ic.runner import options
from inspect_ic.runner.resume import options_from_record
from inspect_ic.tasks._base import factory


def test_limits_match_the_scaffold_defaults() -> None:
    limits = options.Limits()
    assert limits.message_limit == factory.DEFAULT_MESSAGE_LIMIT
    assert limits.working_limit == factory.DEFAULT_WORKING_LIMIT
    assert limits.repeat_streak_limit == factory.DEFAULT_REPEAT_STREAK_LIMIT
    assert limits.shell_timeout == DEFAULT_SHELL_TIMEOUT
    assert limits.max_tool_output == DEFAULT_MAX_OUTPUT
    assert limits.continuation_message is None and limits.max_continuations == 0


def test_concurrency_defaults_scale_with_cores() -> None:
    conc = options.Concurrency()
    assert conc.max_samples == 2 * options.CORES
    assert conc.max_sandboxes >= conc.max_samples
    assert options.DEFAULT_REPEATS == {"full": 3, "selected": 1, "smoke": 1}


def test_options_round_trip_through_the_manifest_record() -> None:
    opts = options.RunOptions(models=["scripted/noop"], tasks=["budget_siphon"], repeats=2)
    again = options_from_record(opts.record())
    assert again.record() == opts.record()
