"""`python -m bot.cli` runs the `iamdeny` command."""

from bot.cli import main

raise SystemExit(main())
