package ccpolicy.snp_test

import rego.v1

import data.ccpolicy.snp

measurement := "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c"

tcb := {"bl": 3, "tee": 0, "snp": 8, "microcode": 115, "fmc": null}

good_input := {
	"tee": "snp",
	"evidence": {
		"measurements": {"launch": measurement},
		"debug": false,
		"nonce_verified": true,
	},
	"snp": {
		"policy": {"debug": false, "migrate_ma": false, "smt": true, "abi_major": 0, "abi_minor": 31},
		"platform_info": {"smt_enabled": true},
		"vmpl": 0,
		"guest_svn": 4,
		"reported_tcb": tcb,
		"committed_tcb": tcb,
	},
}

good_data := {
	"measurements": [upper(measurement)],
	"allow_debug": false,
	"allow_migration_agent": false,
	"allow_smt": true,
	"allowed_vmpls": [0],
	"min_abi": {"major": 0, "minor": 0},
	"min_guest_svn": 0,
	"min_tcb": {"bl": 3, "tee": 0, "snp": 8, "microcode": 115},
	"require_freshness": true,
}

result_for(input_doc, ref) := result if {
	result := snp.result with input as input_doc with data.snp as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

test_good_evidence_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {
		"instance-identity": 2, "configuration": 2, "executables": 3,
		"hardware": 2, "runtime-opaque": 2,
	}
}

test_debug_is_contraindicated if {
	result := result_for(json.patch(good_input, [{"op": "replace", "path": "/snp/policy/debug", "value": true}]), good_data)
	rules_of(result) == {"snp.debug_forbidden"}
	result.trust_vector.configuration == 96
}

test_debug_allowed_by_data if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/snp/policy/debug", "value": true}])
	result := result_for(doc, object.union(good_data, {"allow_debug": true}))
	count(result.reasons) == 0
}

test_migration_agent_is_contraindicated if {
	result := result_for(json.patch(good_input, [{"op": "replace", "path": "/snp/policy/migrate_ma", "value": true}]), good_data)
	rules_of(result) == {"snp.migration_agent_forbidden"}
	result.trust_vector.configuration == 96
}

test_smt_forbidden_by_data if {
	result := result_for(good_input, object.union(good_data, {"allow_smt": false}))
	rules_of(result) == {"snp.smt_forbidden"}
	result.trust_vector.configuration == 32
}

test_vmpl_not_allowed if {
	result := result_for(json.patch(good_input, [{"op": "replace", "path": "/snp/vmpl", "value": 2}]), good_data)
	rules_of(result) == {"snp.vmpl_allowed"}
}

test_abi_below_minimum if {
	result := result_for(good_input, object.union(good_data, {"min_abi": {"major": 1, "minor": 0}}))
	rules_of(result) == {"snp.minimum_abi"}
}

test_abi_minor_compared_within_major if {
	result := result_for(good_input, object.union(good_data, {"min_abi": {"major": 0, "minor": 31}}))
	count(result.reasons) == 0
}

test_guest_svn_below_minimum if {
	result := result_for(good_input, object.union(good_data, {"min_guest_svn": 5}))
	rules_of(result) == {"snp.minimum_guest_svn"}
}

test_reported_tcb_below_minimum if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/snp/reported_tcb/snp", "value": 7}])
	result := result_for(doc, good_data)
	[r.claim | some r in result.reasons] == ["snp.reported_tcb.snp"]
	result.trust_vector.hardware == 32
}

test_committed_tcb_below_minimum if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/snp/committed_tcb/microcode", "value": 114}])
	result := result_for(doc, good_data)
	[r.claim | some r in result.reasons] == ["snp.committed_tcb.microcode"]
}

test_turin_fmc_checked_only_when_reported if {
	ref := object.union(good_data, {"min_tcb": object.union(good_data.min_tcb, {"fmc": 1})})
	count(result_for(good_input, ref).reasons) == 0
	turin := json.patch(good_input, [
		{"op": "replace", "path": "/snp/reported_tcb/fmc", "value": 0},
		{"op": "replace", "path": "/snp/committed_tcb/fmc", "value": 1},
	])
	[r.claim | some r in result_for(turin, ref).reasons] == ["snp.reported_tcb.fmc"]
}

test_unknown_measurement_is_unrecognized if {
	result := result_for(good_input, object.union(good_data, {"measurements": []}))
	rules_of(result) == {"snp.measurement_known"}
	result.trust_vector.executables == 33
}

test_freshness_required_without_nonce if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/nonce_verified", "value": null}])
	result := result_for(doc, good_data)
	rules_of(result) == {"snp.freshness_required"}
	result.trust_vector["instance-identity"] == 97
}

