package ccpolicy.ibmse_test

import rego.v1

import data.ccpolicy.ibmse

pld := concat("", ["11" | some _ in numbers.range(1, 64)])

ald := concat("", ["22" | some _ in numbers.range(1, 64)])

tld := concat("", ["33" | some _ in numbers.range(1, 64)])

tag := "44444444444444444444444444444444"

host_key := "aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55"

good_input := {
	"tee": "ibmse",
	"evidence": {"nonce_verified": true},
	"ibmse": {
		"image": {"pld": pld, "ald": ald, "tld": tld, "tag": tag, "allow_dumping": false},
		"config_uid": "0123456789abcdef0123456789abcdef",
		"additional_data": {
			"image_public_host_key_hash": host_key,
			"attestation_public_host_key_hash": host_key,
		},
	},
}

ref := {
	"images": [{"pld": upper(pld), "ald": ald, "tld": tld, "tag": tag}],
	"config_uids": ["0123456789ABCDEF0123456789ABCDEF"],
	"host_key_hashes": [host_key],
	"allow_dumping": false,
	"require_freshness": true,
}

result_for(doc, reference) := result if {
	result := ibmse.result with input as doc with data.ibmse as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

patched_ref(path, value) := json.patch(ref, [{"op": "replace", "path": path, "value": value}])

patched_input(path, value) := json.patch(good_input, [{"op": "replace", "path": path, "value": value}])

test_good_response_is_affirmed if {
	result := result_for(good_input, ref)
	count(result.reasons) == 0
	result.trust_vector.executables == 3
	result.trust_vector["instance-identity"] == 2
}

test_default_data_leaves_the_image_unrecognized if {
	result := result_for(good_input, data.ibmse)
	rules_of(result) == {"ibmse.image_reference_values"}
	result.trust_vector.executables == 33
}

test_unknown_image if {
	result := result_for(patched_input("/ibmse/image/tld", ald), ref)
	rules_of(result) == {"ibmse.image_known"}
	result.trust_vector.executables == 33
}

test_reference_may_name_only_the_tag if {
	result := result_for(good_input, patched_ref("/images", [{"pld": ald}, {"tag": upper(tag)}]))
	count(result.reasons) == 0
}

test_reference_image_naming_no_tag_matches_nothing if {
	result := result_for(good_input, patched_ref("/images", [{}, {"name": "label only"}]))
	rules_of(result) == {"ibmse.image_known"}
}

test_reference_labels_are_ignored if {
	labelled := object.union(ref.images[0], {"name": "production image 2025-06"})
	count(result_for(good_input, patched_ref("/images", [labelled])).reasons) == 0
}

test_dumping_is_contraindicated if {
	result := result_for(patched_input("/ibmse/image/allow_dumping", true), ref)
	rules_of(result) == {"ibmse.dumping_forbidden"}
	result.trust_vector.configuration == 96
}

test_dumping_allowed_by_data if {
	doc := patched_input("/ibmse/image/allow_dumping", true)
	count(result_for(doc, patched_ref("/allow_dumping", true)).reasons) == 0
}

test_control_flags_unknown_without_se_header if {
	result := result_for(patched_input("/ibmse/image/allow_dumping", null), ref)
	rules_of(result) == {"ibmse.control_flags_unknown"}
	result.trust_vector.configuration == 36
}

test_config_uid_not_allowed if {
	result := result_for(patched_input("/ibmse/config_uid", "ffffffffffffffffffffffffffffffff"), ref)
	rules_of(result) == {"ibmse.config_uid_allowed"}
	result.trust_vector["instance-identity"] == 97
}

test_config_uid_unchecked_when_list_empty if {
	doc := patched_input("/ibmse/config_uid", "ffffffffffffffffffffffffffffffff")
	count(result_for(doc, patched_ref("/config_uids", [])).reasons) == 0
}

test_attestation_host_key_not_allowed if {
	doc := patched_input("/ibmse/additional_data/attestation_public_host_key_hash", tag)
	result := result_for(doc, ref)
	[r.claim | some r in result.reasons] == ["ibmse.additional_data.attestation_public_host_key_hash"]
	result.trust_vector.hardware == 97
}

test_host_key_hashes_missing_from_response if {
	doc := patched_input("/ibmse/additional_data", {})
	result := result_for(doc, ref)
	count(result.reasons) == 2
	rules_of(result) == {"ibmse.host_key_allowed"}
}

# Without the ARPK the request is unproven: the verifier claims the additional data unsplit, every
# named field null, so the host-key hashes count as not shown good.
test_host_key_hashes_unproven_without_the_protection_key if {
	unsplit := {
		"image_public_host_key_hash": null,
		"attestation_public_host_key_hash": null,
		"secret_store_hash": null,
		"firmware_state": null,
		"unrecognized": concat("", [host_key, host_key]),
	}
	doc := json.patch(good_input, [
		{"op": "replace", "path": "/ibmse/additional_data", "value": unsplit},
		{"op": "add", "path": "/ibmse/request_authenticated", "value": false},
	])
	result := result_for(doc, ref)
	count(result.reasons) == 2
	rules_of(result) == {"ibmse.host_key_allowed"}
	count(result_for(doc, patched_ref("/host_key_hashes", [])).reasons) == 0
}

test_freshness_required if {
	result := result_for(patched_input("/evidence/nonce_verified", null), ref)
	rules_of(result) == {"ibmse.freshness_required"}
	result.trust_vector["instance-identity"] == 97
}

test_freshness_not_required if {
	doc := patched_input("/evidence/nonce_verified", null)
	count(result_for(doc, patched_ref("/require_freshness", false)).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "ibmse"}, ref)
	rules_of(result) == {
		"ibmse.image_known", "ibmse.control_flags_unknown", "ibmse.config_uid_allowed",
		"ibmse.host_key_allowed", "ibmse.freshness_required",
	}
	{[r.claim, r.value] | some r in result.reasons} == {
		["ibmse.image", null],
		["ibmse.image.allow_dumping", null],
		["ibmse.config_uid", null],
		["ibmse.additional_data.image_public_host_key_hash", null],
		["ibmse.additional_data.attestation_public_host_key_hash", null],
		["evidence.nonce_verified", null],
	}
	result.trust_vector == {"instance-identity": 97, "configuration": 36, "executables": 33, "hardware": 97}
}

