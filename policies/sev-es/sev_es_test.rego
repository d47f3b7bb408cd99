package ccpolicy.sev_es_test

import rego.v1

import data.ccpolicy.sev_es

digest := "0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100f0e0"

launch := {
	"launch_measurement_checked": true,
	"policy": {"nodbg": true, "noks": true, "es": true},
	"launch_digest": digest,
	"api_major": 0,
	"api_minor": 24,
	"build": 15,
}

ref := {
	"measurements": [digest],
	"allow_debug": false,
	"allow_key_sharing": false,
	"min_api": {"major": 0, "minor": 0},
	"min_build": 0,
}

result_for(claims, reference) := result if {
	result := sev_es.result with input as {"tee": "sev-es", "sev-es": claims} with data["sev-es"] as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

test_good_launch_is_affirmed if {
	result := result_for(launch, ref)
	count(result.reasons) == 0
	result.trust_vector["runtime-opaque"] == 2
}

test_es_required if {
	result := result_for(json.patch(launch, [{"op": "replace", "path": "/policy/es", "value": false}]), ref)
	rules_of(result) == {"sev-es.encrypted_state_required"}
	result.trust_vector.configuration == 96
}

test_debug_forbidden if {
	result := result_for(json.patch(launch, [{"op": "replace", "path": "/policy/nodbg", "value": false}]), ref)
	rules_of(result) == {"sev-es.debug_forbidden"}
}

test_key_sharing_allowed_by_data if {
	claims := json.patch(launch, [{"op": "replace", "path": "/policy/noks", "value": false}])
	count(result_for(claims, object.union(ref, {"allow_key_sharing": true})).reasons) == 0
	rules_of(result_for(claims, ref)) == {"sev-es.key_sharing_forbidden"}
}

test_unknown_digest if {
	rules_of(result_for(launch, object.union(ref, {"measurements": ["00"]}))) == {"sev-es.measurement_known"}
}

platform_chain := {"launch_measurement_checked": false, "policy": null, "launch_digest": null, "api_major": 0, "api_minor": 24, "build": null}

test_platform_chain_only if {
	rules_of(result_for(platform_chain, ref)) == {"sev-es.launch_measured"}
}

# The platform certificates carry no build: a minimum build in data is then not shown met.
test_platform_chain_only_with_a_minimum_build if {
	result := result_for(platform_chain, object.union(ref, {"min_build": 1}))
	rules_of(result) == {"sev-es.launch_measured", "sev-es.minimum_firmware"}
	result.trust_vector.hardware == 32
}

# Pessimistic on missing claims: a claim not shown good is not good.
good_input := {"tee": "sev-es", "sev-es": launch, "evidence": {"nonce_verified": true}}

fresh_ref := object.union(ref, {"require_freshness": true})

result_of(doc, reference) := result if {
	result := sev_es.result with input as doc with data["sev-es"] as reference
}

reasons_of(result) := {[r.rule, r.claim, r.value] | some r in result.reasons}

test_empty_input_is_denied_on_every_count if {
	result := result_of({"tee": "sev-es"}, fresh_ref)
	reasons_of(result) == {
		["sev-es.launch_measured", "sev-es.launch_measurement_checked", null],
		["sev-es.launch_measured", "sev-es.policy", null],
		["sev-es.debug_forbidden", "sev-es.policy.nodbg", null],
		["sev-es.key_sharing_forbidden", "sev-es.policy.noks", null],
		["sev-es.encrypted_state_required", "sev-es.policy.es", null],
		["sev-es.measurement_known", "evidence.measurements.launch", null],
		["sev-es.minimum_firmware", "sev-es.api_version", null],
		["sev-es.minimum_firmware", "sev-es.build", null],
		["sev-es.freshness_required", "evidence.nonce_verified", null],
	}
	every name in ["instance-identity", "configuration", "executables", "hardware"] {
		result.trust_vector[name] >= 32
	}
}

# With the shipped data (policies/sev-es/data.json): freshness is not required.
test_empty_input_is_denied_with_the_shipped_data if {
	result := sev_es.result with input as {"tee": "sev-es"}
	rules_of(result) == {
		"sev-es.launch_measured", "sev-es.debug_forbidden", "sev-es.key_sharing_forbidden",
		"sev-es.encrypted_state_required", "sev-es.measurement_known", "sev-es.minimum_firmware",
	}
}

# Each claim removed from the good input: exactly its rule fires, with value null.
removed_claims := {
	"sev-es/launch_measurement_checked": {
		["sev-es.launch_measured", "sev-es.launch_measurement_checked", null],
		["sev-es.launch_measured", "sev-es.policy", null],
	},
	"sev-es/policy": {
		["sev-es.debug_forbidden", "sev-es.policy.nodbg", null],
		["sev-es.key_sharing_forbidden", "sev-es.policy.noks", null],
		["sev-es.encrypted_state_required", "sev-es.policy.es", null],
	},
	"sev-es/policy/nodbg": {["sev-es.debug_forbidden", "sev-es.policy.nodbg", null]},
	"sev-es/policy/noks": {["sev-es.key_sharing_forbidden", "sev-es.policy.noks", null]},
	"sev-es/policy/es": {["sev-es.encrypted_state_required", "sev-es.policy.es", null]},
	"sev-es/launch_digest": {["sev-es.measurement_known", "evidence.measurements.launch", null]},
	"sev-es/api_major": {["sev-es.minimum_firmware", "sev-es.api_version", null]},
	"sev-es/api_minor": {["sev-es.minimum_firmware", "sev-es.api_version", null]},
	"sev-es/build": {["sev-es.minimum_firmware", "sev-es.build", null]},
	"evidence/nonce_verified": {["sev-es.freshness_required", "evidence.nonce_verified", null]},
}

test_each_missing_claim_fires_its_rule if {
	every path, expected in removed_claims {
		reasons_of(result_of(json.remove(good_input, [path]), fresh_ref)) == expected
	}
}

test_es_of_the_wrong_type_is_not_good if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/sev-es/policy/es", "value": 1}])
	reasons_of(result_of(doc, fresh_ref)) == {["sev-es.encrypted_state_required", "sev-es.policy.es", 1]}
}

test_freshness_required_without_nonce if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/nonce_verified", "value": false}])
	reasons_of(result_of(doc, fresh_ref)) == {["sev-es.freshness_required", "evidence.nonce_verified", false]}
	count(result_of(doc, ref).reasons) == 0
}
