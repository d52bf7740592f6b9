"""Moving a team through its cycle: the engine (start a cycle, close a round, move on, open votes and pulses,
each state change with its outbox messages in one transaction), the deadline and reminder scan, the school year's
schedule as it sets deadlines (``year_plan``), and the messages
a phase or a closed round sends (``rounds_render``, ``plan_output``: storage read, rendering called).

May import: bot.render, bot.plumbing, bot.deployment, bot.texts, flows, storage.
Must not import: handlers (bot.members, bot.leaders) or run - the engine runs from a tap and from the scan alike.
"""
