"""TEE model comparison backend: plaintext in-process plus the costs a TEE adds that can be measured here."""
