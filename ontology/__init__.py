"""Package data: the ontology files, shipped inside policykg (policykg.config finds them)."""
