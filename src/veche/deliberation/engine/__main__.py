# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""`python -m veche.deliberation.engine cluster DIR ...`: opinion groups of a Polis export, without Django."""

from veche.deliberation.engine.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
