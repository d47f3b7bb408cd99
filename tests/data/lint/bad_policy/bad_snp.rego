# A deliberately bad SNP policy: every lint rule of `ccpolicy lint` finds something here.
package ccpolicy.snp

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data.snp

# debug-allowed: always true.
allow_debug_guests := true

# weak-tcb-accepted: OutOfDate and SWHardeningNeeded accepted, no advisory allow-list.
accepted_statuses := {"UpToDate", "SWHardeningNeeded", "OutOfDate"}

affirmed := {"configuration": ar4si.affirming, "executables": ar4si.approved_boot}

# trust-claim-never-set: the vector is the fixed `affirmed`, so "hardware" from a reason is never set.
result := {"trust_vector": affirmed, "reasons": [p | some p in problems]}

# reason-dropped-when-missing: the value reads the claim with no default (a missing status drops the reason).
problems contains {
	"rule": "snp.tcb_status",
	"claim": "evidence.tcb.status",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "TCB status not accepted",
	"value": input.evidence.tcb.status,
} if {
	not input.evidence.tcb.status in accepted_statuses
}

# tcb-reported-committed: only the reported TCB.
problems contains {
	"rule": "snp.minimum_tcb",
	"claim": "snp.reported_tcb.snp",
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "SNP firmware too old",
} if {
	input.snp.reported_tcb.snp < ref.min_tcb.snp
}

# trust-claim-never-set: "executable" is no AR4SI claim.
problems contains {
	"rule": "snp.measurement_known",
	"claim": "evidence.measurements.launch",
	"trust_claim": "executable",
	"ar4si": ar4si.unrecognized_executables,
	"message": "unknown launch measurement",
} if {
	not input.evidence.measurements.launch in ref.measurements
}

# data-key-missing: data.snp.strict is not in data.json.
problems contains {
	"rule": "snp.strict",
	"claim": "snp.vmpl",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "strict mode wants VMPL 0",
} if {
	ref.strict
	input.snp.vmpl != 0
}

# unreachable-tee-branch: this package only sees SNP evidence.
problems contains {
	"rule": "snp.tdx_xfam",
	"claim": "tdx.xfam",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "never applies",
} if {
	input.tee == "tdx"
	input.tdx.xfam != "e71a060000000000"
}

# debug-allowed through the shipped reference values (allow_debug is true in data.json).
problems contains {
	"rule": "snp.debug_setting",
	"claim": "data.snp.allow_debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "reference values must set allow_debug",
} if {
	not is_boolean(ref.allow_debug)
}
