"""The leader's conversations: the cycle, the plan, pulses, summaries."""
