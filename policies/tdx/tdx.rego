# Default appraisal policy for Intel TDX trust domains (DCAP ECDSA quotes).
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.tdx
# (policies/tdx/data.json, overridden with --data).
#
# TCB: the platform's TCB status must be in data.tdx.accepted_tcb_statuses; a status other than
# UpToDate is accepted only when every advisory it carries is in data.tdx.allowed_advisories. No
# matching TCB level (status null) and Revoked are never accepted; a denied status says how far the
# platform is behind the UpToDate level. The QE identity status must be in data.tdx.accepted_qe_statuses.
# TD: DEBUG forbidden, SEPT_VE_DISABLE required (unless data.tdx.allow_sept_ve), MRTD always and RTMR0-3 /
# MRSEAM when data.tdx.measurements lists values for them (hex in lower or upper case).
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.tdx

import rego.v1

import data.ccpolicy.lib.ar4si

import data.tdx as ref

# ar4si.affirming (2) for each claim, but ar4si.approved_boot (3) for executables.
affirmed := {
	"instance-identity": 2,
	"configuration": 2,
	"executables": 3,
	"hardware": 2,
	"runtime-opaque": 2,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Debug trust domains forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "tdx.debug_forbidden",
	"claim": "tdx.report.debug",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": "the TD's DEBUG attribute is set (or not shown clear): the host can read and change TD memory and state",
	"value": debug,
	"expected": false,
} if {
	not input.tdx.report.debug == false
	not ref.allow_debug
}

# METADATA
# title: SEPT_VE_DISABLE required
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "tdx.sept_ve_disable_required",
	"claim": "tdx.report.sept_ve_disable",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": "the TD's SEPT_VE_DISABLE attribute is clear (or not shown set): the host can inject #VE exceptions on secure EPT violations",
	"value": sept_ve_disable,
	"expected": true,
} if {
	not input.tdx.report.sept_ve_disable == true
	not ref.allow_sept_ve
}

# Revoked and "no matching level" (null) are never accepted, whatever the data says.
tcb_status_accepted if {
	input.evidence.tcb.status in ref.accepted_tcb_statuses
	is_string(input.evidence.tcb.status)
	input.evidence.tcb.status != "Revoked"
}

# METADATA
# title: Platform TCB status accepted
# custom:
#   threats: [outdated-tcb, tcb-downgrade]
problems contains {
	"rule": "tdx.tcb_status_accepted",
	"claim": "evidence.tcb.status",
	"trust_claim": "hardware",
	"ar4si": status_ar4si(tcb_status),
	"message": concat("; ", [tcb_status_text, up_to_date_text]),
	"value": tcb_status,
	"expected": accepted_tcb_statuses,
} if {
	not tcb_status_accepted
}

status_ar4si(status) := data.ccpolicy.lib.ar4si.unrecognized if {
	status == null
} else := data.ccpolicy.lib.ar4si.contraindicated if {
	status == "Revoked"
} else := data.ccpolicy.lib.ar4si.known_vulnerabilities

tcb_status_text := sprintf("no TCB level of the TCB info matches this platform (%v)", [not_supported]) if {
	tcb_status == null
} else := "the TCB was not evaluated: the collateral has no TCB info for this platform (its FMSPC)" if {
	tcb_status == "NotEvaluated"
} else := sprintf("TCB status %v (of the TCB level dated %v) is not accepted (accepted: %v)", [tcb_status, tcb_date, accepted_tcb_statuses])

# How far behind the platform is: the UpToDate level's date (against the matched level's, in the
# status text) and the components (SGX, PCESVN, TDX) below the UpToDate level.
up_to_date_text := sprintf("the UpToDate level is dated %s; %s", [up_to_date_date, components_behind_text]) if {
	is_string(up_to_date_date)
} else := "fetch the TCB info from Intel PCS and pass it with --collateral" if {
	tcb_status == "NotEvaluated"
} else := "the TCB info has no UpToDate level"

components_behind := [sprintf("%v %v (needs %v)", [c.name, c.platform, c.required]) | some c in input.tdx.tcb.components_behind]

components_behind_text := sprintf("components behind it: %s", [concat(", ", components_behind)]) if {
	count(components_behind) > 0
} else := "no component is behind it"

