"""The exit-code policy of every ``kgraph`` command, in one place.

======  =====================================================================
code    meaning
======  =====================================================================
0       everything asked for was done
1       some inputs failed, but the outputs were written (or printed)
2       usage error, missing input (file, graph, article or concept name),
        or nothing was built or written
======  =====================================================================

Every problem is one ``error: <what went wrong>`` line on stderr (a usage
error is preceded by the usage line, as click prints it). Commands stop with
:func:`fail` (or :func:`failing_on` around API calls), report per-input
problems with :func:`error` and end with :func:`finish`; :class:`PolicyGroup`
turns click's own errors (a bad option, a missing argument) into the same
style and code.

>>> import click
>>> from click.testing import CliRunner
>>> @click.command()
... def hello():
...     fail("feeds/none.xml: no such file or folder")
>>> result = CliRunner().invoke(hello)
>>> result.exit_code, result.stderr
(2, 'error: feeds/none.xml: no such file or folder\\n')
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Any, NoReturn

import click

from kgraph.cli.terminal import say
from kgraph.errors import KgraphError

__all__ = [
    "FAILED",
    "OK",
    "PARTIAL",
    "CommandError",
    "PolicyGroup",
    "error",
    "fail",
    "failing_on",
    "finish",
]

OK = 0
PARTIAL = 1
FAILED = 2


def error(message: object) -> None:
    """Print one ``error: message`` line on stderr (the command goes on)."""
    say(f"error: {message}", err=True)


class CommandError(click.ClickException):
    """Stops a command: ``error: message`` on stderr, exit code 2.

    With ``ctx`` (a usage error), the command's usage line and the help hint
    are printed first.
    """

    exit_code = FAILED

    def __init__(
        self, message: str, ctx: click.Context | None = None, *, full_help: bool = False
    ) -> None:
        super().__init__(message)
        self.ctx = ctx
        self.full_help = full_help

    def show(self, file: IO[Any] | None = None) -> None:
        if self.ctx is not None and self.full_help:
            click.echo(f"{self.ctx.get_help()}\n", err=True)
        elif self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = f"Try '{self.ctx.command_path} {self.ctx.help_option_names[0]}' for help.\n"
            click.echo(f"{self.ctx.get_usage()}\n{hint}", err=True)
        error(self.format_message())


def fail(message: object) -> NoReturn:
    """Stop the command with ``error: message`` and exit code 2."""
    raise CommandError(str(message))


@contextlib.contextmanager
def failing_on(*errors: type[BaseException], prefix: str = "") -> Iterator[None]:
    """A :class:`~kgraph.errors.KgraphError` (or one of ``errors``) raised in
    the block stops the command: ``error: <prefix><error>``, exit code 2."""
    caught: tuple[type[BaseException], ...] = (KgraphError, *errors)
    try:
        yield
    except caught as err:
        fail(f"{prefix}{err}")


def finish(problems: int = 0, *, written: bool = True) -> NoReturn:
    """Exit at the end of a command that printed its ``problems`` (a count)
    with :func:`error`: 2 if nothing was ``written``, 1 if some inputs
    failed, else 0."""
    sys.exit(FAILED if not written else PARTIAL if problems else OK)


def _reworded(err: click.ClickException) -> CommandError:
    if isinstance(err, CommandError):
        return err
    ctx = err.ctx if isinstance(err, click.UsageError) else None
    return CommandError(err.format_message(), ctx)


class PolicyGroup(click.Group):
    """A click group whose commands (and sub-groups) all follow the policy:
    click's own errors are printed as ``error: ...`` and exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # no command at all: the help, then the error (click < 8.2 exited 0,
        # later versions print the help as the error message)
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            raise CommandError("missing command: choose one of the above", ctx, full_help=True)
        return super().parse_args(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as err:
            raise _reworded(err) from err

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            raise _reworded(err) from err