test_empty_input_with_default_data if {
	result := result_for({"tee": "ibmse"}, data.ibmse)
	rules_of(result) == {"ibmse.image_reference_values", "ibmse.control_flags_unknown"}
	result.trust_vector.configuration == 36
}

# Each claim removed from the good input: exactly its rule fires, reporting null.
removed_claim_fires(path, rule, claim) if {
	result := result_for(json.remove(good_input, [path]), ref)
	[[r.rule, r.claim, r.value] | some r in result.reasons] == [[rule, claim, null]]
}

test_removed_allow_dumping_is_unknown if {
	removed_claim_fires("ibmse/image/allow_dumping", "ibmse.control_flags_unknown", "ibmse.image.allow_dumping")
}

test_removed_config_uid_is_not_allowed if {
	removed_claim_fires("ibmse/config_uid", "ibmse.config_uid_allowed", "ibmse.config_uid")
}

test_removed_host_key_hash_is_not_allowed if {
	removed_claim_fires(
		"ibmse/additional_data/image_public_host_key_hash",
		"ibmse.host_key_allowed", "ibmse.additional_data.image_public_host_key_hash",
	)
}

test_removed_nonce_verified_is_not_fresh if {
	removed_claim_fires("evidence/nonce_verified", "ibmse.freshness_required", "evidence.nonce_verified")
}

# A tag the reference names and the input lacks: the image is unknown, the tags shown are reported.
test_removed_image_tag_is_not_known if {
	result := result_for(json.remove(good_input, ["ibmse/image/pld"]), ref)
	[[r.rule, r.value] | some r in result.reasons] == [["ibmse.image_known", {"ald": ald, "tld": tld, "tag": tag}]]
}

test_removed_image_is_unknown_and_its_flags_too if {
	result := result_for(json.remove(good_input, ["ibmse/image"]), ref)
	{[r.rule, r.value] | some r in result.reasons} == {["ibmse.image_known", null], ["ibmse.control_flags_unknown", null]}
}

test_removed_additional_data_leaves_both_host_keys_unknown if {
	result := result_for(json.remove(good_input, ["ibmse/additional_data"]), ref)
	{[r.claim, r.value] | some r in result.reasons} == {
		["ibmse.additional_data.image_public_host_key_hash", null],
		["ibmse.additional_data.attestation_public_host_key_hash", null],
	}
}