test_freshness_not_required if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/nonce_verified", "value": null}])
	count(result_for(doc, object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_worst_value_wins if {
	doc := json.patch(good_input, [
		{"op": "replace", "path": "/snp/policy/debug", "value": true},
		{"op": "replace", "path": "/snp/vmpl", "value": 3},
	])
	result := result_for(doc, good_data)
	rules_of(result) == {"snp.debug_forbidden", "snp.vmpl_allowed"}
	result.trust_vector.configuration == 96
}

test_missing_claims_are_not_good if {
	doc := json.patch(good_input, [
		{"op": "remove", "path": "/evidence/measurements/launch"},
		{"op": "remove", "path": "/snp/vmpl"},
		{"op": "remove", "path": "/snp/guest_svn"},
	])
	result := result_for(doc, good_data)
	rules_of(result) == {"snp.measurement_known", "snp.vmpl_allowed", "snp.minimum_guest_svn"}
	[r.value | some r in result.reasons] == [null, null, null]
}

test_affirmed_values_are_the_ar4si_constants if {
	snp.affirmed == {
		"instance-identity": data.ccpolicy.lib.ar4si.affirming,
		"configuration": data.ccpolicy.lib.ar4si.affirming,
		"executables": data.ccpolicy.lib.ar4si.approved_boot,
		"hardware": data.ccpolicy.lib.ar4si.affirming,
		"runtime-opaque": data.ccpolicy.lib.ar4si.affirming,
	}
}

test_empty_input_is_denied_on_every_count if {
	strict := object.union(good_data, {"allow_smt": false})
	result := result_for({"tee": "snp"}, strict)
	rules_of(result) == {
		"snp.debug_forbidden", "snp.migration_agent_forbidden", "snp.smt_forbidden", "snp.vmpl_allowed",
		"snp.minimum_abi", "snp.minimum_guest_svn", "snp.minimum_tcb", "snp.measurement_known",
		"snp.freshness_required",
	}
	every reason in result.reasons {
		reason.value == null
	}
	{r.claim | some r in result.reasons; r.rule == "snp.minimum_tcb"} == {"snp.reported_tcb", "snp.committed_tcb"}
	result.trust_vector == {
		"instance-identity": 97, "configuration": 96, "executables": 33,
		"hardware": 32, "runtime-opaque": 2,
	}
}

removed(path) := json.patch(good_input, [{"op": "remove", "path": path}])

test_each_missing_claim_is_judged_not_good if {
	strict := object.union(good_data, {"allow_smt": false})
	expected := {
		"/snp/policy/debug": "snp.debug_forbidden",
		"/snp/policy/migrate_ma": "snp.migration_agent_forbidden",
		"/snp/platform_info/smt_enabled": "snp.smt_forbidden",
		"/snp/policy/abi_minor": "snp.minimum_abi",
		"/evidence/nonce_verified": "snp.freshness_required",
	}
	every path, rule in expected {
		result := result_for(removed(path), object.union(strict, {"allow_smt": path != "/snp/platform_info/smt_enabled"}))
		rules_of(result) == {rule}
	}
}

test_a_missing_or_boolean_tcb_component_is_not_sufficient if {
	missing := result_for(removed("/snp/committed_tcb/microcode"), good_data)
	[reason] := missing.reasons
	reason.claim == "snp.committed_tcb.microcode"
	reason.value == null
	boolean := result_for(json.patch(good_input, [{"op": "replace", "path": "/snp/reported_tcb/bl", "value": true}]), good_data)
	[{"rule": "snp.minimum_tcb", "claim": "snp.reported_tcb.bl", "value": true}] == [{k: r[k] | some k in ["rule", "claim", "value"]} | some r in boolean.reasons]
}

test_a_missing_tcb_is_not_sufficient if {
	doc := json.patch(good_input, [
		{"op": "remove", "path": "/snp/reported_tcb"},
		{"op": "replace", "path": "/snp/committed_tcb/snp", "value": 7},
	])
	result := result_for(doc, good_data)
	{[r.rule, r.claim, r.value] | some r in result.reasons} == {["snp.minimum_tcb", "snp.reported_tcb", null]}
	result.trust_vector.hardware == 32
}

test_the_abi_reason_shows_the_version if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/snp/policy/abi_major", "value": 0}])
	[reason] := result_for(doc, object.union(good_data, {"min_abi": {"major": 1, "minor": 0}})).reasons
	reason.message == "the guest policy's minimum ABI 0.31 is below the required 1.0 (or not shown)"
	reason.value == {"major": 0, "minor": 31}
}
