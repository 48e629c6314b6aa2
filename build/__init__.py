"""The builder: the annotated corpus turned into RDF, validated, reasoned over and published atomically."""
