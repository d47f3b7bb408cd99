# Default appraisal policy for Arm PSA attestation tokens.
# Pessimistic: a claim not shown good is not good. Reference values come from data.psa
# (policies/psa/data.json, overridden with --data).
#
# The security lifecycle must be in data.psa.accepted_lifecycles (default: secured). Every software
# component must match an entry of data.psa.software_components by signer id and measurement value (hex in
# lower or upper case), and by measurement type when the entry names one. The verification key (IAK) must
# be the one the token's instance id names (0x01 || SHA-256 of the key) unless data.psa.allow_unbound_key.
#
# No runtime-opaque claim: PSA isolates the root of trust (e.g. TrustZone), and nothing in the token
# states that memory is encrypted.
#
# Rule bodies read static input paths and test for the good value (`not <claim> == <good>`), so a claim
# missing from the input is judged not good. The values reported in reasons come from the rules with a
# default at the end of the file, which are evaluated only when a reason is made.
package ccpolicy.psa

import rego.v1

import data.ccpolicy.lib.ar4si

import data.psa as ref

# ar4si.affirming (2) for each claim, but ar4si.approved_boot (3) for executables.
affirmed := {
	"instance-identity": 2,
	"configuration": 2,
	"executables": 3,
	"hardware": 2,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: Security lifecycle secured
# custom:
#   threats: [debug-access, insecure-config]
problems contains {
	"rule": "psa.lifecycle_secured",
	"claim": "psa.lifecycle.name",
	"trust_claim": "configuration",
	"ar4si": data.ccpolicy.lib.ar4si.contraindicated,
	"message": sprintf("the security lifecycle is %v, not an accepted one %v: the root of trust may be debugged, unprovisioned or decommissioned", [lifecycle_name, accepted_lifecycles]),
	"value": lifecycle,
	"expected": accepted_lifecycles,
} if {
	not lifecycle_accepted
}

lifecycle_accepted if input.psa.lifecycle.name in ref.accepted_lifecycles

# METADATA
# title: Verification key bound to the instance id
# custom:
#   threats: [untrusted-key]
problems contains {
	"rule": "psa.instance_id_bound",
	"claim": "psa.iak_matches_instance_id",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the key that verified the token is not the one its instance id names (0x01 || SHA-256 of the IAK): the token's identity is not bound to the key",
	"value": key_bound,
	"expected": true,
} if {
	not input.psa.iak_matches_instance_id == true
	not ref.allow_unbound_key
}

components_configured if count(ref.software_components) > 0

components_reported if {
	is_array(input.psa.software_components)
	count(input.psa.software_components) > 0
}

# A component is known when a reference entry has its signer id and measurement value, and its
# measurement type when the entry names one.
component_known(c) if {
	some r in ref.software_components
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
# title: Software component reference values configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "psa.software_components_known",
	"claim": "data.psa.software_components",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "no software component reference values are configured, so the firmware is not recognized",
	"value": null,
	"expected": "at least one {signer_id, measurement_value} entry",
} if {
	not components_configured
}

# METADATA
# title: Software components among the reference values
# custom:
#   threats: [unknown-code, untrusted-key, outdated-tcb]
problems contains {
	"rule": "psa.software_components_known",
	"claim": sprintf("psa.software_components[%d]", [index]),
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": sprintf("software component %v (version %v) is not among the reference values: no entry has its signer id and measurement", [object.get(c, "measurement_type", null), object.get(c, "version", null)]),
	"value": c,
	"expected": ref.software_components,
} if {
	components_configured
	some index, c in input.psa.software_components
	not component_known(c)
}

# METADATA
# title: Software components reported
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "psa.software_components_known",
	"claim": "psa.software_components",
	"trust_claim": "executables",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized_executables,
	"message": "the token reports no software components, so nothing that booted is recognized",
	"value": components,
	"expected": "at least one component",
} if {
	not components_reported
}

# METADATA
# title: Freshness when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "psa.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": data.ccpolicy.lib.ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the token's nonce claim), and none was checked",
	"value": nonce_verified,
	"expected": true,
} if {
	ref.require_freshness
	not input.evidence.nonce_verified == true
}

# Claim and reference values as reasons report them (null or [] when missing).
default lifecycle := null

lifecycle := input.psa.lifecycle

default lifecycle_name := null

lifecycle_name := input.psa.lifecycle.name

default accepted_lifecycles := []

accepted_lifecycles := ref.accepted_lifecycles

default key_bound := null

key_bound := input.psa.iak_matches_instance_id

default components := null

components := input.psa.software_components

default nonce_verified := null

nonce_verified := input.evidence.nonce_verified
