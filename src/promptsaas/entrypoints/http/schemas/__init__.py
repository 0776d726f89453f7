"""msgspec structs for every request and response, with separate create / update / read shapes."""
