# Default appraisal policy for AMD SEV-ES guests.
# Reference values come from data["sev-es"] (policies/sev-es/data.json, overridden with --data).
# Pessimistic: a claim not shown good is not good (see policies/lib/amd_sev.rego).
package ccpolicy.sev_es

import rego.v1

import data.ccpolicy.lib.amd_sev
import data.ccpolicy.lib.ar4si

result := ar4si.result(amd_sev.affirmed, problems)

problems := amd_sev.problems | es_problems

# METADATA
# title: Encrypted state required
# custom:
#   threats: [insecure-config]
es_problems contains {
	"rule": "sev-es.encrypted_state_required",
	"claim": "sev-es.policy.es",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the guest policy does not require encrypted state (ES clear, or not shown set)",
	"value": es,
	"expected": true,
} if {
	not amd_sev.platform_chain_only
	not input["sev-es"].policy.es == true
}

default es := null

es := input["sev-es"].policy.es
