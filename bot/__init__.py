"""The Telegram adapter, in rooms (docs/architecture.md has the picture and the rules):

texts       the words: t() and the nl/en catalogues
plumbing    Telegram's wire and limits: transport, updates, outbox, sending, callback data, command menus
deployment  what a running bot is handed: config and services
render      what people read and download: HTML, charts, the plan's PDF
cycle       moving a team through its cycle: the engine, the deadline scan, a phase's messages
members     the conversations every member has (and common, what every handler needs)
leaders     the leader's conversations (and leading, the leader's toolkit)
run         the command line, the Application's wiring and error handler, local runs, backup, the demo
sandbox     a local stand-in for the Telegram Bot API (tests, demo, benchmark)

A room imports only rooms listed before it (members and leaders share only their toolkits; run also starts the
sandbox); tests/test_architecture.py holds the rules.
"""
