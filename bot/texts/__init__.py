"""The words: ``t()`` (``i18n.py``) and the catalogues ``nl/*.toml`` and ``en/*.toml`` - everything a user reads,
Dutch by default and English for users whose Telegram language is English.

May import: nothing of ours (the standard library only).
Must not import: any other room of bot/, flows/ or storage/ - every room may use the words, so they depend on none.
"""
