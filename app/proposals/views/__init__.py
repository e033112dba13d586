"""The proposals HTML pages, one blueprint per area."""
