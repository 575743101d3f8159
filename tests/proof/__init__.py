"""Proofs: tests that show, with figures, what the app holds to under load, races, faults,
cheating and bad input (docs/reliability.md). Run them alone with `pytest -m proof -s`."""
