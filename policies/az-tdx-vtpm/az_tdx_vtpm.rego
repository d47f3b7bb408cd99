# Default appraisal policy for Azure confidential VMs on Intel TDX, attested through the paravisor's vTPM.
# TD checks on the nested TD quote claims (input["az-tdx-vtpm"].tdx and input.evidence), the VM configuration
# the paravisor reports (secure boot, vTPM, serial console) and PCR reference values.
# Pessimistic: a claim not shown good is not good. Reference values come from data["az-tdx-vtpm"].
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.az_tdx_vtpm

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data["az-tdx-vtpm"]

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
	"runtime-opaque": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: TD debugging is forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "az-tdx-vtpm.debug_forbidden",
	"claim": "az-tdx-vtpm.tdx.report.debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the TD attributes allow debugging (or do not show it off): the host can read and change TD memory",
	"value": debug,
	"expected": false,
} if {
	not input["az-tdx-vtpm"].tdx.report.debug == false
	not ref.allow_debug
}

# METADATA
# title: MRTD is a reference value
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-tdx-vtpm.mrtd_known",
	"claim": "evidence.measurements.mrtd",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "MRTD (the paravisor firmware) is not among the reference values (or not shown)",
	"value": measured_value("mrtd"),
	"expected": mrtds,
} if {
	not mrtd_known
}

# A helper rule keeps a missing claim pessimistic on OPA and regorus alike.
mrtd_known if lower(input.evidence.measurements.mrtd) in {lower(m) | some m in ref.mrtds}

# METADATA
# title: Platform TCB status accepted
# custom:
#   threats: [outdated-tcb, stale-collateral]
problems contains {
	"rule": "az-tdx-vtpm.tcb_status",
	"claim": "evidence.tcb.status",
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("the TCB status %v is not accepted (or not shown)", [tcb_status]),
	"value": tcb_status,
	"expected": accepted_tcb_statuses,
} if {
	not tcb_status_accepted
}

tcb_status_accepted if input.evidence.tcb.status in ref.accepted_tcb_statuses

# METADATA
# title: PCR reference values are configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "az-tdx-vtpm.pcr_reference_values",
	"claim": "data.az-tdx-vtpm.pcrs",
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
	"rule": "az-tdx-vtpm.pcr_reference_values",
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
	"rule": "az-tdx-vtpm.secure_boot_required",
	"claim": "az-tdx-vtpm.vm_configuration.secure_boot",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the paravisor reports UEFI Secure Boot not enabled (or does not report it)",
	"value": secure_boot,
	"expected": true,
} if {
	ref.require_secure_boot
	not input["az-tdx-vtpm"].vm_configuration.secure_boot == true
}

# METADATA
# title: The vTPM is enabled
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "az-tdx-vtpm.tpm_enabled_required",
	"claim": "az-tdx-vtpm.vm_configuration.tpm_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the paravisor reports the vTPM not enabled (or does not report it)",
	"value": tpm_enabled,
	"expected": true,
} if {
	ref.require_tpm_enabled
	not input["az-tdx-vtpm"].vm_configuration.tpm_enabled == true
}

# METADATA
# title: Serial console forbidden unless allowed
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "az-tdx-vtpm.console_forbidden",
	"claim": "az-tdx-vtpm.vm_configuration.console_enabled",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the serial console is enabled (or not reported): an interactive path into the guest",
	"value": console_enabled,
	"expected": false,
} if {
	not ref.allow_console
	not input["az-tdx-vtpm"].vm_configuration.console_enabled == false
}

# METADATA
# title: Fresh evidence when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "az-tdx-vtpm.freshness_required",
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

# Claim and reference values as reasons report them (null or [] when missing).
measured_value(name) := value if {
	value := input.evidence.measurements[name]
} else := null

default debug := null

debug := input["az-tdx-vtpm"].tdx.report.debug

default tcb_status := null

tcb_status := input.evidence.tcb.status

default secure_boot := null

secure_boot := input["az-tdx-vtpm"].vm_configuration.secure_boot

default tpm_enabled := null

tpm_enabled := input["az-tdx-vtpm"].vm_configuration.tpm_enabled

default console_enabled := null

console_enabled := input["az-tdx-vtpm"].vm_configuration.console_enabled

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default mrtds := []

mrtds := ref.mrtds

default accepted_tcb_statuses := []

accepted_tcb_statuses := ref.accepted_tcb_statuses
