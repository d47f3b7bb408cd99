package ccpolicy.sev_test

import rego.v1

import data.ccpolicy.sev

digest := "5e8f0cf4a7fc8d0ea9e1f3b7c7fd4a5b3a0e1e2ba3b5b0c7c1f0c2b3a4d5e6f7"

launch := {
	"launch_measurement_checked": true,
	"policy": {"nodbg": true, "noks": true, "es": false},
	"launch_digest": digest,
	"api_major": 0,
	"api_minor": 24,
	"build": 15,
}

ref := {
	"measurements": [upper(digest)],
	"allow_debug": false,
	"allow_key_sharing": false,
	"accept_unencrypted_register_state": true,
	"min_api": {"major": 0, "minor": 22},
	"min_build": 10,
}

result_for(claims, reference) := result if {
	result := sev.result with input as {"tee": "sev", "sev": claims} with data.sev as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

test_good_launch_is_affirmed if {
	result := result_for(launch, ref)
	count(result.reasons) == 0
	result.trust_vector.executables == 3
	result.trust_vector["runtime-opaque"] == 2
}

test_unencrypted_register_state_warns_by_default if {
	result := result_for(launch, object.union(ref, {"accept_unencrypted_register_state": false}))
	rules_of(result) == {"sev.encrypted_state_required"}
	result.trust_vector["runtime-opaque"] == 32
}

test_debug_forbidden if {
	result := result_for(json.patch(launch, [{"op": "replace", "path": "/policy/nodbg", "value": false}]), ref)
	rules_of(result) == {"sev.debug_forbidden"}
	result.trust_vector.configuration == 96
}

test_debug_allowed_by_data if {
	claims := json.patch(launch, [{"op": "replace", "path": "/policy/nodbg", "value": false}])
	count(result_for(claims, object.union(ref, {"allow_debug": true})).reasons) == 0
}

test_key_sharing_forbidden if {
	result := result_for(json.patch(launch, [{"op": "replace", "path": "/policy/noks", "value": false}]), ref)
	rules_of(result) == {"sev.key_sharing_forbidden"}
}

test_unknown_digest if {
	result := result_for(launch, object.union(ref, {"measurements": []}))
	rules_of(result) == {"sev.measurement_known"}
	result.trust_vector.executables == 33
}

test_firmware_api_below_minimum if {
	result := result_for(launch, object.union(ref, {"min_api": {"major": 1, "minor": 0}}))
	rules_of(result) == {"sev.minimum_firmware"}
	result.trust_vector.hardware == 32
}

test_firmware_build_below_minimum if {
	result := result_for(launch, object.union(ref, {"min_build": 16}))
	[r.claim | some r in result.reasons] == ["sev.build"]
}

platform_chain := {"launch_measurement_checked": false, "policy": null, "launch_digest": null, "api_major": 0, "api_minor": 24, "build": null}

test_platform_chain_only if {
	result := result_for(platform_chain, object.union(ref, {"min_build": 0}))
	rules_of(result) == {"sev.launch_measured"}
	result.trust_vector.executables == 33
	result.trust_vector.configuration == 36
	result.trust_vector.hardware == 2
}

# The platform certificates carry no build: a minimum build in data is then not shown met.
test_platform_chain_only_with_a_minimum_build if {
	result := result_for(platform_chain, ref)
	reasons_of(result) == {
		["sev.launch_measured", "sev.launch_measurement_checked", false],
		["sev.launch_measured", "sev.policy", null],
		["sev.minimum_firmware", "sev.build", null],
	}
	some reason in result.reasons
	reason.claim == "sev.build"
	reason.message == "no firmware build is shown (required: 10 or later)"
}

# Pessimistic on missing claims: a claim not shown good is not good.
good_input := {"tee": "sev", "sev": launch, "evidence": {"nonce_verified": true}}

fresh_ref := object.union(ref, {"require_freshness": true})

result_of(doc, reference) := result if {
	result := sev.result with input as doc with data.sev as reference
}

reasons_of(result) := {[r.rule, r.claim, r.value] | some r in result.reasons}

test_good_input_with_freshness_is_affirmed if {
	count(result_of(good_input, fresh_ref).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_of({"tee": "sev"}, fresh_ref)
	reasons_of(result) == {
		["sev.launch_measured", "sev.launch_measurement_checked", null],
		["sev.launch_measured", "sev.policy", null],
		["sev.debug_forbidden", "sev.policy.nodbg", null],
		["sev.key_sharing_forbidden", "sev.policy.noks", null],
		["sev.measurement_known", "evidence.measurements.launch", null],
		["sev.minimum_firmware", "sev.api_version", null],
		["sev.minimum_firmware", "sev.build", null],
		["sev.freshness_required", "evidence.nonce_verified", null],
	}
	every name in ["instance-identity", "configuration", "executables", "hardware"] {
		result.trust_vector[name] >= 32
	}
}

# With the shipped data (policies/sev/data.json): freshness is not required, ES is.
test_empty_input_is_denied_with_the_shipped_data if {
	result := sev.result with input as {"tee": "sev"}
	rules_of(result) == {
		"sev.launch_measured", "sev.debug_forbidden", "sev.key_sharing_forbidden", "sev.measurement_known",
		"sev.minimum_firmware", "sev.encrypted_state_required",
	}
}

# Each claim removed from the good input: exactly its rule fires, with value null.
removed_claims := {
	"sev/launch_measurement_checked": {
		["sev.launch_measured", "sev.launch_measurement_checked", null],
		["sev.launch_measured", "sev.policy", null],
	},
	"sev/policy": {["sev.debug_forbidden", "sev.policy.nodbg", null], ["sev.key_sharing_forbidden", "sev.policy.noks", null]},
	"sev/policy/nodbg": {["sev.debug_forbidden", "sev.policy.nodbg", null]},
	"sev/policy/noks": {["sev.key_sharing_forbidden", "sev.policy.noks", null]},
	"sev/launch_digest": {["sev.measurement_known", "evidence.measurements.launch", null]},
	"sev/api_major": {["sev.minimum_firmware", "sev.api_version", null]},
	"sev/api_minor": {["sev.minimum_firmware", "sev.api_version", null]},
	"sev/build": {["sev.minimum_firmware", "sev.build", null]},
	"evidence/nonce_verified": {["sev.freshness_required", "evidence.nonce_verified", null]},
}

test_each_missing_claim_fires_its_rule if {
	every path, expected in removed_claims {
		reasons_of(result_of(json.remove(good_input, [path]), fresh_ref)) == expected
	}
}

test_missing_firmware_version_messages if {
	result := result_of(json.remove(good_input, ["sev/api_major", "sev/build"]), fresh_ref)
	{r.message | some r in result.reasons} == {
		"no firmware API version is shown (required: 0.22 or later)",
		"no firmware build is shown (required: 10 or later)",
	}
}

test_claims_of_the_wrong_type_are_not_good if {
	doc := json.patch(good_input, [
		{"op": "replace", "path": "/sev/api_major", "value": "1"},
		{"op": "replace", "path": "/sev/build", "value": "15"},
		{"op": "replace", "path": "/sev/launch_digest", "value": null},
		{"op": "replace", "path": "/sev/policy/nodbg", "value": 1},
	])
	reasons_of(result_of(doc, fresh_ref)) == {
		["sev.minimum_firmware", "sev.api_version", {"major": "1", "minor": 24}],
		["sev.minimum_firmware", "sev.build", "15"],
		["sev.measurement_known", "evidence.measurements.launch", null],
		["sev.debug_forbidden", "sev.policy.nodbg", 1],
	}
}

test_missing_reference_values_are_not_good if {
	result := result_of(good_input, json.remove(fresh_ref, ["measurements", "min_api", "min_build"]))
	reasons_of(result) == {
		["sev.measurement_known", "evidence.measurements.launch", digest],
		["sev.minimum_firmware", "sev.api_version", {"major": 0, "minor": 24}],
		["sev.minimum_firmware", "sev.build", 15],
	}
	{[r.expected, r.message] | some r in result.reasons} == {
		[[], "the launch digest is not among the reference values (or not shown)"],
		[null, "firmware API 0.24 is below the required null.null"],
		[null, "firmware build 15 is below the required null"],
	}
}

test_freshness_required_without_nonce if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/nonce_verified", "value": false}])
	result := result_of(doc, fresh_ref)
	reasons_of(result) == {["sev.freshness_required", "evidence.nonce_verified", false]}
	result.trust_vector["instance-identity"] == 97
	count(result_of(doc, ref).reasons) == 0
}
