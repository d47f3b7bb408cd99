"""Comparison backends: the same workloads run with FHE, MPC, ZKP and a TEE model."""
