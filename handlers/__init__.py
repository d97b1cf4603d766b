"""Flows, the engine, parsing of Vietnamese input, all user-facing texts. Imports models only."""
