"""Intel DCAP attestation: SGX and TDX ECDSA quotes, PCK certificates and Intel PCS collateral."""
