package ccpolicy.nitro_test

import rego.v1

import data.ccpolicy.nitro

# Values of ../shared/vectors/nitro/blocky_nitro_attestation.b64 as the Nitro plugin states them.
pcr0 := "e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a"

pcr1 := "0343b056cd8485ca7890ddd833476d78460aed2aa161548e4e26bedf321726696257d623e8805f3f605946b3d8b0c6aa"

pcr2 := "d5dcbdea0aa39c802f9d55ced2ea6e4d74ecec5f08fe40c508882639c9090642669106a062a3e24ee2805a3024b9b75c"

pcr4 := "45706d7b621e4620a332e147a5ddb000b049f73d47d3e61f6b03d2069152d4df6a4a786ad1c10102b955799a9dc96b44"

zero48 := concat("", ["00" | some _ in numbers.range(1, 48)])

signing_cert_hash := concat("", ["ab" | some _ in numbers.range(1, 48)])

good_input := {
	"tee": "nitro",
	"evidence": {
		"measurements": {
			"pcr0": pcr0, "pcr1": pcr1, "pcr2": pcr2, "pcr3": zero48, "pcr4": pcr4,
			"pcr5": zero48, "pcr6": zero48, "pcr7": zero48, "pcr8": signing_cert_hash,
		},
		"debug": false,
		"nonce_verified": true,
	},
	"nitro": {"timestamp": "2024-09-07T14:37:39.545Z", "timestamp_ms": 1725719859545},
	"now": "2024-09-07T14:40:00Z",
}

good_data := {
	"pcrs": {"pcr0": [upper(pcr0)], "pcr1": [pcr1], "pcr2": [pcr2, zero48], "pcr3": [], "pcr4": [], "pcr8": [signing_cert_hash]},
	"allow_debug": false,
	"require_signing": true,
	"require_freshness": true,
	"max_age_seconds": 300,
	"max_clock_skew_seconds": 60,
}

result_for(doc, ref) := result if {
	result := nitro.result with input as doc with data.nitro as ref
}

rules_of(result) := {r.rule | some r in result.reasons}

claims_of(result) := {r.claim | some r in result.reasons}

patched(ops) := json.patch(good_input, ops)

replace(path, value) := {"op": "replace", "path": path, "value": value}

with_pcrs(references) := object.union(good_data, {"pcrs": object.union(good_data.pcrs, references)})

test_good_document_is_affirmed if {
	result := result_for(good_input, good_data)
	count(result.reasons) == 0
	result.trust_vector == {"instance-identity": 2, "configuration": 2, "executables": 3, "hardware": 2}
}

# As the debug vector: PCR0-2 zero, so debug mode and no PCR0/PCR1 reference value.
test_debug_mode_is_contraindicated if {
	doc := patched([
		replace("/evidence/debug", true),
		replace("/evidence/measurements/pcr0", zero48),
		replace("/evidence/measurements/pcr1", zero48),
		replace("/evidence/measurements/pcr2", zero48),
	])
	result := result_for(doc, good_data)
	rules_of(result) == {"nitro.debug_forbidden", "nitro.measurement_known"}
	claims_of(result) == {"evidence.debug", "evidence.measurements.pcr0", "evidence.measurements.pcr1"}
	result.trust_vector.configuration == 96
}

test_debug_allowed_by_data if {
	doc := patched([replace("/evidence/debug", true)])
	count(result_for(doc, object.union(good_data, {"allow_debug": true})).reasons) == 0
}

test_debug_unknown_is_contraindicated if {
	result := result_for(json.remove(good_input, ["evidence/debug"]), good_data)
	rules_of(result) == {"nitro.debug_forbidden"}
}

test_no_reference_values if {
	ref := json.patch(good_data, [replace("/pcrs", {}), replace("/require_signing", false)])
	result := result_for(good_input, ref)
	claims_of(result) == {"evidence.measurements.pcr0", "evidence.measurements.pcr1", "evidence.measurements.pcr2"}
	result.trust_vector.executables == 33
	messages := {r.message | some r in result.reasons}
	"PCR0 is not among its 0 reference values" in messages
}

test_pcr8_checked_only_when_signing_required if {
	doc := patched([replace("/evidence/measurements/pcr8", zero48)])
	claims_of(result_for(doc, good_data)) == {"evidence.measurements.pcr8"}
	unsigned := object.union(with_pcrs({"pcr8": []}), {"require_signing": false})
	count(result_for(doc, unsigned).reasons) == 0
}

test_listed_pcr3_and_pcr4_checked if {
	result := result_for(good_input, with_pcrs({"pcr3": ["ab"], "pcr4": [pcr4]}))
	claims_of(result) == {"evidence.measurements.pcr3"}
}

test_missing_pcr_makes_all_unknown if {
	result := result_for(json.remove(good_input, ["evidence/measurements/pcr4"]), good_data)
	claims_of(result) == {
		"evidence.measurements.pcr0", "evidence.measurements.pcr1",
		"evidence.measurements.pcr2", "evidence.measurements.pcr8",
	}
}

test_freshness_required_without_nonce if {
	result := result_for(patched([replace("/evidence/nonce_verified", null)]), good_data)
	rules_of(result) == {"nitro.freshness_required"}
	result.trust_vector["instance-identity"] == 97
	doc := patched([replace("/evidence/nonce_verified", null)])
	count(result_for(doc, object.union(good_data, {"require_freshness": false})).reasons) == 0
}

test_document_at_the_age_limit if {
	count(result_for(patched([replace("/now", "2024-09-07T14:42:39.545Z")]), good_data).reasons) == 0
}

test_document_too_old if {
	result := result_for(patched([replace("/now", "2024-09-07T14:42:39.546Z")]), good_data)
	rules_of(result) == {"nitro.document_age"}
	result.trust_vector["instance-identity"] == 97
	[reason] := result.reasons
	reason.message == "the document is 300.001 s old; at most 300 s old and 60 s ahead are accepted"
}

test_document_from_the_future if {
	doc := patched([replace("/now", "2024-09-07T14:36:00+00:00")])
	[reason] := result_for(doc, good_data).reasons
	reason.message == "the document is dated 99.545 s after the evaluation time; at most 300 s old and 60 s ahead are accepted"
	count(result_for(doc, object.union(good_data, {"max_clock_skew_seconds": 100})).reasons) == 0
}

test_malformed_timestamp_means_unknown_age if {
	result := result_for(patched([replace("/nitro/timestamp", "2024-09-07T14:37:39.545Z00")]), good_data)
	rules_of(result) == {"nitro.document_age"}
	[reason] := result.reasons
	startswith(reason.message, "the document's timestamp or the evaluation time is missing")
}

test_missing_timestamp_means_unknown_age if {
	result := result_for(json.remove(good_input, ["nitro/timestamp"]), good_data)
	rules_of(result) == {"nitro.document_age"}
}

test_empty_input_is_denied_on_every_count if {
	result := result_for({"tee": "nitro"}, good_data)
	rules_of(result) == {
		"nitro.debug_forbidden", "nitro.measurement_known",
		"nitro.freshness_required", "nitro.document_age",
	}
}
