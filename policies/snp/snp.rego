# Default appraisal policy for AMD SEV-SNP attestation reports.
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.snp
# (policies/snp/data.json, overridden with --data).
package ccpolicy.snp

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data.snp

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
	"runtime-opaque": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

problems contains {
	"rule": "snp.debug_forbidden",
	"claim": "snp.policy.debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the guest policy allows debugging: the hypervisor can read and change guest memory",
	"value": true,
	"expected": false,
} if {
	input.snp.policy.debug
	not ref.allow_debug
}

problems contains {
	"rule": "snp.migration_agent_forbidden",
	"claim": "snp.policy.migrate_ma",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the guest policy allows a migration agent, which can export guest memory",
	"value": true,
	"expected": false,
} if {
	input.snp.policy.migrate_ma
	not ref.allow_migration_agent
}

problems contains {
	"rule": "snp.smt_forbidden",
	"claim": "snp.platform_info.smt_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "SMT is enabled on the platform but the reference values forbid it",
	"value": true,
	"expected": false,
} if {
	input.snp.platform_info.smt_enabled
	not ref.allow_smt
}

problems contains {
	"rule": "snp.vmpl_allowed",
	"claim": "snp.vmpl",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the report was requested at VMPL %v, which is not allowed", [input.snp.vmpl]),
	"value": input.snp.vmpl,
	"expected": ref.allowed_vmpls,
} if {
	not input.snp.vmpl in ref.allowed_vmpls
}

problems contains {
	"rule": "snp.minimum_abi",
	"claim": "snp.policy.abi",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the guest policy's minimum ABI %v.%v is below the required %v.%v", [have.major, have.minor, want.major, want.minor]),
	"value": have,
	"expected": want,
} if {
	have := {"major": input.snp.policy.abi_major, "minor": input.snp.policy.abi_minor}
	want := ref.min_abi
	[have.major, have.minor] < [want.major, want.minor]
}

problems contains {
	"rule": "snp.minimum_guest_svn",
	"claim": "snp.guest_svn",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("guest SVN %v is below the required %v", [input.snp.guest_svn, ref.min_guest_svn]),
	"value": input.snp.guest_svn,
	"expected": ref.min_guest_svn,
} if {
	input.snp.guest_svn < ref.min_guest_svn
}

# Both the reported TCB (what the VCEK is derived from) and the committed TCB (the
# firmware the platform cannot roll back from) must meet the minimum.
problems contains {
	"rule": "snp.minimum_tcb",
	"claim": sprintf("snp.%s.%s", [which, component]),
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("%s %s SVN %v is below the required %v", [which, component, have, want]),
	"value": have,
	"expected": want,
} if {
	some which, tcb in tcbs
	some component, want in ref.min_tcb
	have := tcb[component]
	is_number(have) # fmc is null before Turin
	have < want
}

# Static paths: a variable key into input (input.snp[which]) costs regorus ten times more.
tcbs := {"reported_tcb": input.snp.reported_tcb, "committed_tcb": input.snp.committed_tcb}

problems contains {
	"rule": "snp.measurement_known",
	"claim": "evidence.measurements.launch",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the launch measurement is not among the reference values",
	"value": input.evidence.measurements.launch,
	"expected": ref.measurements,
} if {
	not lower(input.evidence.measurements.launch) in {lower(m) | some m in ref.measurements}
}

problems contains {
	"rule": "snp.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce, and none was checked",
	"value": input.evidence.nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not nonce_verified
}

nonce_verified if input.evidence.nonce_verified == true
