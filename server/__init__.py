"""The web layer: a SPARQL 1.1 endpoint and linked-data pages over the current build (never imports build)."""
