"""Zero-knowledge comparison backend: Pedersen commitments and Sigma-protocol proofs with zksk (petlib)."""
