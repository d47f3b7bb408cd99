package ccpolicy.sgx_test

import rego.v1

import data.ccpolicy.sgx

# Values of ../shared/vectors/sgx/qvl_sgx_quote_v3.bin as the DCAP plugin states them.
mrenclave := "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"

mrsigner := "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6"

good_input := {
	"tee": "sgx",
	"evidence": {
		"measurements": {"mrenclave": mrenclave},
		"signer": mrsigner,
		"debug": false,
		"tcb": {"status": "UpToDate", "date": "2024-11-13T00:00:00Z", "advisories": []},
		"nonce_verified": true,
	},
	"sgx": {
		"report": {"debug": false, "isv_prod_id": 0, "isv_svn": 2},
		"tcb": {
			"status": "UpToDate",
			"not_supported": null,
			"qe_level": {"status": "UpToDate", "tcb_date": "2024-11-13T00:00:00Z", "advisory_ids": []},
			"up_to_date_date": "2024-11-13T00:00:00Z",
			"components_behind": [],
		},
	},
	"now": "2025-07-01T00:00:00Z",
}

good_data := {
	"mrenclaves": [upper(mrenclave)],
	"mrsigners": [mrsigner],
	"isv_prod_id": 0,
	"min_isv_svn": 2,
	"allow_debug": false,
	"accepted_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],
	"allowed_advisories": ["INTEL-SA-00615"],
	"accepted_qe_statuses": ["UpToDate"],
	"require_freshness": true,
}

result_for(doc, ref) := result if {
	result := sgx.result with input as doc with data.sgx as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

# The platform of the real vector: a matched level below UpToDate, with advisories.
hardening_needed := patched([
	replace("/evidence/tcb/status", "SWHardeningNeeded"),
	replace("/evidence/tcb/date", "2024-03-13T00:00:00Z"),
	replace("/evidence/tcb/advisories", ["INTEL-SA-00289", "INTEL-SA-00615"]),
])

test_good_enclave_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {
		"instance-identity": 2, "configuration": 2, "executables": 3,
		"hardware": 2, "runtime-opaque": 2,
	}
}

test_debug_is_contraindicated if {
	result := result_for(patched([replace("/sgx/report/debug", true)]), good_data)
	rules_of(result) == {"sgx.debug_forbidden"}
	result.trust_vector.configuration == 96
}

test_debug_unknown_is_contraindicated if {
	result := result_for(json.remove(good_input, ["sgx/report/debug"]), good_data)
	rules_of(result) == {"sgx.debug_forbidden"}
}

test_debug_allowed_by_data if {
	result := result_for(patched([replace("/sgx/report/debug", true)]), object.union(good_data, {"allow_debug": true}))
	count(result.reasons) == 0
}

test_status_not_accepted_says_how_far_behind if {
	doc := patched([
		replace("/evidence/tcb/status", "OutOfDate"),
		replace("/evidence/tcb/date", "2024-03-13T00:00:00Z"),
		replace("/sgx/tcb/components_behind", [{"name": "sgx_comp08", "platform": 3, "required": 5}]),
	])
	result := result_for(doc, good_data)
	rules_of(result) == {"sgx.tcb_status_accepted"}
	result.trust_vector.hardware == 32
	[reason] := result.reasons
	reason.value == "OutOfDate"
	reason.message == concat("; ", [
		"TCB status OutOfDate (of the TCB level dated 2024-03-13T00:00:00Z) is not accepted (accepted: [\"UpToDate\", \"SWHardeningNeeded\"])",
		"the UpToDate level is dated 2024-11-13T00:00:00Z",
		"components behind it: sgx_comp08 3 (needs 5)",
	])
}

test_no_matching_level_is_never_accepted if {
	doc := patched([
		replace("/evidence/tcb/status", null),
		replace("/evidence/tcb/date", null),
		replace("/sgx/tcb/not_supported", "no TCB level matches the PCK certificate's SGX TCB components and PCESVN"),
	])
	result := result_for(doc, object.union(good_data, {"accepted_tcb_statuses": ["UpToDate", null]}))
	rules_of(result) == {"sgx.tcb_status_accepted"}
	result.trust_vector.hardware == 97
	[reason] := result.reasons
	startswith(reason.message, "no TCB level of the TCB info matches this platform (no TCB level matches the PCK")
	endswith(reason.message, "PCESVN); the UpToDate level is dated 2024-11-13T00:00:00Z; no component is behind it")
}

test_missing_status_is_not_accepted if {
	result := result_for(json.remove(good_input, ["evidence/tcb"]), good_data)
	rules_of(result) == {"sgx.tcb_status_accepted"}
	result.trust_vector.hardware == 97
}

test_revoked_is_never_accepted if {
	doc := patched([replace("/evidence/tcb/status", "Revoked")])
	result := result_for(doc, object.union(good_data, {"accepted_tcb_statuses": ["Revoked"]}))
	rules_of(result) == {"sgx.tcb_status_accepted"}
	result.trust_vector.hardware == 96
}

test_without_up_to_date_level if {
	doc := json.patch(hardening_needed, [replace("/sgx/tcb/up_to_date_date", null)])
	result := result_for(doc, object.union(good_data, {"accepted_tcb_statuses": ["UpToDate"]}))
	[reason] := result.reasons
	endswith(reason.message, "the TCB info has no UpToDate level")
}

test_accepted_status_needs_allow_listed_advisories if {
	result := result_for(hardening_needed, good_data)
	rules_of(result) == {"sgx.tcb_advisories_allowed"}
	result.trust_vector.hardware == 32
	[reason] := result.reasons
	contains(reason.message, "not allow-listed: INTEL-SA-00289")
}

