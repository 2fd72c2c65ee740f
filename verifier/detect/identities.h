// The identities file: the honey values an auditor planted on the test device,
// each with its Candor data type, and the salt of their commitments.
//
// Format (JSON, UTF-8; also documented with examples in IDENTITIES.md):
//
//   {
//     "version": 1,
//     "salt": "<32 to 128 hex digits>",      optional; generated if absent
//     "default_country": "GB",                optional; for national phones
//     "values": [ <value>, ... ]              at least one
//   }
//
// Each <value> is an object with "type" (a Candor data type id), "kind" when
// the type allows more than one (see below), an optional "label" (the
// auditor's own note; never published), and the value's own members:
//
//   kind            types (first = where kind may be omitted)    members
//   phone           personal_info.phone_number, contacts.contacts
//                                           value, country, calling_code,
//                                           trunk_prefix
//   email           personal_info.email_address, contacts.contacts   value
//   name            personal_info.name, contacts.contacts            value
//   user_id         personal_info.user_ids                           value
//   advertising_id  device_or_other_ids.device_or_other_ids          value
//   android_id      device_or_other_ids.device_or_other_ids          value
//   idfv            device_or_other_ids.device_or_other_ids          value
//   imei            device_or_other_ids.device_or_other_ids          value
//   position        location.precise                  latitude, longitude
//   face_photo      biometrics.face_data, photos_and_videos.photos    sha256
//   address         personal_info.address      street, postcode, city,
//                                              country
//
// Values must be long and specific enough that finding one in traffic cannot
// be a coincidence; the parser refuses the rest (see the checks per kind in
// IDENTITIES.md): e-mail, name and user ID at least 6 characters (user IDs of
// only digits at least 8), phone numbers at least 7 national digits, IMEI 15
// digits with a valid Luhn check digit, advertising ID and IDFV UUIDs that
// are not all zero, Android ID 13 to 16 hex digits, positions with at least
// 4 decimals away from (0, 0), photo digests of 64 hex digits. No two values
// may be equal (ignoring case), since their commitments would be.
//
// Each value is committed to as lower-case hex SHA-256(salt || canonical),
// where the canonical form is: phone E.164 ("+442079460000"); e-mail trimmed
// and lower-cased; name and user ID trimmed, as written; advertising ID and
// IDFV lower-case with dashes; Android ID lower-case hex; IMEI its 15 digits;
// position "<latitude>,<longitude>" with both numbers exactly as written;
// face photo the lower-case hex SHA-256 of the photo file; address
// "<street>, <postcode> <city>" (", <city>" without a postcode), each part
// trimmed with single spaces.
//
// Thread-safe. ParseIdentities draws from OpenSSL's (thread-safe) random
// generator when the file has no salt; everything else is pure.

#ifndef CANDOR_VERIFIER_DETECT_IDENTITIES_H_
#define CANDOR_VERIFIER_DETECT_IDENTITIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "verifier/detect/phone.h"

namespace candor::detect {

enum class HoneyKind {
  kPhone,
  kEmail,
  kName,
  kUserId,
  kAdvertisingId,
  kAndroidId,
  kIdfv,
  kImei,
  kPosition,
  kFacePhoto,
  kAddress,
};

// "phone", "email", ... as written in the file.
absl::string_view KindName(HoneyKind kind);

// Salt length generated when the file has none, in bytes.
inline constexpr size_t kGeneratedSaltBytes = 32;
// Shortest e-mail address, name or user ID accepted.
inline constexpr size_t kMinTextValueChars = 6;

struct HoneyValue {
  std::string data_type;  // a Candor data type id, e.g. "contacts.contacts"
  HoneyKind kind = HoneyKind::kEmail;
  std::string label;       // the auditor's note, or empty; never published
  std::string canonical;   // the committed form (see above)
  std::string commitment;  // lower-case hex SHA-256(salt || canonical)

  // The value as written, trimmed (e-mail, name, user ID); the detector also
  // looks for this form when it differs from the canonical one.
  std::string as_written;
  PhoneNumber phone;  // kPhone
  // kPosition: degrees, and the decimals written in the file.
  double latitude = 0;
  double longitude = 0;
  // kFacePhoto: the photo file's SHA-256, 32 raw bytes.
  std::string photo_sha256;
  // kAddress: the street line (house number and street), postcode and city,
  // each trimmed with single spaces.
  std::string street;
  std::string postcode;
  std::string city;
};

struct Identities {
  std::string salt;  // raw bytes
  // True if the file had no salt and one was generated: the caller must show
  // or store it (SaltHex()), or the commitments can never be opened.
  bool salt_generated = false;
  std::vector<HoneyValue> values;

  std::string SaltHex() const;
};

// Parses and checks an identities file. Errors are INVALID_ARGUMENT, starting
// "identities file: " and naming the member at fault (e.g. "values[2].value:
// ..."); they never quote a honey value. INTERNAL if no random salt could be
// drawn.
absl::StatusOr<Identities> ParseIdentities(absl::string_view json);

// Lower-case hex SHA-256(salt || value).
std::string HoneyCommitment(absl::string_view salt, absl::string_view value);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_IDENTITIES_H_
