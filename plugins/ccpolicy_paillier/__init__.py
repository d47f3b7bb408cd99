"""Partially homomorphic comparison backend: Paillier encryption with python-paillier (``phe``)."""
