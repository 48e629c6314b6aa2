"""The graph layer: the built store, its datasets, validation, reasoning and descriptions (never imports build or server)."""
