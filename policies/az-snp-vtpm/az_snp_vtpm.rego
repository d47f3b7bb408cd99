# Default appraisal policy for Azure confidential VMs on AMD SEV-SNP, attested through the paravisor's vTPM.
# The SEV-SNP default checks on the nested hardware claims (input["az-snp-vtpm"].snp), the VM configuration
# the paravisor reports (secure boot, vTPM, serial console) and PCR reference values.
# Pessimistic: a claim not shown good is not good. Reference values come from data["az-snp-vtpm"].
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.az_snp_vtpm

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data["az-snp-vtpm"]

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
	"message": "the guest policy allows debugging (or does not show it forbidden): the hypervisor can read and change guest memory",
	"value": debug,
	"expected": false,
} if {
	not input["az-snp-vtpm"].snp.policy.debug == false
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
	"message": "the guest policy allows a migration agent (or does not show it forbidden), which can export guest memory",
	"value": migrate_ma,
	"expected": false,
} if {
	not input["az-snp-vtpm"].snp.policy.migrate_ma == false
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
	"message": "SMT is enabled on the platform (or not shown disabled) but the reference values forbid it",
	"value": smt_enabled,
	"expected": false,
} if {
	not input["az-snp-vtpm"].snp.platform_info.smt_enabled == false
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
	"message": sprintf("the report was requested at VMPL %v, which is not allowed (or not shown)", [vmpl]),
	"value": vmpl,
	"expected": allowed_vmpls,
} if {
	not vmpl_allowed
}

# A helper rule keeps a missing claim pessimistic on OPA and regorus alike.
vmpl_allowed if input["az-snp-vtpm"].snp.vmpl in ref.allowed_vmpls

# METADATA
# title: Minimum guest ABI
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-snp-vtpm.minimum_abi",
	"claim": "az-snp-vtpm.snp.policy.abi",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the guest policy's minimum ABI %v is below the required %v.%v (or not shown)", [abi_text, min_abi.major, min_abi.minor]),
	"value": abi,
	"expected": min_abi,
} if {
	not abi_sufficient
}

abi_sufficient if {
	[input["az-snp-vtpm"].snp.policy.abi_major, input["az-snp-vtpm"].snp.policy.abi_minor] >= [ref.min_abi.major, ref.min_abi.minor]
	is_number(input["az-snp-vtpm"].snp.policy.abi_major)
	is_number(input["az-snp-vtpm"].snp.policy.abi_minor)
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
	"message": sprintf("guest SVN %v is below the required %v (or not shown)", [guest_svn, min_guest_svn]),
	"value": guest_svn,
	"expected": min_guest_svn,
} if {
	not guest_svn_sufficient
}

guest_svn_sufficient if {
	input["az-snp-vtpm"].snp.guest_svn >= ref.min_guest_svn
	is_number(input["az-snp-vtpm"].snp.guest_svn)
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
	"message": sprintf("%s %s SVN %v is below the required %v (or not shown)", [which, component, have, want]),
	"value": have,
	"expected": want,
} if {
	some which, tcb in {"reported_tcb": reported_tcb, "committed_tcb": committed_tcb}
	some component, want in ref.min_tcb
	not component_sufficient(tcb, component, want)
	have := component_value(tcb, component)
}

# A component the platform does not have is null (fmc before Turin); a component missing from the
# claims, or one that is not a number, is not sufficient.
component_sufficient(tcb, component, _) if tcb[component] == null

component_sufficient(tcb, component, want) if {
	is_number(tcb[component])
	tcb[component] >= want
}

component_value(tcb, component) := value if {
	value := tcb[component]
} else := null

# METADATA
# title: Launch measurement is a reference value
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-snp-vtpm.measurement_known",
	"claim": "evidence.measurements.launch",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the launch measurement (the paravisor firmware) is not among the reference values (or not shown)",
	"value": measured_value("launch"),
	"expected": launch_measurements,
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
	not pcrs_configured
}

pcrs_configured if count(ref.pcrs) > 0

# METADATA
# title: PCRs match their reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-snp-vtpm.pcr_reference_values",
	"claim": sprintf("evidence.measurements.%s", [key]),
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": sprintf("%s is not among its reference values (or not shown)", [key]),
	"value": measured_value(key),
	"expected": allowed,
} if {
	some key, allowed in ref.pcrs
	not pcr_known(key, allowed)
}

pcr_known(key, allowed) if lower(input.evidence.measurements[key]) in {lower(value) | some value in allowed}

# METADATA
# title: Secure boot is on
# custom:
#   threats: [insecure-config, unknown-code]
problems contains {
	"rule": "az-snp-vtpm.secure_boot_required",
	"claim": "az-snp-vtpm.vm_configuration.secure_boot",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the paravisor reports UEFI Secure Boot not enabled (or does not report it)",
	"value": secure_boot,
	"expected": true,
} if {
	ref.require_secure_boot
	not input["az-snp-vtpm"].vm_configuration.secure_boot == true
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
	"message": "the paravisor reports the vTPM not enabled (or does not report it)",
	"value": tpm_enabled,
	"expected": true,
} if {
	ref.require_tpm_enabled
	not input["az-snp-vtpm"].vm_configuration.tpm_enabled == true
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
	"value": console_enabled,
	"expected": false,
} if {
	not ref.allow_console
	not input["az-snp-vtpm"].vm_configuration.console_enabled == false
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
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null, {} or [] when missing).
measured_value(name) := value if {
	value := input.evidence.measurements[name]
} else := null

default debug := null

debug := input["az-snp-vtpm"].snp.policy.debug

default migrate_ma := null

migrate_ma := input["az-snp-vtpm"].snp.policy.migrate_ma

default smt_enabled := null

smt_enabled := input["az-snp-vtpm"].snp.platform_info.smt_enabled

default vmpl := null

vmpl := input["az-snp-vtpm"].snp.vmpl

default abi := null

abi := {"major": input["az-snp-vtpm"].snp.policy.abi_major, "minor": input["az-snp-vtpm"].snp.policy.abi_minor}

default abi_text := "not shown"

abi_text := sprintf("%v.%v", [abi.major, abi.minor]) if abi != null

default guest_svn := null

guest_svn := input["az-snp-vtpm"].snp.guest_svn

default reported_tcb := {}

reported_tcb := input["az-snp-vtpm"].snp.reported_tcb

default committed_tcb := {}

committed_tcb := input["az-snp-vtpm"].snp.committed_tcb

default secure_boot := null

secure_boot := input["az-snp-vtpm"].vm_configuration.secure_boot

default tpm_enabled := null

tpm_enabled := input["az-snp-vtpm"].vm_configuration.tpm_enabled

default console_enabled := null

console_enabled := input["az-snp-vtpm"].vm_configuration.console_enabled

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default allowed_vmpls := []

allowed_vmpls := ref.allowed_vmpls

default min_abi := {"major": null, "minor": null}

min_abi := ref.min_abi

default min_guest_svn := null

min_guest_svn := ref.min_guest_svn

default launch_measurements := []

launch_measurements := ref.measurements