test_accepted_status_with_every_advisory_allow_listed if {
	ref := object.union(good_data, {"allowed_advisories": ["INTEL-SA-00289", "INTEL-SA-00615"]})
	count(result_for(hardening_needed, ref).reasons) == 0
}

test_up_to_date_needs_no_advisory_allow_list if {
	doc := patched([replace("/evidence/tcb/advisories", ["INTEL-SA-00289"])])
	count(result_for(doc, good_data).reasons) == 0
}

test_qe_identity_out_of_date if {
	result := result_for(patched([replace("/sgx/tcb/qe_level/status", "OutOfDate")]), good_data)
	rules_of(result) == {"sgx.qe_identity_status"}
	result.trust_vector.hardware == 32
	[reason] := result.reasons
	contains(reason.message, "identity status OutOfDate is not accepted")
}

test_qe_below_every_level if {
	result := result_for(patched([replace("/sgx/tcb/qe_level", null)]), good_data)
	rules_of(result) == {"sgx.qe_identity_status"}
	result.trust_vector.hardware == 97
}

test_qe_status_accepted_by_data if {
	doc := patched([replace("/sgx/tcb/qe_level/status", "OutOfDate")])
	ref := object.union(good_data, {"accepted_qe_statuses": ["UpToDate", "OutOfDate"]})
	count(result_for(doc, ref).reasons) == 0
}

test_no_reference_values if {
	result := result_for(good_input, object.union(good_data, {"mrenclaves": [], "mrsigners": []}))
	rules_of(result) == {"sgx.measurement_known"}
	[r.claim | some r in result.reasons] == ["data.sgx"]
	result.trust_vector.executables == 33
}

test_unknown_mrenclave if {
	doc := patched([replace("/evidence/measurements/mrenclave", concat("", ["00", substring(mrenclave, 2, -1)]))])
	result := result_for(doc, good_data)
	[r.claim | some r in result.reasons] == ["evidence.measurements.mrenclave"]
	result.trust_vector.executables == 33
}

test_unknown_mrsigner if {
	result := result_for(patched([replace("/evidence/signer", null)]), good_data)
	[r.claim | some r in result.reasons] == ["evidence.signer"]
}

test_mrenclave_alone_suffices if {
	count(result_for(good_input, object.union(good_data, {"mrsigners": [], "isv_prod_id": null})).reasons) == 0
}

test_mrsigner_alone_needs_a_product_id if {
	ref := object.union(good_data, {"mrenclaves": [], "isv_prod_id": null})
	result := result_for(good_input, ref)
	[r.claim | some r in result.reasons] == ["data.sgx.isv_prod_id"]
	count(result_for(good_input, object.union(ref, {"isv_prod_id": 0})).reasons) == 0
}

test_other_product_id if {
	result := result_for(patched([replace("/sgx/report/isv_prod_id", 7)]), good_data)
	rules_of(result) == {"sgx.isv_prod_id"}
	result.trust_vector.executables == 33
}

test_isv_svn_below_minimum if {
	result := result_for(patched([replace("/sgx/report/isv_svn", 1)]), good_data)
	rules_of(result) == {"sgx.minimum_isv_svn"}
	result.trust_vector.executables == 32
}

test_isv_svn_missing if {
	result := result_for(json.remove(good_input, ["sgx/report/isv_svn"]), good_data)
	rules_of(result) == {"sgx.minimum_isv_svn"}
}

test_freshness_required_without_nonce if {
	result := result_for(patched([replace("/evidence/nonce_verified", null)]), good_data)
	rules_of(result) == {"sgx.freshness_required"}
	result.trust_vector["instance-identity"] == 97
}

test_freshness_not_required if {
	doc := patched([replace("/evidence/nonce_verified", null)])
	count(result_for(doc, object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "sgx"}, good_data)
	rules_of(result) == {
		"sgx.debug_forbidden", "sgx.tcb_status_accepted", "sgx.qe_identity_status",
		"sgx.measurement_known", "sgx.isv_prod_id", "sgx.minimum_isv_svn",
		"sgx.freshness_required",
	}
}

test_reference_hex_in_either_case if {
	lower_case := object.union(good_data, {"mrenclaves": [mrenclave], "mrsigners": [mrsigner]})
	count(result_for(good_input, lower_case).reasons) == 0
	upper_case := object.union(good_data, {"mrenclaves": [upper(mrenclave)], "mrsigners": [upper(mrsigner)]})
	count(result_for(good_input, upper_case).reasons) == 0
}

test_product_id_missing if {
	result := result_for(json.remove(good_input, ["sgx/report/isv_prod_id"]), good_data)
	rules_of(result) == {"sgx.isv_prod_id"}
}

# --allow-unevaluated-tcb without TCB info: a warning unless the data accepts NotEvaluated.
not_evaluated := patched([
	replace("/evidence/tcb/status", "NotEvaluated"),
	replace("/evidence/tcb/date", null),
	replace("/sgx/tcb/status", "NotEvaluated"),
	replace("/sgx/tcb/up_to_date_date", null),
])

test_not_evaluated_tcb_is_a_warning if {
	result := result_for(not_evaluated, good_data)
	rules_of(result) == {"sgx.tcb_status_accepted"}
	result.trust_vector.hardware == 32
	[reason] := result.reasons
	reason.value == "NotEvaluated"
	reason.message == concat("; ", [
		"the TCB was not evaluated: the collateral has no TCB info for this platform (its FMSPC)",
		"fetch the TCB info from Intel PCS and pass it with --collateral",
	])
}

test_not_evaluated_tcb_accepted_by_data if {
	ref := object.union(good_data, {"accepted_tcb_statuses": ["UpToDate", "NotEvaluated"]})
	not "sgx.tcb_status_accepted" in rules_of(result_for(not_evaluated, ref))
}
