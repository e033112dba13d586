"""The proposals JSON API, one blueprint per area."""
