"""Default Rego appraisal policies shipped with ccpolicy: ``<tee>/`` per TEE and ``lib/`` shared."""
