"""Package data: the queries files, shipped inside policykg (policykg.config finds them)."""
