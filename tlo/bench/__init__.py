"""The largest office, generated, and the measurements behind `make bench` (issue 15)."""
