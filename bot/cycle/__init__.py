"""Moving a team through its cycle: the engine, the deadline scan, the messages of a phase."""
