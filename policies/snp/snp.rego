# Default appraisal policy for AMD SEV-SNP attestation reports.
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.snp
# (policies/snp/data.json, overridden with --data).
#
# regorus evaluates this policy on every verification, and a rule reference costs it more than a
# simple statement: reference values are read as data.snp.<name> (no `ref := data.snp` rule), AR4SI
# values by their full path (data.ccpolicy.lib.ar4si.<name>), since a reference through the package
# alias (ar4si.<name>) makes regorus build the whole ar4si package document (about 20 us each time),
# and the affirmed values are written as numbers.
package ccpolicy.snp

import rego.v1

import data.ccpolicy.lib.ar4si

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
# title: Debugging is forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "snp.debug_forbidden",
	"claim": "snp.policy.debug",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": "the guest policy allows debugging: the hypervisor can read and change guest memory",
	"value": true,
	"expected": false,
} if {
	input.snp.policy.debug
	not data.snp.allow_debug
}

# METADATA
# title: No migration agent
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "snp.migration_agent_forbidden",
	"claim": "snp.policy.migrate_ma",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": "the guest policy allows a migration agent, which can export guest memory",
	"value": true,
	"expected": false,
} if {
	input.snp.policy.migrate_ma
	not data.snp.allow_migration_agent
}

# METADATA
# title: SMT only where the reference values allow it
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "snp.smt_forbidden",
	"claim": "snp.platform_info.smt_enabled",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": "SMT is enabled on the platform but the reference values forbid it",
	"value": true,
	"expected": false,
} if {
	input.snp.platform_info.smt_enabled
	not data.snp.allow_smt
}

# METADATA
# title: The report comes from an allowed VMPL
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "snp.vmpl_allowed",
	"claim": "snp.vmpl",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("the report was requested at VMPL %v, which is not allowed", [vmpl]),
	"value": vmpl,
	"expected": data.snp.allowed_vmpls,
} if {
	not vmpl_allowed
}

# Helper rules keep the check pessimistic on both engines: with a claim missing, `not x in set`
# is undefined on OPA (the reference is hoisted out of the negation), and a head value that reads a
# missing claim drops the whole reason.
default vmpl := null

vmpl := input.snp.vmpl

vmpl_allowed if input.snp.vmpl in data.snp.allowed_vmpls

# METADATA
# title: The guest policy demands a minimum firmware ABI
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "snp.minimum_abi",
	"claim": "snp.policy.abi",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("the guest policy's minimum ABI %v.%v is below the required %v.%v", [have.major, have.minor, want.major, want.minor]),
	"value": have,
	"expected": want,
} if {
	have := {"major": input.snp.policy.abi_major, "minor": input.snp.policy.abi_minor}
	want := data.snp.min_abi
	[have.major, have.minor] < [want.major, want.minor]
}

# METADATA
# title: The guest SVN meets the minimum
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "snp.minimum_guest_svn",
	"claim": "snp.guest_svn",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("guest SVN %v is below the required %v", [guest_svn, data.snp.min_guest_svn]),
	"value": guest_svn,
	"expected": data.snp.min_guest_svn,
} if {
	not guest_svn_sufficient
}

default guest_svn := null

guest_svn := input.snp.guest_svn

guest_svn_sufficient if input.snp.guest_svn >= data.snp.min_guest_svn

# Both the reported TCB (what the VCEK is derived from) and the committed TCB (the
# firmware the platform cannot roll back from) must meet the minimum.

# METADATA
# title: Reported and committed TCB meet the minimum
# custom:
#   threats: [outdated-tcb, tcb-downgrade]
problems contains {
	"rule": "snp.minimum_tcb",
	"claim": sprintf("snp.%s.%s", [which, component]),
	"trust_claim": "hardware",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("%s %s SVN %v is below the required %v", [which, component, have, want]),
	"value": have,
	"expected": want,
} if {
	# Static paths: a variable key into input (input.snp[which]) costs regorus ten times more.
	some which, tcb in {"reported_tcb": input.snp.reported_tcb, "committed_tcb": input.snp.committed_tcb}
	some component, want in data.snp.min_tcb
	have := tcb[component]

	# have is a number (fmc is null before Turin): true < have < "" is is_number(have) in Rego's order
	# of types (null, booleans, numbers, strings, ...), without a builtin call for each component.
	true < have
	have < ""
	have < want
}

# METADATA
# title: The launch measurement is a reference value
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "snp.measurement_known",
	"claim": "evidence.measurements.launch",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "the launch measurement is not among the reference values",
	"value": object.get(input.evidence.measurements, "launch", null),
	"expected": data.snp.measurements,
} if {
	not measurement_known
}

measurement_known if lower(input.evidence.measurements.launch) in {lower(m) | some m in data.snp.measurements}

# METADATA
# title: A verified nonce when the reference values require freshness
# custom:
#   threats: [replay]
problems contains {
	"rule": "snp.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce, and none was checked",
	"value": input.evidence.nonce_verified,
	"expected": true,
} if {
	data.snp.require_freshness
	not nonce_verified
}

nonce_verified if input.evidence.nonce_verified == true
