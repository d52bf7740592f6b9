"""The conversations every member has, and what every handler needs (common)."""
