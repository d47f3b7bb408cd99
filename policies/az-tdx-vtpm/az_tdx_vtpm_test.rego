package ccpolicy.az_tdx_vtpm_test

import rego.v1

import data.ccpolicy.az_tdx_vtpm

mrtd := "024a32b070383331181619fa387cb4d55d1e38879f989933055ccad5bc2db795d1737b66205949d15469dc8c1ba7ab7b"

pcr0 := "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273"

good_input := {
	"tee": "az-tdx-vtpm",
	"evidence": {
		"measurements": {"mrtd": mrtd, "sha256:pcr0": pcr0},
		"tcb": {"status": "UpToDate"},
		"nonce_verified": true,
	},
	"az-tdx-vtpm": {
		"tdx": {"report": {"debug": false}},
		"vm_configuration": {"secure_boot": true, "tpm_enabled": true, "console_enabled": false},
	},
}

ref := {
	"mrtds": [upper(mrtd)],
	"pcrs": {"sha256:pcr0": [upper(pcr0)]},
	"allow_debug": false,
	"accepted_tcb_statuses": ["UpToDate"],
	"require_secure_boot": true,
	"require_tpm_enabled": true,
	"allow_console": false,
	"require_freshness": true,
}

result_for(doc, reference) := result if {
	result := az_tdx_vtpm.result with input as doc with data["az-tdx-vtpm"] as reference
}

rules_of(result) := {r.rule | some r in result.reasons}

patched(patch) := json.patch(good_input, [patch])

test_good_evidence_is_affirmed if {
	result := result_for(good_input, ref)
	count(result.reasons) == 0
	result.trust_vector.executables == 3
}

test_debug_is_contraindicated if {
	doc := patched({"op": "replace", "path": "/az-tdx-vtpm/tdx/report/debug", "value": true})
	result := result_for(doc, ref)
	rules_of(result) == {"az-tdx-vtpm.debug_forbidden"}
	result.trust_vector.configuration == 96
	count(result_for(doc, object.union(ref, {"allow_debug": true})).reasons) == 0
}

test_unknown_mrtd if {
	result := result_for(good_input, object.union(ref, {"mrtds": ["00"]}))
	rules_of(result) == {"az-tdx-vtpm.mrtd_known"}
	result.trust_vector.executables == 33
}

test_out_of_date_tcb if {
	doc := patched({"op": "replace", "path": "/evidence/tcb/status", "value": "OutOfDate"})
	result := result_for(doc, ref)
	rules_of(result) == {"az-tdx-vtpm.tcb_status"}
	result.trust_vector.hardware == 32
	count(result_for(doc, object.union(ref, {"accepted_tcb_statuses": ["UpToDate", "OutOfDate"]})).reasons) == 0
}

test_unappraised_tcb if {
	doc := patched({"op": "replace", "path": "/evidence/tcb/status", "value": null})
	rules_of(result_for(doc, ref)) == {"az-tdx-vtpm.tcb_status"}
}

test_no_pcr_reference_values if {
	result := result_for(good_input, json.patch(ref, [{"op": "replace", "path": "/pcrs", "value": {}}]))
	rules_of(result) == {"az-tdx-vtpm.pcr_reference_values"}
}

test_pcr_mismatch_and_missing if {
	result := result_for(good_input, object.union(ref, {"pcrs": {"sha256:pcr0": ["aa"], "sha256:pcr9": ["bb"]}}))
	{r.claim: r.value | some r in result.reasons} == {
		"evidence.measurements.sha256:pcr0": pcr0,
		"evidence.measurements.sha256:pcr9": null,
	}
}

test_secure_boot_off if {
	doc := patched({"op": "replace", "path": "/az-tdx-vtpm/vm_configuration/secure_boot", "value": false})
	rules_of(result_for(doc, ref)) == {"az-tdx-vtpm.secure_boot_required"}
}

test_tpm_disabled if {
	doc := patched({"op": "replace", "path": "/az-tdx-vtpm/vm_configuration/tpm_enabled", "value": false})
	rules_of(result_for(doc, ref)) == {"az-tdx-vtpm.tpm_enabled_required"}
}

test_console_forbidden_unless_allowed if {
	doc := patched({"op": "replace", "path": "/az-tdx-vtpm/vm_configuration/console_enabled", "value": true})
	rules_of(result_for(doc, ref)) == {"az-tdx-vtpm.console_forbidden"}
	count(result_for(doc, object.union(ref, {"allow_console": true})).reasons) == 0
}

