# Default appraisal policy for legacy AMD SEV guests (no encrypted register state).
# Reference values come from data.sev (policies/sev/data.json, overridden with --data).
# Pessimistic: a claim not shown good is not good (see policies/lib/amd_sev.rego). Register state is
# judged by the TEE, not a claim: legacy SEV evidence never has ES set.
package ccpolicy.sev

import rego.v1

import data.ccpolicy.lib.amd_sev
import data.ccpolicy.lib.ar4si

result := ar4si.result(amd_sev.affirmed, problems)

problems := amd_sev.problems | register_state_problems

# Plain SEV encrypts guest memory but not the register state: the hypervisor sees it on every exit.
# METADATA
# title: Encrypted register state
# custom:
#   threats: [insecure-config]
register_state_problems contains {
	"rule": "sev.encrypted_state_required",
	"claim": "sev.policy.es",
	"trust_claim": "runtime-opaque",
	"ar4si": ar4si.known_vulnerabilities,
	"message": "SEV without ES leaves guest register state readable by the hypervisor",
	"value": false,
	"expected": true,
} if {
	not data.sev.accept_unencrypted_register_state
}
