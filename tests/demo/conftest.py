"""Fixtures of the demo consortium's tests: none of their own; the data is what ``load_demo`` creates."""
