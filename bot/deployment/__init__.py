"""What a running bot is handed: its configuration (``config``: one TOML file validated into a typed object, a
one-line error naming the key) and its services (``services``: config, storage, clock, outbox), which every
handler and the engine receive.

May import: bot.plumbing (Telegram's limits), bot.texts, flows (data a key is checked against), storage.
Must not import: rendering, the cycle, handlers or run.
"""
