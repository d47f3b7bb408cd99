# Default appraisal policy for Azure confidential VMs on AMD SEV-SNP, attested through the paravisor's vTPM.
# The SEV-SNP default checks on the nested hardware claims (input["az-snp-vtpm"].snp), the VM configuration
# the paravisor reports (secure boot, vTPM, serial console) and PCR reference values.
# Pessimistic: a claim not shown good is not good. Reference values come from data["az-snp-vtpm"].
package ccpolicy.az_snp_vtpm

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data["az-snp-vtpm"]

claims := input["az-snp-vtpm"]

snp := claims.snp

vm := claims.vm_configuration

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
	"runtime-opaque": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Guest debugging is forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "az-snp-vtpm.debug_forbidden",
	"claim": "az-snp-vtpm.snp.policy.debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the guest policy allows debugging: the hypervisor can read and change guest memory",
	"value": true,
	"expected": false,
} if {
	snp.policy.debug
	not ref.allow_debug
}

# METADATA
# title: No migration agent
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.migration_agent_forbidden",
	"claim": "az-snp-vtpm.snp.policy.migrate_ma",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the guest policy allows a migration agent, which can export guest memory",
	"value": true,
	"expected": false,
} if {
	snp.policy.migrate_ma
	not ref.allow_migration_agent
}

# METADATA
# title: SMT only when allowed
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.smt_forbidden",
	"claim": "az-snp-vtpm.snp.platform_info.smt_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "SMT is enabled on the platform but the reference values forbid it",
	"value": true,
	"expected": false,
} if {
	snp.platform_info.smt_enabled
	not ref.allow_smt
}

# METADATA
# title: Report from an allowed VMPL
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.vmpl_allowed",
	"claim": "az-snp-vtpm.snp.vmpl",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the report was requested at VMPL %v, which is not allowed", [snp.vmpl]),
	"value": snp.vmpl,
	"expected": ref.allowed_vmpls,
} if {
	not snp.vmpl in ref.allowed_vmpls
}

# METADATA
# title: Minimum guest ABI
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.minimum_abi",
	"claim": "az-snp-vtpm.snp.policy.abi",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the guest policy's minimum ABI %v.%v is below the required %v.%v", [have.major, have.minor, want.major, want.minor]),
	"value": have,
	"expected": want,
} if {
	have := {"major": snp.policy.abi_major, "minor": snp.policy.abi_minor}
	want := ref.min_abi
	[have.major, have.minor] < [want.major, want.minor]
}

# METADATA
# title: Minimum guest SVN
# custom:
#   threats: [tcb-downgrade]
problems contains {
	"rule": "az-snp-vtpm.minimum_guest_svn",
	"claim": "az-snp-vtpm.snp.guest_svn",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("guest SVN %v is below the required %v", [snp.guest_svn, ref.min_guest_svn]),
	"value": snp.guest_svn,
	"expected": ref.min_guest_svn,
} if {
	snp.guest_svn < ref.min_guest_svn
}

# Both the reported TCB (what the VCEK is derived from) and the committed TCB must meet the minimum.

# METADATA
# title: Minimum platform TCB
# custom:
#   threats: [outdated-tcb, tcb-downgrade]
problems contains {
	"rule": "az-snp-vtpm.minimum_tcb",
	"claim": sprintf("az-snp-vtpm.snp.%s.%s", [which, component]),
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

tcbs := {"reported_tcb": snp.reported_tcb, "committed_tcb": snp.committed_tcb}

# METADATA
# title: Launch measurement is a reference value
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-snp-vtpm.measurement_known",
	"claim": "evidence.measurements.launch",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the launch measurement (the paravisor firmware) is not among the reference values",
	"value": object.get(input.evidence.measurements, "launch", null),
	"expected": ref.measurements,
} if {
	not measurement_known
}

# A helper rule keeps a missing claim pessimistic on OPA and regorus alike.
measurement_known if lower(input.evidence.measurements.launch) in {lower(m) | some m in ref.measurements}

# METADATA
# title: PCR reference values are configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-snp-vtpm.pcr_reference_values",
	"claim": "data.az-snp-vtpm.pcrs",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "no PCR reference values are configured, so the guest's boot chain is not recognized",
	"value": null,
	"expected": "at least one \"sha256:pcr<N>\" entry",
} if {
	count(ref.pcrs) == 0
}

# METADATA
# title: PCRs match their reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-snp-vtpm.pcr_reference_values",
	"claim": sprintf("evidence.measurements.%s", [key]),
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": sprintf("%s is not among its reference values", [key]),
	"value": object.get(input.evidence.measurements, key, null),
	"expected": allowed,
} if {
	some key, allowed in ref.pcrs
	not lower(object.get(input.evidence.measurements, key, "")) in {lower(value) | some value in allowed}
}

# METADATA
# title: Secure boot is on
# custom:
#   threats: [insecure-config, unknown-code]
problems contains {
	"rule": "az-snp-vtpm.secure_boot_required",
	"claim": "az-snp-vtpm.vm_configuration.secure_boot",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the paravisor reports UEFI Secure Boot not enabled",
	"value": vm.secure_boot,
	"expected": true,
} if {
	ref.require_secure_boot
	not vm.secure_boot == true
}

# METADATA
# title: The vTPM is enabled
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.tpm_enabled_required",
	"claim": "az-snp-vtpm.vm_configuration.tpm_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the paravisor reports the vTPM not enabled",
	"value": vm.tpm_enabled,
	"expected": true,
} if {
	ref.require_tpm_enabled
	not vm.tpm_enabled == true
}

# METADATA
# title: Serial console forbidden unless allowed
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "az-snp-vtpm.console_forbidden",
	"claim": "az-snp-vtpm.vm_configuration.console_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the serial console is enabled (or not reported): an interactive path into the guest",
	"value": vm.console_enabled,
	"expected": false,
} if {
	not ref.allow_console
	not vm.console_enabled == false
}

# METADATA
# title: Fresh evidence when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "az-snp-vtpm.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the TPM quote's extraData), and none was checked",
	"value": input.evidence.nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}
