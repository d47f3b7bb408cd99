# A deliberately bad TDX policy: it checks MRTD only (measurement-only), nothing of the TCB.
package ccpolicy.tdx

import rego.v1

import data.ccpolicy.lib.ar4si

affirmed := {"executables": ar4si.approved_boot, "instance-identity": ar4si.affirming, "configuration": ar4si.affirming}

result := ar4si.result(affirmed, problems)

problems contains {
	"rule": "tdx.mrtd_known",
	"claim": "evidence.measurements.mrtd",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "unknown MRTD",
} if {
	not mrtd_known
}

mrtd_known if input.evidence.measurements.mrtd in data.tdx.mrtds

problems contains {
	"rule": "tdx.debug_forbidden",
	"claim": "evidence.debug",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "debug TD",
} if {
	input.evidence.debug
}

problems contains {
	"rule": "tdx.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "no nonce",
} if {
	not input.evidence.nonce_verified == true
}
