#!/usr/bin/env python
"""Django's manage.py for those who expect it; `veche` is the same command."""

from veche.__main__ import main

if __name__ == "__main__":
    main()
