# Default appraisal policy for TPM 2.0 quotes (with a TCG event log when one is given).
# Pessimistic: a claim not shown good is not good. Reference values come from data.tpm (policies/tpm/data.json,
# overridden with --data): PCR values per "<bank>:pcr<N>" key (hex in any case), secure-boot and freshness demands.
#
# Rule bodies test for the good value, so a claim missing from the input is judged not good: a PCR the quote
# does not show is not among its reference values, a secure-boot state no verified event log states is unknown.
# The values reported in reasons come from the rules with a default at the end of the file, which are
# evaluated only when a reason is made.
package ccpolicy.tpm

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data.tpm

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: PCR reference values configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "tpm.pcr_reference_values",
	"claim": "data.tpm.pcrs",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "no PCR reference values are configured, so the boot chain is not recognized",
	"value": null,
	"expected": "at least one \"<bank>:pcr<N>\" entry",
} if {
	count(ref.pcrs) == 0
}

# METADATA
# title: PCRs among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "tpm.pcr_reference_values",
	"claim": sprintf("evidence.measurements.%s", [key]),
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": sprintf("%s is not among its reference values (or not shown by the quote)", [key]),
	"value": pcr_value(key),
	"expected": allowed,
} if {
	some key, allowed in ref.pcrs
	not key in pcrs_known
}

# The PCRs the quote shows with a listed value. A set rule, not `not lower(...) in ...` over the input: on OPA a
# negated expression over a missing reference is undefined, where regorus negates it.
pcrs_known contains key if {
	some key, allowed in ref.pcrs
	value := input.evidence.measurements[key]
	is_string(value)
	lower(value) in {lower(listed) | some listed in allowed}
}

# METADATA
# title: Secure boot enabled
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "tpm.secure_boot_required",
	"claim": "tpm.event_log.secure_boot",
	"trust_claim": "configuration",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "the event log shows UEFI Secure Boot disabled",
	"value": false,
	"expected": true,
} if {
	ref.require_secure_boot
	input.tpm.event_log.secure_boot == false
}

# METADATA
# title: Secure boot state known
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "tpm.secure_boot_required",
	"claim": "tpm.event_log.secure_boot",
	"trust_claim": "configuration",
	"ar4si": ar4si.configuration_unavailable,
	"message": "secure boot is required but no verified event log states it",
	"value": null,
	"expected": true,
} if {
	ref.require_secure_boot
	not secure_boot_known
}

secure_boot_known if is_boolean(input.tpm.event_log.secure_boot)

# METADATA
# title: Freshness
# custom:
#   threats: [replay]
problems contains {
	"rule": "tpm.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the quote's extraData), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim values as reasons report them (null when missing).
pcr_value(key) := value if {
	value := input.evidence.measurements[key]
} else := null

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified
