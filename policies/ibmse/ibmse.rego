# Default appraisal policy for IBM Secure Execution attestation responses (pvattest).
# Pessimistic: a claim not shown good is not good. Reference values come from data.ibmse
# (policies/ibmse/data.json, overridden with --data): the images as SE header tags
# {"pld", "ald", "tld", "tag"} (every tag an entry names must match; other keys such as a "name" label
# are ignored, and an entry naming no tag matches nothing), allowed configuration UIDs
# and host-key hashes (each list checked only when non-empty), whether dumping is allowed, and
# whether a verified nonce is required.
#
# Rule bodies test for the good value, so a claim missing from the input is judged not good. The values
# reported in reasons come from the rules with a default at the end of the file, which are evaluated only
# when a reason is made.
package ccpolicy.ibmse

import rego.v1

import data.ccpolicy.lib.ar4si

ref := data.ibmse

affirmed := {
	"instance-identity": ar4si.affirming,
	"configuration": ar4si.affirming,
	"executables": ar4si.approved_boot,
	"hardware": ar4si.affirming,
}

result := ar4si.result(affirmed, problems)

# METADATA
# title: image reference values configured
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "ibmse.image_reference_values",
	"claim": "data.ibmse.images",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "no image reference values are configured, so the measured image is not recognized",
	"value": null,
	"expected": "at least one {\"pld\", \"ald\", \"tld\", \"tag\"} entry",
} if {
	count(ref.images) == 0
}

# METADATA
# title: measured image among the reference values
# custom:
#   threats: [unknown-code]
problems contains {
	"rule": "ibmse.image_known",
	"claim": "ibmse.image",
	"trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables,
	"message": "the SE header tags the measurement proves are not among the reference images (or not shown)",
	"value": image_tags,
	"expected": ref.images,
} if {
	count(ref.images) > 0
	not image_known
}

image_known if {
	some image in ref.images
	names := {name | some name, _ in image; name in image_tag_names}
	count(names) > 0
	every name in names {
		lower(image[name]) == lower(input.ibmse.image[name])
	}
}

image_tag_names := {"pld", "ald", "tld", "tag"}

# METADATA
# title: image does not allow dumping
# custom:
#   threats: [debug-access]
problems contains {
	"rule": "ibmse.dumping_forbidden",
	"claim": "ibmse.image.allow_dumping",
	"trust_claim": "configuration",
	"ar4si": ar4si.contraindicated,
	"message": "the image's SE header allows dumping: the host can read the guest's memory in a dump",
	"value": true,
	"expected": false,
} if {
	input.ibmse.image.allow_dumping == true
	not ref.allow_dumping
}

# METADATA
# title: image control flags known
# custom:
#   threats: [debug-access, insecure-config]
problems contains {
	"rule": "ibmse.control_flags_unknown",
	"claim": "ibmse.image.allow_dumping",
	"trust_claim": "configuration",
	"ar4si": ar4si.configuration_unavailable,
	"message": "no SE header was given, so whether the image allows dumping is unknown",
	"value": null,
	"expected": false,
} if {
	not allow_dumping_known
	not ref.allow_dumping
}

# A helper rule, not `not is_boolean(...)`: OPA hoists the reference out of the negation, so an absent
# field would make the whole body undefined there while regorus negates the call.
allow_dumping_known if is_boolean(input.ibmse.image.allow_dumping)

# METADATA
# title: configuration UID allowed
# custom:
#   threats: [insecure-config]
problems contains {
	"rule": "ibmse.config_uid_allowed",
	"claim": "ibmse.config_uid",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the guest's configuration UID is not among the allowed ones (or not shown)",
	"value": config_uid,
	"expected": ref.config_uids,
} if {
	count(ref.config_uids) > 0
	not config_uid_allowed
}

# A helper rule keeps a missing claim pessimistic on OPA and regorus alike.
config_uid_allowed if lower(input.ibmse.config_uid) in {lower(uid) | some uid in ref.config_uids}

# METADATA
# title: host keys allowed
# custom:
#   threats: [untrusted-key]
problems contains {
	"rule": "ibmse.host_key_allowed",
	"claim": sprintf("ibmse.additional_data.%s", [name]),
	"trust_claim": "hardware",
	"ar4si": ar4si.unrecognized,
	"message": sprintf("the %s is not among the allowed host-key hashes (or not shown)", [replace(name, "_", " ")]),
	"value": host_key_hash(name),
	"expected": ref.host_key_hashes,
} if {
	count(ref.host_key_hashes) > 0
	some name in {"image_public_host_key_hash", "attestation_public_host_key_hash"}
	not host_key_allowed(name)
}

host_key_allowed(name) if {
	value := input.ibmse.additional_data[name]
	is_string(value)
	lower(value) in {lower(h) | some h in ref.host_key_hashes}
}

# METADATA
# title: verified nonce when required
# custom:
#   threats: [replay]
problems contains {
	"rule": "ibmse.freshness_required",
	"claim": "evidence.nonce_verified",
	"trust_claim": "instance-identity",
	"ar4si": ar4si.unrecognized,
	"message": "the reference values require a verified nonce (the request's nonce), and none was checked",
	"value": nonce_verified_value,
	"expected": true,
} if {
	ref.require_freshness
	not nonce_verified
}

nonce_verified if input.evidence.nonce_verified == true

# Claim values as reasons report them (null when missing).
default image_tags := null

image_tags := object.filter(input.ibmse.image, image_tag_names) if is_object(input.ibmse.image)

default config_uid := null

config_uid := input.ibmse.config_uid

host_key_hash(name) := value if {
	value := input.ibmse.additional_data[name]
} else := null

default nonce_verified_value := null

nonce_verified_value := input.evidence.nonce_verified
