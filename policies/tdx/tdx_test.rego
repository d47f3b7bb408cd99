package ccpolicy.tdx_test

import rego.v1

import data.ccpolicy.tdx

# Values of ../shared/vectors/tdx/qvl_tdx_quote_v4.bin as the DCAP plugin states them.
mrtd := "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"

rtmr0 := "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0"

zero48 := concat("", ["00" | some _ in numbers.range(1, 48)])

mrseam := "5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab58c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1"

good_input := {
	"tee": "tdx",
	"evidence": {
		"measurements": {
			"mrtd": mrtd, "rtmr0": rtmr0, "rtmr1": zero48, "rtmr2": zero48, "rtmr3": zero48,
			"mrseam": mrseam,
		},
		"debug": false,
		"tcb": {"status": "UpToDate", "date": "2024-03-13T00:00:00Z", "advisories": []},
		"nonce_verified": true,
	},
	"tdx": {
		"report": {"debug": false, "sept_ve_disable": true},
		"tcb": {
			"status": "UpToDate",
			"not_supported": null,
			"qe_level": {"status": "UpToDate", "tcb_date": "2024-03-13T00:00:00Z", "advisory_ids": []},
			"up_to_date_date": "2024-03-13T00:00:00Z",
			"components_behind": [],
		},
	},
	"now": "2025-07-01T00:00:00Z",
}

good_data := {
	"measurements": {"mrtd": [upper(mrtd)], "rtmr0": [rtmr0], "rtmr1": [], "rtmr2": [], "rtmr3": [], "mrseam": []},
	"allow_debug": false,
	"allow_sept_ve": false,
	"accepted_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],
	"allowed_advisories": ["INTEL-SA-00615"],
	"accepted_qe_statuses": ["UpToDate"],
	"require_freshness": true,
}

