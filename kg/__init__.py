"""The graph layer: the built store, its datasets, validation, reasoning and descriptions.

kg never imports build or server (tests/test_imports.py checks it)."""
