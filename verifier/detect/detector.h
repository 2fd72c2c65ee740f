// The detector: finds planted honey values in one HTTP request and says,
// for each finding, where it was, through which encodings, and why it
// matched, in words a reader can check against the capture without learning
// the value.
//
// What is searched: every URL path segment (percent-decoded), query
// parameter, header (except HTTP/2 pseudo-headers, which repeat the URL),
// cookie, and the body as JSON (each member, by JSON path), form fields,
// multipart parts or plain text. Inside any of these, nested encodings are
// undone recursively up to DetectOptions::max_decode_depth layers: percent-
// encoding, base64 and base64url tokens (decoded, not searched for as
// encoded strings, so a value at any alignment inside a larger base64 blob is
// found), JSON documents and form-encoded strings. Detection::encodings lists
// the layers outermost first, then how the value itself appeared.
//
// What matches: each honey value in every normalised form of its kind (see
// identities.h) written plainly, in another letter case, as hex of its
// bytes, or as MD5, SHA-1 or SHA-256 of the form (hex in either case, or raw
// digest bytes, which is how a base64 digest shows once decoded); phone
// numbers also when written with separators ("+44 20 7946-0000"); positions
// as latitude/longitude pairs near the planted one; face photos as the photo
// file itself (SHA-256 of a body, part or decoded blob) or its digest.
//
// What does not: anything that is not one of these forms. Short values are
// refused when the identities are parsed; plain matches must stand alone
// (no letter or digit glued on either side, so "5551234567" is not found in
// "15551234567" nor "alice@example.org" in "malice@example.org"); coordinates
// must be decimals, not whole degrees or parts of dotted version strings.
// Device models and OS versions are never needles, so they can only match
// by equalling a planted value, which the minimum lengths make implausible.
//
// Names that would repeat a honey value (a JSON key, a path segment) are
// redacted as "{redacted}" before they are reported.
//
// A Detector is immutable after construction; Scan is thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_DETECTOR_H_
#define CANDOR_VERIFIER_DETECT_DETECTOR_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/detect/coordinates.h"
#include "verifier/detect/http.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/matcher.h"

namespace candor::detect {

struct DetectOptions {
  // Nested decoding layers (percent, base64, JSON, form) tried at most.
  size_t max_decode_depth = 4;
  // Bytes produced by nested decoding per request, at most; past this the
  // rest of the request is searched without decoding, and a problem is
  // reported.
  size_t max_decoded_bytes = size_t{64} << 20;
  // Deepest JSON body searched member by member; deeper ones are searched as
  // plain text, and a problem is reported.
  size_t max_json_depth = 64;
  // Shortest base64 run decoded (6 bytes, the shortest honey value).
  size_t min_base64_chars = 8;
  // Smallest body, part or decoded blob hashed to compare with face photos.
  size_t min_photo_bytes = 256;
  // Detections kept per request; more are dropped with a problem reported.
  size_t max_detections = 256;
};

// Replaces what must not be published (a honey value in a name or path).
inline constexpr absl::string_view kRedacted = "{redacted}";

struct RequestFindings {
  // Distinct detections, in the order found.
  std::vector<measurement::v1::Detection> detections;
  // The URL path with every segment that held a honey value replaced by
  // kRedacted.
  std::string path;
  // Parts of the request that were not (fully) searched, for the
  // measurement's skipped list. Never quote the capture.
  std::vector<std::string> problems;
};

class Detector {
 public:
  explicit Detector(const Identities& identities, DetectOptions options = {});

  RequestFindings Scan(const HttpRequest& request) const;

  // `text` with every occurrence of any form of any honey value replaced by
  // kRedacted (for names and paths that are published).
  std::string Redact(absl::string_view text) const;

  // Precomputed search patterns (for tests and benchmarks).
  size_t needle_count() const { return needles_.size(); }

 private:
  enum class CaseRule { kText, kHex, kBinary };
  enum class Boundary { kNone, kDigits, kPlusDigits, kWord, kEmail };

  struct Honey {
    std::string data_type;
    std::string commitment;
    double latitude = 0;
    double longitude = 0;
    std::string photo_sha256;
  };

  struct Needle {
    size_t honey;
    std::string pattern;
    // Other exact spellings that count as plain (an e-mail as planted).
    std::vector<std::string> alternates;
    CaseRule case_rule;
    Boundary boundary;
    measurement::v1::Encoding terminal;
    std::string subject;  // "the phone number in E.164 form"
  };

  struct PhoneForm {
    size_t honey;
    std::string subject;
  };

  struct Context;
  struct Location;
  struct Hit;
  using Chain = std::vector<measurement::v1::Encoding>;

  // Needles are deduplicated by spelling once all are added.
  void AddNeedle(Needle needle);
  void AddHashes(size_t honey, absl::string_view form,
                 absl::string_view subject);

  void ScanString(Context& ctx, absl::string_view text, const Location& loc,
                  const Chain& chain, const std::vector<bool>* escaped) const;
  void ScanFlat(Context& ctx, absl::string_view text, const Location& loc,
                const Chain& chain, const std::vector<bool>* escaped) const;
  void MatchNeedles(Context& ctx, absl::string_view text, const Location& loc,
                    const Chain& chain, const std::vector<bool>* escaped) const;
  // False (with detections of the attempt undone) if `text` is not JSON.
  bool WalkJson(Context& ctx, absl::string_view text, const Location& loc,
                const Chain& chain) const;
  void ScanPairs(Context& ctx, const std::vector<NameValue>& pairs,
                 const Location& loc, const Chain& chain) const;
  void ScanBody(Context& ctx, const HttpRequest& request,
                absl::string_view content_type) const;
  void MatchPhoto(Context& ctx, absl::string_view bytes, const Location& loc,
                  const Chain& chain) const;
  void ReportPosition(Context& ctx, const Coordinate& lat,
                      const Coordinate& lng, const Location& loc,
                      const Chain& chain, absl::string_view how) const;

  void Emit(Context& ctx, size_t honey, const Location& loc, const Chain& chain,
            measurement::v1::Encoding terminal, absl::string_view data_type,
            absl::string_view evidence) const;

  DetectOptions options_;
  std::vector<Honey> honey_;
  std::vector<Needle> needles_;
  MultiMatcher matcher_{{}};
  // Digits of each phone form ("+442079460000", "02079460000", ...), for
  // numbers written with separators.
  absl::flat_hash_map<std::string, PhoneForm> phone_forms_;
  std::vector<size_t> positions_;  // honey indexes
  std::vector<size_t> photos_;     // honey indexes
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_DETECTOR_H_