result_for(doc, ref) := result if {
	result := tdx.result with input as doc with data.tdx as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

claims_of(result) := {r.claim | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

with_measurements(references) := object.union(good_data, {"measurements": object.union(good_data.measurements, references)})

# The platforms of the stale real vectors: no matched level, components behind the UpToDate level.
no_matching_level := patched([
	replace("/evidence/tcb/status", null),
	replace("/evidence/tcb/date", null),
	replace("/tdx/tcb/not_supported", "no TCB level matches the PCK certificate's SGX TCB components and PCESVN"),
	replace("/tdx/tcb/up_to_date_date", "2024-11-13T00:00:00Z"),
	replace("/tdx/tcb/components_behind", [
		{"name": "sgx_comp08", "platform": 3, "required": 5},
		{"name": "tdx_comp03", "platform": 4, "required": 5},
	]),
])

hardening_needed := patched([
	replace("/evidence/tcb/status", "SWHardeningNeeded"),
	replace("/evidence/tcb/advisories", ["INTEL-SA-00289", "INTEL-SA-00615"]),
])

test_good_td_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {
		"instance-identity": 2, "configuration": 2, "executables": 3,
		"hardware": 2, "runtime-opaque": 2,
	}
}

test_debug_is_contraindicated if {
	result := result_for(patched([replace("/tdx/report/debug", true)]), good_data)
	rules_of(result) == {"tdx.debug_forbidden"}
	result.trust_vector.configuration == 96
}

test_debug_allowed_by_data if {
	doc := patched([replace("/tdx/report/debug", true)])
	count(result_for(doc, object.union(good_data, {"allow_debug": true})).reasons) == 0
}

test_sept_ve_disable_required if {
	result := result_for(patched([replace("/tdx/report/sept_ve_disable", false)]), good_data)
	rules_of(result) == {"tdx.sept_ve_disable_required"}
	result.trust_vector.configuration == 32
}

test_sept_ve_allowed_by_data if {
	doc := patched([replace("/tdx/report/sept_ve_disable", false)])
	count(result_for(doc, object.union(good_data, {"allow_sept_ve": true})).reasons) == 0
}

test_no_matching_level_says_how_far_behind if {
	result := result_for(no_matching_level, good_data)
	rules_of(result) == {"tdx.tcb_status_accepted"}
	result.trust_vector.hardware == 97
	[reason] := result.reasons
	reason.value == null
	reason.message == concat("; ", [
		"no TCB level of the TCB info matches this platform (no TCB level matches the PCK certificate's SGX TCB components and PCESVN)",
		"the UpToDate level is dated 2024-11-13T00:00:00Z",
		"components behind it: sgx_comp08 3 (needs 5), tdx_comp03 4 (needs 5)",
	])
}

test_no_matching_level_cannot_be_accepted if {
	result := result_for(no_matching_level, object.union(good_data, {"accepted_tcb_statuses": [null, "UpToDate"]}))
	rules_of(result) == {"tdx.tcb_status_accepted"}
}

test_out_of_date_is_a_warning if {
	doc := patched([replace("/evidence/tcb/status", "OutOfDate")])
	result := result_for(doc, good_data)
	rules_of(result) == {"tdx.tcb_status_accepted"}
	result.trust_vector.hardware == 32
	[reason] := result.reasons
	startswith(reason.message, "TCB status OutOfDate (of the TCB level dated 2024-03-13T00:00:00Z) is not accepted")
	endswith(reason.message, "no component is behind it")
}

test_revoked_is_contraindicated if {
	doc := patched([replace("/evidence/tcb/status", "Revoked")])
	result := result_for(doc, object.union(good_data, {"accepted_tcb_statuses": ["Revoked"]}))
	result.trust_vector.hardware == 96
}

test_without_up_to_date_level if {
	doc := patched([replace("/evidence/tcb/status", "OutOfDate"), replace("/tdx/tcb/up_to_date_date", null)])
	[reason] := result_for(doc, good_data).reasons
	endswith(reason.message, "the TCB info has no UpToDate level")
}

test_accepted_status_needs_allow_listed_advisories if {
	result := result_for(hardening_needed, good_data)
	rules_of(result) == {"tdx.tcb_advisories_allowed"}
	[reason] := result.reasons
	contains(reason.message, "not allow-listed: INTEL-SA-00289")
}

test_accepted_status_with_every_advisory_allow_listed if {
	ref := object.union(good_data, {"allowed_advisories": ["INTEL-SA-00289", "INTEL-SA-00615"]})
	count(result_for(hardening_needed, ref).reasons) == 0
}

test_qe_identity_out_of_date if {
	result := result_for(patched([replace("/tdx/tcb/qe_level/status", "OutOfDate")]), good_data)
	rules_of(result) == {"tdx.qe_identity_status"}
	result.trust_vector.hardware == 32
}

test_qe_below_every_level if {
	result := result_for(patched([replace("/tdx/tcb/qe_level", null)]), good_data)
	rules_of(result) == {"tdx.qe_identity_status"}
	result.trust_vector.hardware == 97
	[reason] := result.reasons
	reason.message == "the quoting enclave's ISVSVN is below every level of the QE identity"
}

test_mrtd_required if {
	result := result_for(good_input, with_measurements({"mrtd": []}))
	claims_of(result) == {"evidence.measurements.mrtd"}
	result.trust_vector.executables == 33
	[reason] := result.reasons
	reason.message == "MRTD is not among its 0 reference values"
}

test_rtmr_checked_when_listed if {
	doc := patched([replace("/evidence/measurements/rtmr0", zero48)])
	result := result_for(doc, good_data)
	claims_of(result) == {"evidence.measurements.rtmr0"}
	count(result_for(doc, with_measurements({"rtmr0": []})).reasons) == 0
}

test_every_listed_measurement_checked if {
	ref := with_measurements({"rtmr1": ["ab"], "rtmr2": ["ab"], "rtmr3": [zero48], "mrseam": ["ab"]})
	claims_of(result_for(good_input, ref)) == {
		"evidence.measurements.rtmr1", "evidence.measurements.rtmr2", "evidence.measurements.mrseam",
	}
}

test_missing_measurement_makes_all_unknown if {
	result := result_for(json.remove(good_input, ["evidence/measurements/rtmr3"]), good_data)
	claims_of(result) == {"evidence.measurements.mrtd", "evidence.measurements.rtmr0"}
}

test_freshness_required_without_nonce if {
	result := result_for(patched([replace("/evidence/nonce_verified", false)]), good_data)
	rules_of(result) == {"tdx.freshness_required"}
	result.trust_vector["instance-identity"] == 97
	count(result_for(patched([replace("/evidence/nonce_verified", null)]), object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "tdx"}, good_data)
	rules_of(result) == {
		"tdx.debug_forbidden", "tdx.sept_ve_disable_required", "tdx.tcb_status_accepted",
		"tdx.qe_identity_status", "tdx.measurement_known", "tdx.freshness_required",
	}
}

test_reference_hex_in_either_case if {
	ref := with_measurements({"mrtd": [mrtd], "rtmr0": [upper(rtmr0)]})
	count(result_for(good_input, ref).reasons) == 0
}

test_reference_for_a_measurement_the_quote_lacks if {
	result := result_for(good_input, with_measurements({"rtmr4": ["ab"]}))
	[reason] := result.reasons
	reason.claim == "evidence.measurements.rtmr4"
	reason.value == null
	reason.expected == ["ab"]
}

# --allow-unevaluated-tcb without TCB info: a warning unless the data accepts NotEvaluated.
not_evaluated := patched([
	replace("/evidence/tcb/status", "NotEvaluated"),
	replace("/evidence/tcb/date", null),
	replace("/tdx/tcb/status", "NotEvaluated"),
	replace("/tdx/tcb/up_to_date_date", null),
])

test_not_evaluated_tcb_is_a_warning if {
	result := result_for(not_evaluated, good_data)
	rules_of(result) == {"tdx.tcb_status_accepted"}
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
	not "tdx.tcb_status_accepted" in rules_of(result_for(not_evaluated, ref))
}
