# Shared helpers for appraisal policies: AR4SI trust claim values and the result document.
# Values follow draft-ietf-rats-ar4si, "Specific Claims".
package ccpolicy.lib.ar4si

import rego.v1

no_claim := 0

# Affirming tier.
affirming := 2

# executables: only approved executables loaded during boot.
approved_boot := 3

# Warning tier.
known_vulnerabilities := 32

unrecognized_executables := 33

# configuration: security-relevant elements unavailable to the verifier.
configuration_unavailable := 36

# Contraindicated tier.
contraindicated := 96

# instance-identity / hardware: not recognized, but it should be.
unrecognized := 97

claim_names := {
	"instance-identity", "configuration", "executables", "file-system",
	"hardware", "runtime-opaque", "storage-opaque", "sourced-data",
}

# result builds the appraisal document the host reads.
# affirmed: claim -> value when nothing is wrong; problems: set of reasons, each
# {"rule", "claim", "message", "trust_claim", "ar4si", "value"?, "expected"?}.
# A claim with problems takes their worst (highest) value, which is always worse than an affirming one.
result(affirmed, problems) := {
	"trust_vector": object.union(affirmed, {name: max([p.ar4si | some p in problems; p.trust_claim == name]) |
		some name in {p.trust_claim | some p in problems}
	}),
	"reasons": [p | some p in problems],
}
