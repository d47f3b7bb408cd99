"""Multiparty computation comparison backend: MPyC, three parties as separate processes over loopback."""
