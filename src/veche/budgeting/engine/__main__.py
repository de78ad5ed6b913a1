# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""`python -m veche.budgeting.engine validate|compute FILE ...`: the pb command without Django settings."""

from veche.budgeting.engine.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
