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

test_platform_chain_only if {
	claims := {"launch_measurement_checked": false, "policy": null, "launch_digest": null, "api_major": 0, "api_minor": 24, "build": null}
	rules_of(result_for(claims, ref)) == {"sev-es.launch_measured"}
}
