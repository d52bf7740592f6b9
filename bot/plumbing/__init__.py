"""Telegram plumbing: the wire, the limits, the outbox, callback data, command menus."""
