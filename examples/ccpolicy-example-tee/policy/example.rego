# Appraisal policy for the example TEE (the ccpolicy-example-tee plugin).
# Pessimistic: a claim not shown good is not good. Reference values come from data.example
# (data.json beside this file, overridden with --data, e.g. the forge's refvalues.json).
#
# Use it with: ccpolicy verify EVIDENCE --collateral PIN --policy examples/ccpolicy-example-tee/policy
#
# Rule bodies test for the good value, so a missing claim counts as bad; the values reported in reasons
# come from rules with a default (null), so a missing claim cannot drop its reason.
package ccpolicy.example

import rego.v1

import data.ccpolicy.lib.ar4si

import data.example as ref

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Debug disabled
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "example.debug_disabled",
	"claim": "evidence.debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the example TEE runs in debug mode: its memory can be read by the host",
	"value": debug,
	"expected": false,
} if {
	not input.evidence.debug == false
}

# METADATA
# title: Workload measurement among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "example.measurement_known",
	"claim": "evidence.measurements.workload",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the workload measurement is not among the reference values",
	"value": workload_measurement,
	"expected": ref.measurements,
} if {
	not measurement_known
}

measurement_known if input.evidence.measurements.workload in {m | some m in ref.measurements}

# METADATA
# title: Security version at or above the minimum
# custom:
#   threats: [outdated-tcb]
problems contains {
	"rule": "example.svn_minimum",
	"claim": "evidence.tcb.components.svn",
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the security version is below the minimum %v", [ref.minimum_svn]),
	"value": svn,
	"expected": {"minimum": ref.minimum_svn},
} if {
	not svn_sufficient
}

svn_sufficient if input.evidence.tcb.components.svn >= ref.minimum_svn

# METADATA
# title: Freshness when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "example.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the report_data), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

default debug := null

debug := input.evidence.debug

default workload_measurement := null

workload_measurement := input.evidence.measurements.workload

default svn := null

svn := input.evidence.tcb.components.svn

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified
