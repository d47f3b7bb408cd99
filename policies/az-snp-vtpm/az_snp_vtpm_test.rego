package ccpolicy.az_snp_vtpm_test

import rego.v1

import data.ccpolicy.az_snp_vtpm

launch := "6a063be9dd79f6371c842e480f8dc3b5c725961344e57130e88c5adf49e8f7f6c79b75a5eb77fc769959f4aeb2f9401e"

pcr7 := "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969"

tcb := {"bl": 4, "tee": 0, "snp": 24, "microcode": 219, "fmc": null}

good_input := {
	"tee": "az-snp-vtpm",
	"evidence": {"measurements": {"launch": launch, "sha256:pcr7": pcr7}, "nonce_verified": true},
	"az-snp-vtpm": {
		"snp": {
			"policy": {"debug": false, "migrate_ma": false, "abi_major": 0, "abi_minor": 31},
			"platform_info": {"smt_enabled": true},
			"vmpl": 0,
			"guest_svn": 1,
			"reported_tcb": tcb,
			"committed_tcb": tcb,
		},
		"vm_configuration": {"secure_boot": true, "tpm_enabled": true, "console_enabled": false},
	},
}

ref := {
	"measurements": [upper(launch)],
	"pcrs": {"sha256:pcr7": [upper(pcr7)]},
	"allow_debug": false,
	"allow_migration_agent": false,
	"allow_smt": true,
	"allowed_vmpls": [0],
	"min_abi": {"major": 0, "minor": 0},
	"min_guest_svn": 0,
	"min_tcb": {"bl": 3, "tee": 0, "snp": 8, "microcode": 115, "fmc": 0},
	"require_secure_boot": true,
	"require_tpm_enabled": true,
	"allow_console": false,
	"require_freshness": true,
}

result_for(doc, reference) := result if {
	result := az_snp_vtpm.result with input as doc with data["az-snp-vtpm"] as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

patched(patch) := json.patch(good_input, [patch])

test_good_evidence_is_affirmed if {
	result := result_for(good_input, ref)
	count(result.reasons) == 0
	result.trust_vector.executables == 3
	result.trust_vector.configuration == 2
}

test_debug_is_contraindicated if {
	result := result_for(patched({"op": "replace", "path": "/az-snp-vtpm/snp/policy/debug", "value": true}), ref)
	rules_of(result) == {"az-snp-vtpm.debug_forbidden"}
	result.trust_vector.configuration == 96
}

test_debug_allowed_by_data if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/snp/policy/debug", "value": true})
	count(result_for(doc, object.union(ref, {"allow_debug": true})).reasons) == 0
}

test_migration_agent if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/snp/policy/migrate_ma", "value": true})
	rules_of(result_for(doc, ref)) == {"az-snp-vtpm.migration_agent_forbidden"}
}

test_smt_forbidden_by_data if {
	rules_of(result_for(good_input, object.union(ref, {"allow_smt": false}))) == {"az-snp-vtpm.smt_forbidden"}
}

test_vmpl_not_allowed if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/snp/vmpl", "value": 2})
	rules_of(result_for(doc, ref)) == {"az-snp-vtpm.vmpl_allowed"}
}

test_minimum_abi if {
	result := result_for(good_input, object.union(ref, {"min_abi": {"major": 1, "minor": 0}}))
	rules_of(result) == {"az-snp-vtpm.minimum_abi"}
}

test_minimum_guest_svn if {
	rules_of(result_for(good_input, object.union(ref, {"min_guest_svn": 2}))) == {"az-snp-vtpm.minimum_guest_svn"}
}

test_minimum_tcb_names_both_tcbs if {
	result := result_for(good_input, object.union(ref, {"min_tcb": {"snp": 25}}))
	{r.claim | some r in result.reasons} == {"az-snp-vtpm.snp.reported_tcb.snp", "az-snp-vtpm.snp.committed_tcb.snp"}
	result.trust_vector.hardware == 32
}

test_unknown_launch_measurement if {
	result := result_for(good_input, object.union(ref, {"measurements": ["00"]}))
	rules_of(result) == {"az-snp-vtpm.measurement_known"}
	result.trust_vector.executables == 33
}

