"""Report use cases: categories, writing and finding reports, and the staff workflow."""
