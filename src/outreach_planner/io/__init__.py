"""Readers and writers of each file format, validating at the boundary."""
