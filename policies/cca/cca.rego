# Default appraisal policy for Arm CCA attestation tokens (a platform token and a realm token).
# Pessimistic: a claim not shown good is not good. Reference values come from data.cca
# (policies/cca/data.json, overridden with --data).
#
# Platform: the security lifecycle must be in data.cca.accepted_lifecycles (default: secured); every
# platform software component must match an entry of data.cca.platform_software_components by signer id
# and measurement value (hex in lower or upper case), and by measurement type when the entry names one;
# the CPAK must be the key the platform instance id names (0x01 || SHA-256 of the key) unless
# data.cca.allow_unbound_key. Realm: the RIM must be among data.cca.measurements.rim, and REM0-3 among
# theirs when data lists values for them. Freshness: the realm challenge is what a relying party's nonce
# is compared with.
#
# No runtime-opaque claim: realm memory is isolated by the granule protection checks, and nothing in the
# token states that it is encrypted.
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.cca

import rego.v1

import data.ccpolicy.lib.ar4si

import data.cca as ref

# ar4si.affirming (2) for each claim, but ar4si.approved_boot (3) for executables.
affirmed := {
	"instance-identity": 2,
	"configuration": 2,
	"executables": 3,
	"hardware": 2,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Platform security lifecycle secured
# custom:
#   threats: [debug-access, insecure-config]
problems contains {
	"rule": "cca.lifecycle_secured",
	"claim": "cca.platform.lifecycle.name",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": sprintf("the platform security lifecycle is %v, not an accepted one %v: the platform may be debugged, unprovisioned or decommissioned", [lifecycle_name, accepted_lifecycles]),
	"value": lifecycle,
	"expected": accepted_lifecycles,
} if {
	not lifecycle_accepted
}

lifecycle_accepted if input.cca.platform.lifecycle.name in ref.accepted_lifecycles

# METADATA
# title: Platform key bound to the instance id
# custom:
#   threats: [untrusted-key]
problems contains {
	"rule": "cca.instance_id_bound",
	"claim": "cca.platform.cpak_matches_instance_id",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the key that verified the platform token is not the one its instance id names (0x01 || SHA-256 of the CPAK): the platform's identity is not bound to the key",
	"value": key_bound,
	"expected": true,
} if {
	not input.cca.platform.cpak_matches_instance_id == true
	not ref.allow_unbound_key
}

components_configured if count(ref.platform_software_components) > 0

components_reported if {
	is_array(input.cca.platform.software_components)
	count(input.cca.platform.software_components) > 0
}

# A component is known when a reference entry has its signer id and measurement value, and its
# measurement type when the entry names one.
component_known(c) if {
	some r in ref.platform_software_components
	hex_matches(r.signer_id, c.signer_id)
	hex_matches(r.measurement_value, c.measurement_value)
	type_matches(object.get(r, "measurement_type", null), object.get(c, "measurement_type", null))
}

# Reference hex is matched as the plugin writes it (lower case), else in upper case: no string function
# over the reference values.
hex_matches(reference, claim) if {
	reference == claim
} else if {
	is_string(claim)
	reference == upper(claim)
}

type_matches(null, _) := true

type_matches(reference, claim) if reference == claim

# METADATA
# title: Platform software component reference values configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "cca.platform_components_known",
	"claim": "data.cca.platform_software_components",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "no platform software component reference values are configured, so the platform firmware is not recognized",
	"value": null,
	"expected": "at least one {signer_id, measurement_value} entry",
} if {
	not components_configured
}

# METADATA
# title: Platform software components among the reference values
# custom:
#   threats: [unknown-code, untrusted-key, outdated-tcb]
problems contains {
	"rule": "cca.platform_components_known",
	"claim": sprintf("cca.platform.software_components[%d]", [index]),
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("platform software component %v (version %v) is not among the reference values: no entry has its signer id and measurement", [object.get(c, "measurement_type", null), object.get(c, "version", null)]),
	"value": c,
	"expected": ref.platform_software_components,
} if {
	components_configured
	some index, c in input.cca.platform.software_components
	not component_known(c)
}

# METADATA
# title: Platform software components reported
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "cca.platform_components_known",
	"claim": "cca.platform.software_components",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "the platform token reports no software components, so nothing that booted is recognized",
	"value": components,
	"expected": "at least one component",
} if {
	not components_reported
}

# Static paths: a variable key into input costs regorus ten times more. If any of them is missing the
# whole object is undefined, and every checked realm measurement is then unknown.
measured := {
	"rim": input.evidence.measurements.rim,
	"rem0": input.evidence.measurements.rem0,
	"rem1": input.evidence.measurements.rem1,
	"rem2": input.evidence.measurements.rem2,
	"rem3": input.evidence.measurements.rem3,
}

# The RIM always; the REMs when data lists values for them.
checked contains "rim"

checked contains name if {
	some name, values in ref.measurements
	count(values) > 0
}

known contains name if {
	some name in checked
	hex_listed(measured[name], ref.measurements[name])
}

hex_listed(value, listed) if {
	value in listed
} else if {
	is_string(value)
	upper(value) in listed
}

# METADATA
# title: Realm measurements among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "cca.measurement_known",
	"claim": sprintf("evidence.measurements.%s", [name]),
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("the realm's %s is not among its %d reference values", [upper(name), count(reference_values(name))]),
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
	"rule": "cca.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the realm token's challenge), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null or [] when missing).
measured_value(name) := value if {
	value := measured[name]
} else := null

reference_values(name) := values if {
	values := ref.measurements[name]
} else := []

default lifecycle := null

lifecycle := input.cca.platform.lifecycle

default lifecycle_name := null

lifecycle_name := input.cca.platform.lifecycle.name

default accepted_lifecycles := []

accepted_lifecycles := ref.accepted_lifecycles

default key_bound := null

key_bound := input.cca.platform.cpak_matches_instance_id

default components := null

components := input.cca.platform.software_components

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified
