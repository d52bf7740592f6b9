"""The words: ``t()`` and the catalogues ``nl/*.toml`` and ``en/*.toml``."""