test_no_pcr_reference_values if {
	result := result_for(good_input, json.patch(ref, [{"op": "replace", "path": "/pcrs", "value": {}}]))
	rules_of(result) == {"az-snp-vtpm.pcr_reference_values"}
	result.trust_vector.executables == 33
}

test_pcr_mismatch_and_missing if {
	result := result_for(good_input, object.union(ref, {"pcrs": {"sha256:pcr7": ["aa"], "sha256:pcr9": ["bb"]}}))
	{r.claim: r.value | some r in result.reasons} == {
		"evidence.measurements.sha256:pcr7": pcr7,
		"evidence.measurements.sha256:pcr9": null,
	}
}

test_secure_boot_off if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/vm_configuration/secure_boot", "value": false})
	result := result_for(doc, ref)
	rules_of(result) == {"az-snp-vtpm.secure_boot_required"}
	result.trust_vector.configuration == 32
}

test_secure_boot_not_reported if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/vm_configuration/secure_boot", "value": null})
	rules_of(result_for(doc, ref)) == {"az-snp-vtpm.secure_boot_required"}
	count(result_for(doc, object.union(ref, {"require_secure_boot": false})).reasons) == 0
}

test_tpm_disabled if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/vm_configuration/tpm_enabled", "value": false})
	rules_of(result_for(doc, ref)) == {"az-snp-vtpm.tpm_enabled_required"}
}

test_console_forbidden_unless_allowed if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/vm_configuration/console_enabled", "value": true})
	rules_of(result_for(doc, ref)) == {"az-snp-vtpm.console_forbidden"}
	count(result_for(doc, object.union(ref, {"allow_console": true})).reasons) == 0
}

test_freshness_required if {
	doc := patched({"op": "replace", "path": "/evidence/nonce_verified", "value": null})
	result := result_for(doc, ref)
	rules_of(result) == {"az-snp-vtpm.freshness_required"}
	result.trust_vector["instance-identity"] == 97
	count(result_for(doc, object.union(ref, {"require_freshness": false})).reasons) == 0
}

test_shipped_defaults_deny_without_reference_values if {
	result := az_snp_vtpm.result with input as good_input
	rules_of(result) == {"az-snp-vtpm.measurement_known", "az-snp-vtpm.pcr_reference_values"}
	result.trust_vector.executables == 33
}

# The one reason the good input gives without the claim at path, as [rule, claim, value].
reason_without(path) := [reason.rule, reason.claim, reason.value] if {
	[reason] := result_for(json.remove(good_input, [path]), ref).reasons
}

claims_without(path) := {[r.rule, r.claim, r.value] | some r in result_for(json.remove(good_input, [path]), ref).reasons}

test_missing_guest_policy_claims if {
	reason_without("az-snp-vtpm/snp/policy/debug") == ["az-snp-vtpm.debug_forbidden", "az-snp-vtpm.snp.policy.debug", null]
	reason_without("az-snp-vtpm/snp/policy/migrate_ma") == ["az-snp-vtpm.migration_agent_forbidden", "az-snp-vtpm.snp.policy.migrate_ma", null]
	reason_without("az-snp-vtpm/snp/policy/abi_minor") == ["az-snp-vtpm.minimum_abi", "az-snp-vtpm.snp.policy.abi", null]
	reason_without("az-snp-vtpm/snp/vmpl") == ["az-snp-vtpm.vmpl_allowed", "az-snp-vtpm.snp.vmpl", null]
	reason_without("az-snp-vtpm/snp/guest_svn") == ["az-snp-vtpm.minimum_guest_svn", "az-snp-vtpm.snp.guest_svn", null]
}

test_missing_abi_is_not_shown if {
	[reason] := result_for(json.remove(good_input, ["az-snp-vtpm/snp/policy/abi_major"]), ref).reasons
	reason.message == "the guest policy's minimum ABI not shown is below the required 0.0 (or not shown)"
}

test_missing_smt_claim_when_smt_forbidden if {
	doc := json.remove(good_input, ["az-snp-vtpm/snp/platform_info/smt_enabled"])
	count(result_for(doc, ref).reasons) == 0
	[reason] := result_for(doc, object.union(ref, {"allow_smt": false})).reasons
	[reason.rule, reason.value] == ["az-snp-vtpm.smt_forbidden", null]
}

