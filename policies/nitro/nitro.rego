# Default appraisal policy for AWS Nitro Enclaves attestation documents.
# Pessimistic: a claim not shown good is not good. Reference values and limits come from data.nitro
# (policies/nitro/data.json, overridden with --data).
#
# Debug mode (PCR0, PCR1 and PCR2 all zero, as the plugin states in evidence.debug) is forbidden.
# PCR0 (enclave image), PCR1 (kernel and boot ramfs) and PCR2 (application) must be among their
# reference values (hex in lower or upper case); PCR8 (the image's signing certificate) too when
# data.nitro.require_signing, and PCR3 (IAM role), PCR4 (parent instance id) and the others up to PCR8
# when data lists values for them. The document may be at most data.nitro.max_age_seconds old at the
# evaluation time, and dated at most data.nitro.max_clock_skew_seconds after it.
#
# No runtime-opaque claim: enclave memory is isolated by the Nitro hypervisor, and nothing in the
# document states that it is encrypted.
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.nitro

import rego.v1

import data.ccpolicy.lib.ar4si

import data.nitro as ref

# ar4si.affirming (2) for each claim, but ar4si.approved_boot (3) for executables.
affirmed := {
	"instance-identity": 2,
	"configuration": 2,
	"executables": 3,
	"hardware": 2,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Debug-mode enclaves forbidden
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "nitro.debug_forbidden",
	"claim": "evidence.debug",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": "the enclave runs in debug mode (PCR0, PCR1 and PCR2 are zero), or is not shown not to: its console and memory are open to the parent instance",
	"value": debug,
	"expected": false,
} if {
	not input.evidence.debug == false
	not ref.allow_debug
}

# Static paths: a variable key into input costs regorus ten times more. If any of them is missing the
# whole object is undefined, and every checked PCR is then unknown.
measured := {
	"pcr0": input.evidence.measurements.pcr0,
	"pcr1": input.evidence.measurements.pcr1,
	"pcr2": input.evidence.measurements.pcr2,
	"pcr3": input.evidence.measurements.pcr3,
	"pcr4": input.evidence.measurements.pcr4,
	"pcr5": input.evidence.measurements.pcr5,
	"pcr6": input.evidence.measurements.pcr6,
	"pcr7": input.evidence.measurements.pcr7,
	"pcr8": input.evidence.measurements.pcr8,
}

# PCR0-2 always, PCR8 when signing is required, any other PCR when data lists values for it.
checked contains name if some name in ["pcr0", "pcr1", "pcr2"]

checked contains "pcr8" if ref.require_signing

checked contains name if {
	some name, values in ref.pcrs
	count(values) > 0
}

known contains name if {
	some name in checked
	hex_listed(measured[name], ref.pcrs[name])
}

# Reference hex is matched as the plugin writes it (lower case), else in upper case: list membership, no
# string function over the reference values.
hex_listed(value, listed) if {
	value in listed
} else if {
	is_string(value)
	upper(value) in listed
}

# METADATA
# title: PCRs among the reference values
# custom:
#   threats: [unknown-code, untrusted-key]
problems contains {
	"rule": "nitro.measurement_known",
	"claim": sprintf("evidence.measurements.%s", [name]),
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("%s is not among its %d reference values", [upper(name), count(reference_values(name))]),
	"value": measured_value(name),
	"expected": reference_values(name),
} if {
	some name in checked
	not name in known
}

# METADATA
# title: Freshness when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "nitro.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the document's nonce field), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# The age comes only from a well-formed RFC 3339 timestamp: a malformed one is "age unknown" on every
# engine (regorus fails the whole evaluation on a parse error, OPA makes the expression undefined).
# The evaluation time is the host's, always RFC 3339.
rfc3339 := `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`

age_ns := time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(input.nitro.timestamp) if {
	is_string(input.nitro.timestamp)
	regex.match(rfc3339, input.nitro.timestamp)
	is_string(input.now)
}

age_within_bounds if {
	age_ns <= ref.max_age_seconds * 1000000000
	age_ns >= 0 - (ref.max_clock_skew_seconds * 1000000000)
}

age_known if is_number(age_ns)

# METADATA
# title: Document age bounded
# custom:
#   threats: [replay]
problems contains {
	"rule": "nitro.document_age",
	"claim": "nitro.timestamp",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": sprintf("%s; at most %v s old and %v s ahead are accepted", [age_text, max_age_seconds, max_clock_skew_seconds]),
	"value": timestamp,
	"expected": {"now": evaluation_time, "max_age_seconds": max_age_seconds, "max_clock_skew_seconds": max_clock_skew_seconds},
} if {
	age_known
	not age_within_bounds
}

age_text := sprintf("the document is %.3f s old", [age_ns / 1000000000]) if {
	age_ns >= 0
} else := sprintf("the document is dated %.3f s after the evaluation time", [(0 - age_ns) / 1000000000])

# METADATA
# title: Document age known
# custom:
#   threats: [replay]
problems contains {
	"rule": "nitro.document_age",
	"claim": "nitro.timestamp",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the document's timestamp or the evaluation time is missing or not an RFC 3339 time, so the document's age is unknown",
	"value": timestamp,
	"expected": "an RFC 3339 time",
} if {
	not age_known
}

# Claim and reference values as reasons report them (null or [] when missing).
measured_value(name) := value if {
	value := measured[name]
} else := null

reference_values(name) := values if {
	values := ref.pcrs[name]
} else := []

default debug := null

debug := input.evidence.debug

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified

default timestamp := null

timestamp := input.nitro.timestamp

default max_age_seconds := null

max_age_seconds := ref.max_age_seconds

default max_clock_skew_seconds := null

max_clock_skew_seconds := ref.max_clock_skew_seconds

default evaluation_time := null

evaluation_time := input.now