test_freshness_required if {
	doc := patched({"op": "replace", "path": "/evidence/nonce_verified", "value": false})
	result := result_for(doc, ref)
	rules_of(result) == {"az-tdx-vtpm.freshness_required"}
	result.trust_vector["instance-identity"] == 97
}

test_shipped_defaults_deny_without_reference_values if {
	result := az_tdx_vtpm.result with input as good_input
	rules_of(result) == {"az-tdx-vtpm.mrtd_known", "az-tdx-vtpm.pcr_reference_values"}
}

# The one reason the good input gives without the claim at path, as [rule, claim, value].
reason_without(path) := [reason.rule, reason.claim, reason.value] if {
	[reason] := result_for(json.remove(good_input, [path]), ref).reasons
}

claims_without(path) := {[r.rule, r.claim, r.value] | some r in result_for(json.remove(good_input, [path]), ref).reasons}

test_missing_td_claims if {
	reason_without("az-tdx-vtpm/tdx/report/debug") == ["az-tdx-vtpm.debug_forbidden", "az-tdx-vtpm.tdx.report.debug", null]
	reason_without("az-tdx-vtpm/tdx") == ["az-tdx-vtpm.debug_forbidden", "az-tdx-vtpm.tdx.report.debug", null]
	reason_without("evidence/tcb/status") == ["az-tdx-vtpm.tcb_status", "evidence.tcb.status", null]
}

test_missing_tcb_status_message if {
	[reason] := result_for(json.remove(good_input, ["evidence/tcb"]), ref).reasons
	reason.message == "the TCB status null is not accepted (or not shown)"
}

test_missing_measurements if {
	reason_without("evidence/measurements/mrtd") == ["az-tdx-vtpm.mrtd_known", "evidence.measurements.mrtd", null]
	reason_without("evidence/measurements/sha256:pcr0") == ["az-tdx-vtpm.pcr_reference_values", "evidence.measurements.sha256:pcr0", null]
	claims_without("evidence/measurements") == {
		["az-tdx-vtpm.mrtd_known", "evidence.measurements.mrtd", null],
		["az-tdx-vtpm.pcr_reference_values", "evidence.measurements.sha256:pcr0", null],
	}
}

test_missing_vm_configuration_claims if {
	reason_without("az-tdx-vtpm/vm_configuration/secure_boot") == ["az-tdx-vtpm.secure_boot_required", "az-tdx-vtpm.vm_configuration.secure_boot", null]
	reason_without("az-tdx-vtpm/vm_configuration/tpm_enabled") == ["az-tdx-vtpm.tpm_enabled_required", "az-tdx-vtpm.vm_configuration.tpm_enabled", null]
	reason_without("az-tdx-vtpm/vm_configuration/console_enabled") == ["az-tdx-vtpm.console_forbidden", "az-tdx-vtpm.vm_configuration.console_enabled", null]
	claims_without("az-tdx-vtpm/vm_configuration") == {
		["az-tdx-vtpm.secure_boot_required", "az-tdx-vtpm.vm_configuration.secure_boot", null],
		["az-tdx-vtpm.tpm_enabled_required", "az-tdx-vtpm.vm_configuration.tpm_enabled", null],
		["az-tdx-vtpm.console_forbidden", "az-tdx-vtpm.vm_configuration.console_enabled", null],
	}
}

test_missing_nonce_verified if {
	reason_without("evidence/nonce_verified") == ["az-tdx-vtpm.freshness_required", "evidence.nonce_verified", null]
}

every_tdx_rule := {
	"az-tdx-vtpm.debug_forbidden", "az-tdx-vtpm.mrtd_known", "az-tdx-vtpm.tcb_status",
	"az-tdx-vtpm.pcr_reference_values", "az-tdx-vtpm.secure_boot_required", "az-tdx-vtpm.tpm_enabled_required",
	"az-tdx-vtpm.console_forbidden", "az-tdx-vtpm.freshness_required",
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "az-tdx-vtpm"}, ref)
	rules_of(result) == every_tdx_rule
	every reason in result.reasons {
		reason.value == null
	}
	result.trust_vector == {
		"instance-identity": 97, "configuration": 96, "executables": 33,
		"hardware": 32, "runtime-opaque": 2,
	}
}

test_empty_input_is_denied_with_the_shipped_data if {
	result := az_tdx_vtpm.result with input as {"tee": "az-tdx-vtpm"}
	rules_of(result) == every_tdx_rule - {"az-tdx-vtpm.freshness_required"}
	every reason in result.reasons {
		reason.value == null
	}
}
