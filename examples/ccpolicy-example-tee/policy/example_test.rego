package ccpolicy.example_test

import rego.v1

import data.ccpolicy.example

good_input := {
	"tee": "example",
	"evidence": {
		"debug": false,
		"measurements": {"workload": "aa"},
		"tcb": {"components": {"svn": 2}},
		"nonce_verified": true,
	},
}

good_data := {"measurements": ["aa"], "minimum_svn": 2, "require_freshness": true}

result_for(doc, ref) := result if {
	result := example.result with input as doc with data.example as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

test_good_evidence_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {"instance-identity": 2, "configuration": 2, "executables": 3, "hardware": 2}
}

test_debug_is_contraindicated if {
	result := result_for(patched([replace("/evidence/debug", true)]), good_data)
	rules_of(result) == {"example.debug_disabled"}
	result.trust_vector.configuration == 96
}

test_missing_debug_claim_is_not_good if {
	result := result_for(json.patch(good_input, [{"op": "remove", "path": "/evidence/debug"}]), good_data)
	"example.debug_disabled" in rules_of(result)
}

test_unknown_measurement_is_unrecognized if {
	result := result_for(patched([replace("/evidence/measurements/workload", "bb")]), good_data)
	rules_of(result) == {"example.measurement_known"}
	result.trust_vector.executables == 33
}

test_no_reference_measurements_recognize_nothing if {
	result := result_for(good_input, object.union(good_data, {"measurements": []}))
	"example.measurement_known" in rules_of(result)
}

test_old_svn_has_known_vulnerabilities if {
	result := result_for(patched([replace("/evidence/tcb/components/svn", 1)]), good_data)
	rules_of(result) == {"example.svn_minimum"}
	result.trust_vector.hardware == 32
}

test_unverified_nonce_fails_when_freshness_is_required if {
	result := result_for(patched([replace("/evidence/nonce_verified", null)]), good_data)
	rules_of(result) == {"example.freshness_required"}
}

test_unverified_nonce_passes_when_freshness_is_not_required if {
	result := result_for(patched([replace("/evidence/nonce_verified", null)]), object.union(good_data, {"require_freshness": false}))
	count(result.reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "example"}, good_data)
	rules_of(result) == {
		"example.debug_disabled", "example.measurement_known",
		"example.svn_minimum", "example.freshness_required",
	}
	every reason in result.reasons {
		reason.value == null
	}
	result.trust_vector == {"instance-identity": 97, "configuration": 96, "executables": 33, "hardware": 32}
}
