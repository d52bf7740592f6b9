"""What people read and download: pure functions from the method's results (flows/) to Telegram HTML within
Telegram's limits, charts (PNG) and the plan's PDF. Given the same results they return the same bytes.

May import: bot.texts, flows (the results and data they show).
Must not import: storage, the cycle, handlers, plumbing or run - rendering knows nothing of who asked or where
it goes.
"""
