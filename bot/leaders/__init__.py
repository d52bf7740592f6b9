"""The leader's conversations: /cyclus and /volgende and /deadline (``cycle_leader``), the plan (``plan_leader``),
pulses and the trend, past summaries, the school year's /planning (``schedule``) - and ``leading``, the leader's toolkit (which team a leader means,
who leads a team, the registry of leader commands).

May import: bot.cycle (the engine), bot.render, bot.plumbing, bot.deployment, bot.texts, flows, storage; of the
handlers only the toolkits (``bot.members.common``, ``bot.leaders.leading``) and the router.
Must not import: another handler's internals (move what two handlers share into a toolkit, the engine or
rendering), or run.
"""
