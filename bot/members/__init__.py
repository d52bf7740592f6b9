"""The conversations every member has, one module per feature: the group (registering, joining), /start and
the private chat, /info, /open and the rounds' router (``rounds_member``), check-ins, proposals and votes, the plan
vote, /mijngegevens - and ``common``, what every handler needs (the user's language, replies, keyboards).

May import: bot.cycle (the engine), bot.render, bot.plumbing, bot.deployment, bot.texts, flows, storage; of the
handlers only the toolkits (``bot.members.common``, ``bot.leaders.leading``) and the router.
Must not import: another handler's internals (move what two handlers share into a toolkit, the engine or
rendering), or run.
"""
