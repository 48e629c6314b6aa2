"""Package data: the shapes files, shipped inside policykg (policykg.config finds them)."""
