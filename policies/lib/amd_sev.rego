# Rules shared by the legacy AMD SEV and SEV-ES default policies.
# They read the vendor claims input[input.tee] and the reference values data[input.tee].
#
# Pessimistic: a claim not shown good is not good. Rule bodies test for the good value
# (`not <claim> == <good>`), so a claim missing from the input is judged not good, and the values reported
# in reasons come from the rules with a default at the end of the file, which are evaluated only when a
# reason is made. Evidence of the platform certificates alone (launch_measurement_checked false) shows no
# guest policy, launch digest or firmware build: one reason says so, and the rules on those claims hold
# back (the build rule only while data requires no minimum build).
package ccpolicy.lib.amd_sev

import rego.v1

import data.ccpolicy.lib.ar4si

tee := input.tee

# Static paths, like the reference values below: a variable key into input costs regorus far more.
claims := input.sev if tee == "sev"

claims := input["sev-es"] if tee == "sev-es"

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

# Only the platform certificate chain was verified: shown by the claim, never assumed from a missing one.
platform_chain_only if claims.launch_measurement_checked == false

# METADATA
# title: Launch measurement checked
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": sprintf("%s.launch_measured", [tee]),
	"claim": sprintf("%s.launch_measurement_checked", [tee]),
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "no launch measurement was checked (or none is shown checked): only the platform certificate chain was verified",
	"value": launch_measurement_checked,
	"expected": true,
} if {
	not claims.launch_measurement_checked == true
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
	not claims.launch_measurement_checked == true
}

policy_bits := [
	["nodbg", "debug_forbidden", "the guest policy allows debugging (NODBG clear, or not shown set): the hypervisor can read guest memory", "allow_debug"],
	["noks", "key_sharing_forbidden", "the guest policy allows sharing keys with other guests (NOKS clear, or not shown set)", "allow_key_sharing"],
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
	"value": policy_bit(bit),
	"expected": true,
} if {
	some [bit, rule, message, allowance] in policy_bits
	not platform_chain_only
	not claims.policy[bit] == true
	not ref[allowance]
}

# Reference digests are matched in any case.
measurement_known if {
	is_string(claims.launch_digest)
	lower(claims.launch_digest) in {lower(m) | some m in ref.measurements}
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
	"message": "the launch digest is not among the reference values (or not shown)",
	"value": launch_digest,
	"expected": measurements,
} if {
	not platform_chain_only
	not measurement_known
}

api_version_sufficient if {
	is_number(claims.api_major)
	is_number(claims.api_minor)
	[claims.api_major, claims.api_minor] >= [ref.min_api.major, ref.min_api.minor]
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
	"message": api_version_text,
	"value": api_version,
	"expected": min_api,
} if {
	not api_version_sufficient
}

api_version_text := sprintf("firmware API %v.%v is below the required %v.%v", [api_major, api_minor, min_api_major, min_api_minor]) if {
	is_number(api_major)
	is_number(api_minor)
} else := sprintf("no firmware API version is shown (required: %v.%v or later)", [min_api_major, min_api_minor])

# The platform certificates carry no build: without launch evidence a build is required only when data
# sets a minimum.
build_sufficient if {
	is_number(claims.build)
	claims.build >= ref.min_build
}

build_sufficient if {
	platform_chain_only
	ref.min_build <= 0
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
	"message": build_text,
	"value": build,
	"expected": min_build,
} if {
	not build_sufficient
}

build_text := sprintf("firmware build %v is below the required %v", [build, min_build]) if {
	is_number(build)
} else := sprintf("no firmware build is shown (required: %v or later)", [min_build])

# METADATA
# title: A verified nonce when the reference values require freshness
# custom:
#   threats: [replay]
problems contains {
	"rule": sprintf("%s.freshness_required", [tee]),
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce, and none was checked: SEV launch evidence carries no relying-party nonce",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null when missing).
policy_bit(bit) := value if {
	value := claims.policy[bit]
} else := null

default launch_measurement_checked := null

launch_measurement_checked := claims.launch_measurement_checked

default launch_digest := null

launch_digest := claims.launch_digest

api_version := {"major": major, "minor": minor} if {
	major := claims.api_major
	minor := claims.api_minor
} else := null

default api_major := null

api_major := claims.api_major

default api_minor := null

api_minor := claims.api_minor

default build := null

build := claims.build

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default measurements := []

measurements := ref.measurements

default min_api := null

min_api := ref.min_api

default min_api_major := null

min_api_major := ref.min_api.major

default min_api_minor := null

min_api_minor := ref.min_api.minor

default min_build := null

min_build := ref.min_build
