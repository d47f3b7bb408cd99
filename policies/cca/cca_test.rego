package ccpolicy.cca_test

import rego.v1

import data.ccpolicy.cca

# Values of ../shared/vectors/cca/tfrmm_cca_token.cbor as the CCA plugin states them (RIM and REMs made
# non-zero here, so that a zero value can stand for an unknown one).
fvp_hash := "07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918"

rim := "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5"

zero32 := concat("", ["00" | some _ in numbers.range(1, 32)])

component(type, version) := {
	"measurement_type": type,
	"measurement_value": fvp_hash,
	"version": version,
	"signer_id": fvp_hash,
	"measurement_description": null,
}

good_input := {
	"tee": "cca",
	"evidence": {
		"measurements": {
			"rim": rim, "rem0": zero32, "rem1": zero32, "rem2": zero32, "rem3": zero32,
			"platform/BL": fvp_hash, "platform/M1": fvp_hash,
		},
		"debug": false,
		"nonce_verified": true,
	},
	"cca": {
		"platform": {
			"lifecycle": {"value": 12291, "name": "secured", "secured": true},
			"software_components": [component("BL", "3.4.2"), component("M1", "1.2")],
			"cpak_matches_instance_id": true,
		},
		"realm": {"initial_measurement": rim},
	},
}

good_data := {
	"measurements": {"rim": [upper(rim)], "rem0": [], "rem1": [], "rem2": [], "rem3": []},
	"platform_software_components": [
		{"measurement_type": "BL", "signer_id": upper(fvp_hash), "measurement_value": fvp_hash},
		{"signer_id": fvp_hash, "measurement_value": fvp_hash},
	],
	"accepted_lifecycles": ["secured"],
	"allow_unbound_key": false,
	"require_freshness": true,
}

result_for(doc, ref) := result if {
	result := cca.result with input as doc with data.cca as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

claims_of(result) := {r.claim | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

with_measurements(references) := object.union(good_data, {"measurements": object.union(good_data.measurements, references)})

test_good_token_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {"instance-identity": 2, "configuration": 2, "executables": 3, "hardware": 2}
}

test_debug_lifecycle_is_contraindicated if {
	lifecycle := {"value": 20480, "name": "recoverable_cca_platform_rot_debug", "secured": false}
	result := result_for(patched([replace("/cca/platform/lifecycle", lifecycle)]), good_data)
	rules_of(result) == {"cca.lifecycle_secured"}
	result.trust_vector.configuration == 96
	[reason] := result.reasons
	startswith(reason.message, "the platform security lifecycle is recoverable_cca_platform_rot_debug, not an accepted one [\"secured\"]")
}

test_lifecycle_accepted_by_data if {
	doc := patched([replace("/cca/platform/lifecycle/name", "cca_platform_rot_provisioning")])
	ref := object.union(good_data, {"accepted_lifecycles": ["secured", "cca_platform_rot_provisioning"]})
	count(result_for(doc, ref).reasons) == 0
}

test_unbound_platform_key if {
	doc := patched([replace("/cca/platform/cpak_matches_instance_id", false)])
	result := result_for(doc, good_data)
	rules_of(result) == {"cca.instance_id_bound"}
	result.trust_vector["instance-identity"] == 97
	count(result_for(doc, object.union(good_data, {"allow_unbound_key": true})).reasons) == 0
}

test_rim_required if {
	result := result_for(good_input, with_measurements({"rim": []}))
	claims_of(result) == {"evidence.measurements.rim"}
	result.trust_vector.executables == 33
	[reason] := result.reasons
	reason.message == "the realm's RIM is not among its 0 reference values"
}

test_unknown_rim if {
	result := result_for(patched([replace("/evidence/measurements/rim", zero32)]), good_data)
	claims_of(result) == {"evidence.measurements.rim"}
}

test_rem_checked_when_listed if {
	result := result_for(good_input, with_measurements({"rem1": ["ff"], "rem3": [zero32]}))
	claims_of(result) == {"evidence.measurements.rem1"}
}

test_missing_rem_makes_all_unknown if {
	result := result_for(json.remove(good_input, ["evidence/measurements/rem2"]), good_data)
	claims_of(result) == {"evidence.measurements.rim"}
}

test_no_platform_reference_values if {
	result := result_for(good_input, object.union(good_data, {"platform_software_components": []}))
	claims_of(result) == {"data.cca.platform_software_components"}
	result.trust_vector.executables == 33
}

test_unknown_platform_component if {
	doc := patched([replace("/cca/platform/software_components/1/measurement_value", zero32)])
	result := result_for(doc, good_data)
	claims_of(result) == {"cca.platform.software_components[1]"}
	[reason] := result.reasons
	startswith(reason.message, "platform software component M1 (version 1.2) is not among the reference values")
}

test_typed_reference_needs_the_same_type if {
	ref := object.union(good_data, {"platform_software_components": [good_data.platform_software_components[0]]})
	claims_of(result_for(good_input, ref)) == {"cca.platform.software_components[1]"}
}

test_no_platform_components_reported if {
	result := result_for(patched([replace("/cca/platform/software_components", [])]), good_data)
	claims_of(result) == {"cca.platform.software_components"}
}

test_freshness_required_without_nonce if {
	doc := patched([replace("/evidence/nonce_verified", null)])
	result := result_for(doc, good_data)
	rules_of(result) == {"cca.freshness_required"}
	result.trust_vector["instance-identity"] == 97
	count(result_for(doc, object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "cca"}, good_data)
	rules_of(result) == {
		"cca.lifecycle_secured", "cca.instance_id_bound", "cca.platform_components_known",
		"cca.measurement_known", "cca.freshness_required",
	}
}
