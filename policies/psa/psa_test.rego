package ccpolicy.psa_test

import rego.v1

import data.ccpolicy.psa

# Values of ../shared/vectors/psa/tfm_psa-2_0_0_sign1.cbor as the PSA plugin states them.
spe := {
	"measurement_type": "SPE",
	"measurement_value": "96a2ec56c65120a60ce3a53ef8d2082233772aacd5b17935a92be12ac577f685",
	"version": "1.6.0",
	"signer_id": "bfe6d86f8826f4ff97fb96c4e6fbc4993e4619fc565da26adf34c329489adc38",
	"measurement_description": "SHA256",
}

nspe := {
	"measurement_type": "NSPE",
	"measurement_value": "087d13c68f32aaafb8c4fc0a2253445432009765e216fb85c398c9580522c1bf",
	"version": "0.0.0",
	"signer_id": "b360caf5c98c6b942a4882fa9d4823efb166a9ef6a6e4aa37c1919ed1fccc049",
	"measurement_description": "SHA256",
}

good_input := {
	"tee": "psa",
	"evidence": {"debug": false, "nonce_verified": true},
	"psa": {
		"lifecycle": {"value": 12288, "name": "secured", "secured": true},
		"software_components": [spe, nspe],
		"iak_matches_instance_id": true,
	},
}

good_data := {
	"software_components": [
		{"measurement_type": "SPE", "signer_id": upper(spe.signer_id), "measurement_value": spe.measurement_value},
		{"signer_id": nspe.signer_id, "measurement_value": upper(nspe.measurement_value)},
	],
	"accepted_lifecycles": ["secured"],
	"allow_unbound_key": false,
	"require_freshness": true,
}

result_for(doc, ref) := result if {
	result := psa.result with input as doc with data.psa as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

claims_of(result) := {r.claim | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

test_good_token_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {"instance-identity": 2, "configuration": 2, "executables": 3, "hardware": 2}
}

test_debug_lifecycle_is_contraindicated if {
	doc := patched([replace("/psa/lifecycle", {"value": 16384, "name": "non_psa_rot_debug", "secured": false})])
	result := result_for(doc, good_data)
	rules_of(result) == {"psa.lifecycle_secured"}
	result.trust_vector.configuration == 96
	[reason] := result.reasons
	startswith(reason.message, "the security lifecycle is non_psa_rot_debug, not an accepted one [\"secured\"]")
}

test_lifecycle_accepted_by_data if {
	doc := patched([replace("/psa/lifecycle", {"value": 16384, "name": "non_psa_rot_debug", "secured": false})])
	ref := object.union(good_data, {"accepted_lifecycles": ["secured", "non_psa_rot_debug"]})
	count(result_for(doc, ref).reasons) == 0
}

test_missing_lifecycle_is_not_secured if {
	result := result_for(json.remove(good_input, ["psa/lifecycle"]), good_data)
	rules_of(result) == {"psa.lifecycle_secured"}
}

test_unbound_key if {
	result := result_for(patched([replace("/psa/iak_matches_instance_id", false)]), good_data)
	rules_of(result) == {"psa.instance_id_bound"}
	result.trust_vector["instance-identity"] == 97
	doc := patched([replace("/psa/iak_matches_instance_id", false)])
	count(result_for(doc, object.union(good_data, {"allow_unbound_key": true})).reasons) == 0
}

test_no_reference_values if {
	result := result_for(good_input, object.union(good_data, {"software_components": []}))
	claims_of(result) == {"data.psa.software_components"}
	result.trust_vector.executables == 33
}

test_unknown_measurement if {
	doc := patched([replace("/psa/software_components/1/measurement_value", spe.measurement_value)])
	result := result_for(doc, good_data)
	claims_of(result) == {"psa.software_components[1]"}
	result.trust_vector.executables == 33
	[reason] := result.reasons
	startswith(reason.message, "software component NSPE (version 0.0.0) is not among the reference values")
}

test_unknown_signer if {
	doc := patched([replace("/psa/software_components/0/signer_id", nspe.signer_id)])
	claims_of(result_for(doc, good_data)) == {"psa.software_components[0]"}
}

test_typed_reference_needs_the_same_type if {
	doc := patched([replace("/psa/software_components/0/measurement_type", "BL")])
	claims_of(result_for(doc, good_data)) == {"psa.software_components[0]"}
}

test_untyped_reference_matches_any_type if {
	doc := patched([replace("/psa/software_components/1/measurement_type", null)])
	count(result_for(doc, good_data).reasons) == 0
}

test_malformed_reference_entries_match_nothing if {
	ref := object.union(good_data, {"software_components": [{"signer_id": spe.signer_id}, {"measurement_value": 1}]})
	claims_of(result_for(good_input, ref)) == {"psa.software_components[0]", "psa.software_components[1]"}
}

test_no_components_reported if {
	result := result_for(patched([replace("/psa/software_components", [])]), good_data)
	claims_of(result) == {"psa.software_components"}
	result.trust_vector.executables == 33
}

test_freshness_required_without_nonce if {
	result := result_for(patched([replace("/evidence/nonce_verified", null)]), good_data)
	rules_of(result) == {"psa.freshness_required"}
	result.trust_vector["instance-identity"] == 97
	doc := patched([replace("/evidence/nonce_verified", null)])
	count(result_for(doc, object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "psa"}, good_data)
	rules_of(result) == {
		"psa.lifecycle_secured", "psa.instance_id_bound",
		"psa.software_components_known", "psa.freshness_required",
	}
}
