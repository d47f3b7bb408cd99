"""The threat models the comparison backends declare (FHE, Paillier, MPC, ZKP) and how the matrix shows them."""

from __future__ import annotations

import pytest

from ccpolicy.comparison.backend import Technology
from ccpolicy.host import PluginHost
from ccpolicy.report.matrix_section import IN_SCOPE, OUT_OF_SCOPE, build_matrix
from ccpolicy.threats import IsolationUnit, SecurityProperty, Support, ThreatModel
from ccpolicy_fhe.threats import FHE_THREAT_MODEL
from ccpolicy_mpc.threats import MPC_THREAT_MODEL
from ccpolicy_paillier.threats import PAILLIER_THREAT_MODEL
from ccpolicy_zkp.threats import ZKP_THREAT_MODEL

MODELS = (FHE_THREAT_MODEL, PAILLIER_THREAT_MODEL, MPC_THREAT_MODEL, ZKP_THREAT_MODEL)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.tee_id)
def test_declarations_are_complete(model: ThreatModel) -> None:
    assert model.tee_id in {technology.value for technology in Technology}
    assert set(model.security_properties) == set(SecurityProperty)
    assert model.isolation_unit is IsolationUnit.CRYPTOGRAPHIC
    assert not model.unmodified_applications
    assert model.tcb and model.threats
    assert all(source.url.startswith("https://") for source in model.sources)


def test_what_each_technology_buys() -> None:
    confidentiality = {m.tee_id: m.security_properties[SecurityProperty.CONFIDENTIALITY].support for m in MODELS}
    integrity = {m.tee_id: m.security_properties[SecurityProperty.INTEGRITY].support for m in MODELS}
    assert confidentiality == {
        "fhe": Support.PROVIDED,
        "he-partial": Support.PROVIDED,
        "mpc": Support.PROVIDED,
        "zkp": Support.PARTIAL,
    }
    assert integrity["zkp"] is Support.PROVIDED
    assert {integrity[key] for key in ("fhe", "he-partial", "mpc")} == {Support.NOT_PROVIDED}


def test_matrix_puts_hardware_first_and_keeps_declared_scope() -> None:
    host = PluginHost.load()
    models = dict(host.threat_models)
    assert {model.tee_id for model in MODELS} <= set(models), "the comparison plugins register their models"
    matrix = build_matrix(models)
    families = [row.family for row in matrix.rows]
    assert families == sorted(families, key=lambda family: family != "tee")
    fhe = next(row for row in matrix.rows if row.key == "fhe")
    scopes = {cell.adversary: cell.scope for cell in fhe.adversaries}
    assert scopes["host operating system / hypervisor"] == IN_SCOPE
    assert scopes["denial of service by the host"] == OUT_OF_SCOPE
