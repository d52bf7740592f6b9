"""Running it: the command line, the Application's wiring, local runs, backup, the demo."""
