package ccpolicy.tpm_test

import rego.v1

import data.ccpolicy.tpm

pcr0 := "0f35c214608d93c7a6e68ae7359b4a8be5a0e99eea9107ece427c4dea4e439cf"

good_input := {
	"tee": "tpm",
	"evidence": {"measurements": {"sha256:pcr0": pcr0, "sha256:pcr7": "aa"}, "nonce_verified": true},
	"tpm": {"event_log": {"secure_boot": true}},
}

ref := {
	"pcrs": {"sha256:pcr0": [upper(pcr0)], "sha256:pcr7": ["aa", "bb"]},
	"require_secure_boot": true,
	"require_freshness": true,
}

result_for(doc, reference) := result if {
	result := tpm.result with input as doc with data.tpm as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

test_good_quote_is_affirmed if {
	result := result_for(good_input, ref)
	count(result.reasons) == 0
	result.trust_vector.executables == 3
}

test_no_reference_values if {
	result := result_for(good_input, json.patch(ref, [{"op": "replace", "path": "/pcrs", "value": {}}]))
	rules_of(result) == {"tpm.pcr_reference_values"}
	result.trust_vector.executables == 33
}

test_pcr_mismatch if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/measurements/sha256:pcr7", "value": "cc"}])
	result := result_for(doc, ref)
	[r.claim | some r in result.reasons] == ["evidence.measurements.sha256:pcr7"]
}

test_pcr_missing_from_quote if {
	result := result_for(good_input, object.union(ref, {"pcrs": {"sha384:pcr0": ["00"]}}))
	[r.value | some r in result.reasons] == [null]
}

test_secure_boot_off if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/tpm/event_log/secure_boot", "value": false}])
	result := result_for(doc, ref)
	rules_of(result) == {"tpm.secure_boot_required"}
	result.trust_vector.configuration == 32
}

test_secure_boot_unknown_without_event_log if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/tpm/event_log", "value": null}])
	result := result_for(doc, ref)
	result.trust_vector.configuration == 36
	count(result_for(doc, object.union(ref, {"require_secure_boot": false})).reasons) == 0
}

test_freshness_required if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/nonce_verified", "value": null}])
	result := result_for(doc, ref)
	rules_of(result) == {"tpm.freshness_required"}
	result.trust_vector["instance-identity"] == 97
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "tpm"}, ref)
	rules_of(result) == {"tpm.pcr_reference_values", "tpm.secure_boot_required", "tpm.freshness_required"}
	{[r.claim, r.value] | some r in result.reasons} == {
		["evidence.measurements.sha256:pcr0", null],
		["evidence.measurements.sha256:pcr7", null],
		["tpm.event_log.secure_boot", null],
		["evidence.nonce_verified", null],
	}
	result.trust_vector == {"instance-identity": 97, "configuration": 36, "executables": 33, "hardware": 2}
}

test_empty_input_with_default_data if {
	result := result_for({"tee": "tpm"}, data.tpm)
	rules_of(result) == {"tpm.pcr_reference_values", "tpm.secure_boot_required"}
	result.trust_vector.configuration == 36
}

# Each claim removed from the good input: exactly its rule fires, reporting null.
removed_claim_fires(path, rule, claim) if {
	result := result_for(json.remove(good_input, [path]), ref)
	[[r.rule, r.claim, r.value] | some r in result.reasons] == [[rule, claim, null]]
}

test_removed_pcr_is_not_known if {
	removed_claim_fires("evidence/measurements/sha256:pcr7", "tpm.pcr_reference_values", "evidence.measurements.sha256:pcr7")
}

test_removed_measurements_are_not_known if {
	result := result_for(json.remove(good_input, ["evidence/measurements"]), ref)
	{[r.claim, r.value] | some r in result.reasons} == {
		["evidence.measurements.sha256:pcr0", null],
		["evidence.measurements.sha256:pcr7", null],
	}
}

test_pcr_value_not_a_string if {
	doc := json.patch(good_input, [{"op": "replace", "path": "/evidence/measurements/sha256:pcr7", "value": null}])
	[r.claim | some r in result_for(doc, ref).reasons] == ["evidence.measurements.sha256:pcr7"]
}

test_removed_secure_boot_is_unknown if {
	removed_claim_fires("tpm/event_log/secure_boot", "tpm.secure_boot_required", "tpm.event_log.secure_boot")
	removed_claim_fires("tpm", "tpm.secure_boot_required", "tpm.event_log.secure_boot")
}

test_removed_nonce_verified_is_not_fresh if {
	removed_claim_fires("evidence/nonce_verified", "tpm.freshness_required", "evidence.nonce_verified")
}
