"""Fully homomorphic comparison backend: TenSEAL (Microsoft SEAL) with BFV for integers and CKKS for reals."""
