"""Network adapters: name resolution for the checks on image URLs."""
