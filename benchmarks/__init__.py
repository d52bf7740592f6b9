"""Benchmarks of werkdruk-bot against the built-in sandbox: ``python -m benchmarks.run`` (see README.md here)."""
