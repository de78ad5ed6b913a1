"""Pluggable verification of residence: providers decide how, backends deliver codes."""
