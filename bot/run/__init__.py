"""Running it: the command line (``cli``), the Application's wiring (``app``: the handler table, start-up and
shut-down, and ``errors``, the error handler), logging and start-up refusals, a bot on the local sandbox
(``local``), backup, and the demo.

May import: every room of bot/ (this is where they are put together), flows, storage.
Must not import: nothing is forbidden here, but nothing imports run back (only ``python -m`` and the entry point).
"""
