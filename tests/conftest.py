"""Test settings shared by every test module."""

from hypothesis import settings

# Property tests draw the same examples on every run (no flaky CI), and keep no
# example database in the working tree.
settings.register_profile("book", derandomize=True, database=None, print_blob=True)
settings.load_profile("book")
