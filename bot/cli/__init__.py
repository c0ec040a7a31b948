"""The `iamdeny` command: one subcommand per module in this package, each with `register()`.

Every subcommand module exposes `register(subparsers)`, which adds its parser and sets `handler`
to a function `(args) -> int` returning the exit status. Heavy imports happen inside handlers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

# Subcommand modules, in the order `iamdeny --help` lists them.
SUBCOMMANDS = ("explain", "digest", "incidents", "db", "serve")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand, or just `only` (what a one-shot run needs)."""
    parser = argparse.ArgumentParser(
        prog="iamdeny",
        description="Explain AWS access-denied errors and track the ones that keep coming back.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMANDS if only is None else (only,):
        import_module(f"bot.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `iamdeny` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # `iamdeny explain ...` imports the explain module only; help and errors get every command.
    parser = build_parser(argv[0] if argv and argv[0] in SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`iamdeny explain ... | head`); not an error worth a traceback.
        sys.stderr.close()
        return 0
    return status


if __name__ == "__main__":
    raise SystemExit(main())