advisories_allow_listed if {
	every advisory in input.evidence.tcb.advisories {
		advisory in ref.allowed_advisories
	}
}

# METADATA
# title: Advisories of an accepted non-UpToDate TCB allow-listed
# custom:
#   threats: [outdated-tcb]
problems contains {
	"rule": "tdx.tcb_advisories_allowed",
	"claim": "evidence.tcb.advisories",
	"trust_claim": "hardware",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("TCB status %v is accepted only when every advisory is allow-listed; not allow-listed: %v", [tcb_status, concat(", ", sort(unlisted_advisories))]),
	"value": advisories,
	"expected": allowed_advisories,
} if {
	tcb_status_accepted
	input.evidence.tcb.status != "UpToDate"
	not advisories_allow_listed
}

unlisted_advisories := {a | some a in advisories; not a in allowed_advisories}

qe_status_accepted if {
	input.tdx.tcb.qe_level.status in ref.accepted_qe_statuses
	is_string(input.tdx.tcb.qe_level.status)
	input.tdx.tcb.qe_level.status != "Revoked"
}

# METADATA
# title: Quoting enclave identity status accepted
# custom:
#   threats: [outdated-tcb, untrusted-key]
problems contains {
	"rule": "tdx.qe_identity_status",
	"claim": "tdx.tcb.qe_level.status",
	"trust_claim": "hardware",
	"ar4si": status_ar4si(qe_status),
	"message": qe_status_text,
	"value": qe_status,
	"expected": accepted_qe_statuses,
} if {
	not qe_status_accepted
}

qe_status_text := "the quoting enclave's ISVSVN is below every level of the QE identity" if {
	qe_status == null
} else := sprintf("the quoting enclave's identity status %v is not accepted (accepted: %v)", [qe_status, accepted_qe_statuses])

# Static paths: a variable key into input costs regorus ten times more. If any of them is missing the
# whole object is undefined, and every checked measurement is then unknown.
measured := {
	"mrtd": input.evidence.measurements.mrtd,
	"rtmr0": input.evidence.measurements.rtmr0,
	"rtmr1": input.evidence.measurements.rtmr1,
	"rtmr2": input.evidence.measurements.rtmr2,
	"rtmr3": input.evidence.measurements.rtmr3,
	"mrseam": input.evidence.measurements.mrseam,
}

# MRTD always; any other measurement when data lists values for it.
checked contains "mrtd"

checked contains name if {
	some name, values in ref.measurements
	count(values) > 0
}

known contains name if {
	some name in checked
	hex_listed(measured[name], ref.measurements[name])
}

# Reference hex is matched as the plugin writes it (lower case), else in upper case: list membership, no
# string function over the reference values.
hex_listed(value, listed) if {
	value in listed
} else if {
	is_string(value)
	upper(value) in listed
}

# METADATA
# title: TD measurements among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "tdx.measurement_known",
	"claim": sprintf("evidence.measurements.%s", [name]),
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("%s is not among its %d reference values", [upper(name), count(reference_values(name))]),
	"value": measured_value(name),
	"expected": reference_values(name),
} if {
	some name in checked
	not name in known
}

# METADATA
# title: Freshness when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "tdx.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce (in the TD's REPORTDATA), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null or [] when missing).
measured_value(name) := value if {
	value := measured[name]
} else := null

reference_values(name) := values if {
	values := ref.measurements[name]
} else := []

default debug := null

debug := input.tdx.report.debug

default sept_ve_disable := null

sept_ve_disable := input.tdx.report.sept_ve_disable

default tcb_status := null

tcb_status := input.evidence.tcb.status

default tcb_date := null

tcb_date := input.evidence.tcb.date

default advisories := []

advisories := input.evidence.tcb.advisories

default up_to_date_date := null

up_to_date_date := input.tdx.tcb.up_to_date_date

default not_supported := null

not_supported := input.tdx.tcb.not_supported

default qe_status := null

qe_status := input.tdx.tcb.qe_level.status

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default accepted_tcb_statuses := []

accepted_tcb_statuses := ref.accepted_tcb_statuses

default accepted_qe_statuses := []

accepted_qe_statuses := ref.accepted_qe_statuses

default allowed_advisories := []

allowed_advisories := ref.allowed_advisories
