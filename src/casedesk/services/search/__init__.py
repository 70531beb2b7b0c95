"""The case search syntax: one parser (query text → typed predicates) for every feature that
filters cases. Adapters compile the predicates to SQL."""
