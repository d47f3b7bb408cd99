# Default appraisal policy for AMD SEV-SNP attestation reports.
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.snp
# (policies/snp/data.json, overridden with --data).
#
# regorus evaluates this policy on every verification, and a rule reference costs it more than a
# simple statement: reference values are read as data.snp.<name> (no `ref := data.snp` rule), AR4SI
# values by their full path (data.ccpolicy.lib.ar4si.<name>), since a reference through the package
# alias (ar4si.<name>) makes regorus build the whole ar4si package document (about 20 us each time),
# and the affirmed values are written as numbers.
#
# Rule bodies test for the good value (`not input.snp.policy.debug == false`), so a claim missing from the
# input is judged not good; the values reported in reasons come from rules with a default (null).
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
	"message": "the guest policy allows debugging (or does not show it forbidden): the hypervisor can read and change guest memory",
	"value": debug,
	"expected": false,
} if {
	not input.snp.policy.debug == false
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
	"message": "the guest policy allows a migration agent (or does not show it forbidden), which can export guest memory",
	"value": migrate_ma,
	"expected": false,
} if {
	not input.snp.policy.migrate_ma == false
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
	"message": "SMT is enabled on the platform (or not shown disabled) but the reference values forbid it",
	"value": smt_enabled,
	"expected": false,
} if {
	not input.snp.platform_info.smt_enabled == false
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
	"message": sprintf("the guest policy's minimum ABI %v is below the required %v.%v (or not shown)", [abi_text, data.snp.min_abi.major, data.snp.min_abi.minor]),
	"value": abi,
	"expected": data.snp.min_abi,
} if {
	not abi_sufficient
}

abi_sufficient if {
	[input.snp.policy.abi_major, input.snp.policy.abi_minor] >= [data.snp.min_abi.major, data.snp.min_abi.minor]
	is_number(input.snp.policy.abi_major)
	is_number(input.snp.policy.abi_minor)
}

default abi := null

abi := {"major": input.snp.policy.abi_major, "minor": input.snp.policy.abi_minor}

default abi_text := "not shown"

abi_text := sprintf("%v.%v", [abi.major, abi.minor]) if abi != null

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
	"message": sprintf("%s %s SVN %v is below the required %v (or not shown)", [which, component, object.get(tcb, component, null), want]),
	"value": object.get(tcb, component, null),
	"expected": want,
} if {
	# Static paths: a variable key into input (input.snp[which]) reads, to ccpolicy lint, as reading
	# every claim. With one TCB missing, the other is not checked either; the rule below reports it.
	some which, tcb in {"reported_tcb": input.snp.reported_tcb, "committed_tcb": input.snp.committed_tcb}
	some component, want in data.snp.min_tcb
	have := object.get(tcb, component, false)

	# Below the minimum in Rego's order of types (null, booleans, numbers, strings, ...): a number
	# below it, or a boolean, which is also what a missing component reads as. null is a component
	# the platform does not have (fmc before Turin).
	null < have
	have < want
}

# METADATA
# title: The reported TCB is shown
# custom:
#   threats: [outdated-tcb, tcb-downgrade]
problems contains tcb_not_shown("reported_tcb") if not input.snp.reported_tcb

# METADATA
# title: The committed TCB is shown
# custom:
#   threats: [outdated-tcb, tcb-downgrade]
problems contains tcb_not_shown("committed_tcb") if not input.snp.committed_tcb

tcb_not_shown(which) := {
	"rule": "snp.minimum_tcb",
	"claim": concat(".", ["snp", which]),
	"trust_claim": "hardware",
	"ar4si": data.ccpolicy.lib.ar4si.known_vulnerabilities,
	"message": sprintf("the report's %s is not shown, so it cannot meet the minimum", [which]),
	"value": null,
	"expected": data.snp.min_tcb,
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
	"value": launch_measurement,
	"expected": data.snp.measurements,
} if {
	not measurement_known
}

measurement_known if lower(input.evidence.measurements.launch) in {lower(m) | some m in data.snp.measurements}

default launch_measurement := null

launch_measurement := input.evidence.measurements.launch

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
	"value": nonce_verified_claim,
	"expected": true,
} if {
	data.snp.require_freshness
	not nonce_verified
}

nonce_verified if input.evidence.nonce_verified == true

default nonce_verified_claim := null

nonce_verified_claim := input.evidence.nonce_verified

default debug := null

debug := input.snp.policy.debug

default migrate_ma := null

migrate_ma := input.snp.policy.migrate_ma

default smt_enabled := null

smt_enabled := input.snp.platform_info.smt_enabled
