"""Pure-Python services of the Swedish follow-up model; they take a SQLAlchemy session, never a request."""
