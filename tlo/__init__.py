"""tlo: a case manager for a university technology licensing office."""
