# Rules shared by the legacy AMD SEV and SEV-ES default policies.
# They read the vendor claims input[input.tee] and the reference values data[input.tee].
package ccpolicy.lib.amd_sev

import rego.v1

import data.ccpolicy.lib.ar4si

tee := input.tee

claims := input[tee]

# A dynamic key into data could name a rule, which OPA rejects as recursion: one rule per TEE.
ref := data.sev if tee == "sev"

ref := data["sev-es"] if tee == "sev-es"

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
	"runtime-opaque": ar4si.affirming,
}

# METADATA
# title: Launch measurement checked
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": sprintf("%s.launch_measured", [tee]),
	"claim": sprintf("%s.launch_measurement_checked", [tee]),
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "no launch measurement was checked: only the platform certificate chain was verified",
	"value": false,
	"expected": true,
} if {
	not claims.launch_measurement_checked
}

# METADATA
# title: Guest policy known
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": sprintf("%s.launch_measured", [tee]),
	"claim": sprintf("%s.policy", [tee]),
	"trust_claim": "configuration",
	"ar4si": ar4si.configuration_unavailable,
	"message": "without a launch measurement the guest policy (debug, key sharing) is unknown",
	"value": null,
	"expected": "a verified launch measurement",
} if {
	not claims.launch_measurement_checked
}

policy_bits := [
	["nodbg", "debug_forbidden", "the guest policy allows debugging (NODBG clear): the hypervisor can read guest memory", "allow_debug"],
	["noks", "key_sharing_forbidden", "the guest policy allows sharing keys with other guests (NOKS clear)", "allow_key_sharing"],
]

# METADATA
# title: Debugging and key sharing forbidden
# custom:
#   threats: [debug-access, insecure-config]
problems contains {
	"rule": sprintf("%s.%s", [tee, rule]),
	"claim": sprintf("%s.policy.%s", [tee, bit]),
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": message,
	"value": false,
	"expected": true,
} if {
	some [bit, rule, message, allowance] in policy_bits
	claims.launch_measurement_checked
	not claims.policy[bit]
	not ref[allowance]
}

# METADATA
# title: Launch digest among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": sprintf("%s.measurement_known", [tee]),
	"claim": "evidence.measurements.launch",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the launch digest is not among the reference values",
	"value": claims.launch_digest,
	"expected": ref.measurements,
} if {
	claims.launch_measurement_checked
	not lower(claims.launch_digest) in {lower(m) | some m in ref.measurements}
}

# METADATA
# title: Minimum firmware API version
# custom:
#   threats: [outdated-tcb]
problems contains {
	"rule": sprintf("%s.minimum_firmware", [tee]),
	"claim": sprintf("%s.api_version", [tee]),
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("firmware API %v.%v is below the required %v.%v", [claims.api_major, claims.api_minor, ref.min_api.major, ref.min_api.minor]),
	"value": {"major": claims.api_major, "minor": claims.api_minor},
	"expected": ref.min_api,
} if {
	[claims.api_major, claims.api_minor] < [ref.min_api.major, ref.min_api.minor]
}

# METADATA
# title: Minimum firmware build
# custom:
#   threats: [outdated-tcb]
problems contains {
	"rule": sprintf("%s.minimum_firmware", [tee]),
	"claim": sprintf("%s.build", [tee]),
	"trust_claim": "hardware",
	"ar4si": ar4si.known_vulnerabilities,
	"message": sprintf("firmware build %v is below the required %v", [claims.build, ref.min_build]),
	"value": claims.build,
	"expected": ref.min_build,
} if {
	claims.build != null
	claims.build < ref.min_build
}
