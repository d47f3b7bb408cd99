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

test_platform_chain_only if {
	claims := {"launch_measurement_checked": false, "policy": null, "launch_digest": null, "api_major": 0, "api_minor": 24, "build": null}
	result := result_for(claims, ref)
	rules_of(result) == {"sev.launch_measured"}
	result.trust_vector.executables == 33
	result.trust_vector.configuration == 36
}
