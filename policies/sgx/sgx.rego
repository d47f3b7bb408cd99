# Default appraisal policy for Intel SGX enclaves (DCAP ECDSA quotes).
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.sgx
# (policies/sgx/data.json, overridden with --data).
#
# TCB: the platform's TCB status must be in data.sgx.accepted_tcb_statuses; a status other than
# UpToDate is accepted only when every advisory it carries is in data.sgx.allowed_advisories. No
# matching TCB level (status null) and Revoked are never accepted. The QE identity status must be in
# data.sgx.accepted_qe_statuses. Identity: MRENCLAVE and/or MRSIGNER in their reference lists (at least
# one list configured; hex in lower or upper case), ISVPRODID equal to data.sgx.isv_prod_id (required
# when only signers are listed), ISVSVN at least data.sgx.min_isv_svn.
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.sgx

import rego.v1

import data.ccpolicy.lib.ar4si

import data.sgx as ref

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
# title: Debug enclaves forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "sgx.debug_forbidden",
	"claim": "sgx.report.debug",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": "the enclave's DEBUG attribute is set (or not shown clear): the host can read and change enclave memory",
	"value": debug,
	"expected": false,
} if {
	not input.sgx.report.debug == false
	not ref.allow_debug
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
#   threats: [outdated-tcb, tcb-downgrade, insecure-config]
problems contains {
	"rule": "sgx.tcb_status_accepted",
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
# status text) and the components below the UpToDate level.
up_to_date_text := sprintf("the UpToDate level is dated %s; %s", [up_to_date_date, components_behind_text]) if {
	is_string(up_to_date_date)
} else := "fetch the TCB info from Intel PCS and pass it with --collateral" if {
	tcb_status == "NotEvaluated"
} else := "the TCB info has no UpToDate level"

components_behind := [sprintf("%v %v (needs %v)", [c.name, c.platform, c.required]) | some c in input.sgx.tcb.components_behind]

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
	"rule": "sgx.tcb_advisories_allowed",
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
	input.sgx.tcb.qe_level.status in ref.accepted_qe_statuses
	is_string(input.sgx.tcb.qe_level.status)
	input.sgx.tcb.qe_level.status != "Revoked"
}

# METADATA
# title: Quoting enclave identity status accepted
# custom:
#   threats: [outdated-tcb, untrusted-key]
problems contains {
	"rule": "sgx.qe_identity_status",
	"claim": "sgx.tcb.qe_level.status",
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

mrenclaves_configured if count(ref.mrenclaves) > 0

mrsigners_configured if count(ref.mrsigners) > 0

# Reference hex is matched as the plugin writes it (lower case), else in upper case: list membership, no
# string function over the reference values.
mrenclave_known if {
	input.evidence.measurements.mrenclave in ref.mrenclaves
} else if {
	is_string(input.evidence.measurements.mrenclave)
	upper(input.evidence.measurements.mrenclave) in ref.mrenclaves
}

mrsigner_known if {
	input.evidence.signer in ref.mrsigners
} else if {
	is_string(input.evidence.signer)
	upper(input.evidence.signer) in ref.mrsigners
}

# METADATA
# title: Enclave identity configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "sgx.measurement_known",
	"claim": "data.sgx",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "no MRENCLAVE or MRSIGNER reference values are configured, so the enclave is not recognized",
	"value": null,
	"expected": "at least one entry in mrenclaves or mrsigners",
} if {
	not mrenclaves_configured
	not mrsigners_configured
}

# METADATA
# title: MRENCLAVE among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "sgx.measurement_known",
	"claim": "evidence.measurements.mrenclave",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "MRENCLAVE is not among the reference values",
	"value": mrenclave,
	"expected": ref.mrenclaves,
} if {
	mrenclaves_configured
	not mrenclave_known
}

# METADATA
# title: MRSIGNER among the reference values
# custom:
#   threats: [unknown-code, untrusted-key]
problems contains {
	"rule": "sgx.measurement_known",
	"claim": "evidence.signer",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "MRSIGNER (the enclave signer's key) is not among the reference values",
	"value": mrsigner,
	"expected": ref.mrsigners,
} if {
	mrsigners_configured
	not mrsigner_known
}

isv_prod_id_configured if is_number(ref.isv_prod_id)

# METADATA
# title: ISVPRODID as configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "sgx.isv_prod_id",
	"claim": "sgx.report.isv_prod_id",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("ISVPRODID %v is not the expected %v", [isv_prod_id, ref.isv_prod_id]),
	"value": isv_prod_id,
	"expected": ref.isv_prod_id,
} if {
	isv_prod_id_configured
	not input.sgx.report.isv_prod_id == ref.isv_prod_id
}

# METADATA
# title: ISVPRODID configured when enclaves are recognized by signer only
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "sgx.isv_prod_id",
	"claim": "data.sgx.isv_prod_id",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "enclaves are recognized by MRSIGNER alone but no ISVPRODID is configured: every product of that signer would pass",
	"value": null,
	"expected": "a number",
} if {
	mrsigners_configured
	not mrenclaves_configured
	not isv_prod_id_configured
}

isv_svn_sufficient if {
	is_number(input.sgx.report.isv_svn)
	input.sgx.report.isv_svn >= ref.min_isv_svn
}

# METADATA
# title: Minimum enclave security version
# custom:
#   threats: [tcb-downgrade]
problems contains {
	"rule": "sgx.minimum_isv_svn",
	"claim": "sgx.report.isv_svn",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("ISVSVN %v is below the required %v", [isv_svn, min_isv_svn]),
	"value": isv_svn,
	"expected": min_isv_svn,
} if {
	not isv_svn_sufficient
}

# METADATA
# title: Freshness when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "sgx.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce (in the quote's REPORTDATA), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null or [] when missing).
default debug := null

debug := input.sgx.report.debug

default tcb_status := null

tcb_status := input.evidence.tcb.status

default tcb_date := null

tcb_date := input.evidence.tcb.date

default advisories := []

advisories := input.evidence.tcb.advisories

default up_to_date_date := null

up_to_date_date := input.sgx.tcb.up_to_date_date

default not_supported := null

not_supported := input.sgx.tcb.not_supported

default qe_status := null

qe_status := input.sgx.tcb.qe_level.status

default mrenclave := null

mrenclave := input.evidence.measurements.mrenclave

default mrsigner := null

mrsigner := input.evidence.signer

default isv_prod_id := null

isv_prod_id := input.sgx.report.isv_prod_id

default isv_svn := null

isv_svn := input.sgx.report.isv_svn

default min_isv_svn := null

min_isv_svn := ref.min_isv_svn

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default accepted_tcb_statuses := []

accepted_tcb_statuses := ref.accepted_tcb_statuses

default accepted_qe_statuses := []

accepted_qe_statuses := ref.accepted_qe_statuses

default allowed_advisories := []

allowed_advisories := ref.allowed_advisories
