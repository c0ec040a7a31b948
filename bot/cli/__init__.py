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


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="iamdeny",
        description="Explain AWS access-denied errors and track the ones that keep coming back.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMANDS:
        import_module(f"bot.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `iamdeny` console script; returns the exit status."""
    parser = build_parser()
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