test_missing_tcb_component if {
	reason_without("az-snp-vtpm/snp/reported_tcb/microcode") == ["az-snp-vtpm.minimum_tcb", "az-snp-vtpm.snp.reported_tcb.microcode", null]
	reason_without("az-snp-vtpm/snp/committed_tcb/bl") == ["az-snp-vtpm.minimum_tcb", "az-snp-vtpm.snp.committed_tcb.bl", null]
}

test_missing_tcb_fails_every_component if {
	claims_without("az-snp-vtpm/snp/committed_tcb") == {
	["az-snp-vtpm.minimum_tcb", sprintf("az-snp-vtpm.snp.committed_tcb.%s", [component]), null] |
		some component, _ in ref.min_tcb
	}
}

test_tcb_component_not_a_number if {
	doc := patched({"op": "replace", "path": "/az-snp-vtpm/snp/reported_tcb/snp", "value": "24"})
	[reason] := result_for(doc, ref).reasons
	[reason.claim, reason.value] == ["az-snp-vtpm.snp.reported_tcb.snp", "24"]
}

test_missing_measurements if {
	reason_without("evidence/measurements/launch") == ["az-snp-vtpm.measurement_known", "evidence.measurements.launch", null]
	reason_without("evidence/measurements/sha256:pcr7") == ["az-snp-vtpm.pcr_reference_values", "evidence.measurements.sha256:pcr7", null]
	claims_without("evidence/measurements") == {
		["az-snp-vtpm.measurement_known", "evidence.measurements.launch", null],
		["az-snp-vtpm.pcr_reference_values", "evidence.measurements.sha256:pcr7", null],
	}
}

test_missing_vm_configuration_claims if {
	reason_without("az-snp-vtpm/vm_configuration/secure_boot") == ["az-snp-vtpm.secure_boot_required", "az-snp-vtpm.vm_configuration.secure_boot", null]
	reason_without("az-snp-vtpm/vm_configuration/tpm_enabled") == ["az-snp-vtpm.tpm_enabled_required", "az-snp-vtpm.vm_configuration.tpm_enabled", null]
	reason_without("az-snp-vtpm/vm_configuration/console_enabled") == ["az-snp-vtpm.console_forbidden", "az-snp-vtpm.vm_configuration.console_enabled", null]
	claims_without("az-snp-vtpm/vm_configuration") == {
		["az-snp-vtpm.secure_boot_required", "az-snp-vtpm.vm_configuration.secure_boot", null],
		["az-snp-vtpm.tpm_enabled_required", "az-snp-vtpm.vm_configuration.tpm_enabled", null],
		["az-snp-vtpm.console_forbidden", "az-snp-vtpm.vm_configuration.console_enabled", null],
	}
}

test_missing_nonce_verified if {
	reason_without("evidence/nonce_verified") == ["az-snp-vtpm.freshness_required", "evidence.nonce_verified", null]
}

every_snp_rule := {
	"az-snp-vtpm.debug_forbidden", "az-snp-vtpm.migration_agent_forbidden", "az-snp-vtpm.vmpl_allowed",
	"az-snp-vtpm.minimum_abi", "az-snp-vtpm.minimum_guest_svn", "az-snp-vtpm.minimum_tcb",
	"az-snp-vtpm.measurement_known", "az-snp-vtpm.pcr_reference_values", "az-snp-vtpm.secure_boot_required",
	"az-snp-vtpm.tpm_enabled_required", "az-snp-vtpm.console_forbidden", "az-snp-vtpm.freshness_required",
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "az-snp-vtpm"}, ref)
	rules_of(result) == every_snp_rule
	every reason in result.reasons {
		reason.value == null
	}
	result.trust_vector == {
		"instance-identity": 97, "configuration": 96, "executables": 33,
		"hardware": 32, "runtime-opaque": 2,
	}

	# SMT too, when the reference values forbid it.
	"az-snp-vtpm.smt_forbidden" in rules_of(result_for({"tee": "az-snp-vtpm"}, object.union(ref, {"allow_smt": false})))
}

test_empty_input_is_denied_with_the_shipped_data if {
	result := az_snp_vtpm.result with input as {"tee": "az-snp-vtpm"}
	rules_of(result) == every_snp_rule - {"az-snp-vtpm.freshness_required"}
	every reason in result.reasons {
		reason.value == null
	}
}
