// The detector: finds planted honey values in one HTTP request (and the
// WebSocket messages sent after it) and says, for each finding, where it
// was, through which encodings, and why it matched, in words a reader can
// check against the capture without learning the value.
//
// What is searched: every URL path segment (percent-decoded), query
// parameter, header (except HTTP/2 pseudo-headers, which repeat the URL),
// cookie, the body and every WebSocket message the app sent. The body's
// content codings are undone first (content_coding.h: gzip, deflate, br,
// zstd, chained), and a body the exporter wrote one character per byte is
// taken back to its bytes (Latin1Bytes); then it is read as multipart parts
// (each by its own Content-Transfer-Encoding and Content-Encoding), a form,
// JSON (each member, by JSON path), NDJSON (line by line), or text and
// bytes. Inside any value, nested encodings are undone recursively up to
// DetectOptions::max_decode_depth layers: gzip and zstd blobs, percent-
// encoding, base64 and base64url tokens, hex runs in one letter case
// (decoded, not searched for as encoded strings, so a value at any alignment
// inside a larger blob is found), JSON and NDJSON documents, URLs (their
// query parsed as a form) and form-encoded strings.
//
// What matches: each honey value in every normalised form of its kind (see
// identities.h) written plainly, in another letter case, as hex of its
// bytes, or as MD5, SHA-1 or SHA-256 of the form (hex in either case, or raw
// digest bytes, which is how a base64 digest shows once decoded); phone
// numbers also when written with separators ("+44 20 7946-0000"); positions
// as latitude/longitude pairs (either order, in text, arrays or separate
// fields) and geohashes derived from the planted one by rounding or
// truncation only (coordinates.h says why nothing else can count); face
// photos as the photo file itself (SHA-256 of a body, part or decoded blob)
// or its digest.
//
// What does not: anything that is not one of these forms. Short values are
// refused when the identities are parsed; plain matches must stand alone
// (no letter or digit glued on either side, so "5551234567" is not found in
// "15551234567" nor "alice@example.org" in "malice@example.org"; a byte that
// is not part of a UTF-8 letter, as in binary bodies, ends a value);
// coordinates must be decimals, not whole degrees or parts of dotted version
// strings. Device models and OS versions are never needles.
//
// What is published: only names a structured parser produced that look like
// schema names (identifiers of at most 40 characters: no spaces, no '@', no
// runs of 5 digits, nothing that looks like a hash or an encoded ID; and
// either at most 7 characters, or lower-case-led like "deviceId" and
// "user_email", or dashed like "X-Device-Id": a capitalised word such as
// "Bartholomew" is what a person's name looks like), with any honey value
// redacted as
// "{redacted}"; every other name is replaced by its position ("#3"), and
// every other URL path segment by "{data}", so that a capture of a real
// device cannot leak someone else's data into the log. Evidence is made of
// fixed words.
//
// Locators: each detection has its Where and name, the 1-based occurrence
// of a repeated name, the byte offset in the decoded body for bodies without
// names (text, binary, NDJSON lines) and for WebSocket messages, the message
// index, and the whole decoding path ("gzip > json $.events[3].u > base64 >
// hex").
//
// A Detector is immutable after construction; Scan is thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_DETECTOR_H_
#define CANDOR_VERIFIER_DETECT_DETECTOR_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/detect/content_coding.h"
#include "verifier/detect/coordinates.h"
#include "verifier/detect/http.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/matcher.h"

namespace candor::detect {

struct DetectOptions {
  // Nested decoding layers (compression, percent, base64, hex, JSON, URL,
  // form) tried at most.
  size_t max_decode_depth = 5;
  // Bytes produced by nested decoding per request, at most; past this the
  // rest of the request is searched without decoding, and a problem is
  // reported.
  size_t max_decoded_bytes = size_t{64} << 20;
  // Content codings and compressed blobs: output and ratio caps.
  DecodeLimits decompression;
  // Deepest JSON body searched member by member; deeper ones are searched as
  // plain text, and a problem is reported.
  size_t max_json_depth = 64;
  // Shortest base64 run decoded (6 bytes, the shortest honey value).
  size_t min_base64_chars = 8;
  // Shortest hex run decoded (6 bytes).
  size_t min_hex_chars = 12;
  // Smallest body, part or decoded blob hashed to compare with face photos.
  size_t min_photo_bytes = 256;
  // Detections kept per request; more are dropped with a problem reported.
  size_t max_detections = 256;
};

// Replaces what must not be published (a honey value in a name or path).
inline constexpr absl::string_view kRedacted = "{redacted}";
// Replaces a URL path segment that does not look like a name.
inline constexpr absl::string_view kDataSegment = "{data}";

// Coverage reasons of a body that was not examined whole (besides those of
// the HAR reader, har.h).
inline constexpr absl::string_view kUndecodableCoding = "undecodable content coding";
inline constexpr absl::string_view kUnknownCoding = "unknown content coding";

// Whether a name from a structured parser (a JSON key, a field, header,
// cookie or part name, a path segment) may be published as it is.
bool IsPublishableName(absl::string_view name);

struct RequestFindings {
  // Distinct detections, in the order found.
  std::vector<measurement::v1::Detection> detections;
  // The URL path with every segment that held a honey value replaced by
  // kRedacted and every segment that is not a publishable name by
  // kDataSegment.
  std::string path;
  // Parts of the request that were not (fully) searched, for the
  // measurement's skipped list. Never quote the capture.
  std::vector<std::string> problems;
  // Why the body was not searched whole (kUndecodableCoding, ...), or empty.
  std::string body_not_examined;
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
    // The data type reported, if not the honey value's (geohash cells).
    std::string data_type = {};
  };

  struct PhoneForm {
    size_t honey;
    std::string subject;
  };

  struct Context;
  struct Location;
  struct Hit;
  using Chain = std::vector<measurement::v1::Encoding>;
  using Spans = std::vector<std::pair<size_t, size_t>>;

  void AddNeedle(Needle needle);
  void AddHashes(size_t honey, absl::string_view form,
                 absl::string_view subject);

  void ScanString(Context& ctx, absl::string_view text, const Location& loc,
                  const Chain& chain, const std::vector<bool>* escaped) const;
  void ScanFlat(Context& ctx, absl::string_view text, const Location& loc,
                const Chain& chain, const std::vector<bool>* escaped) const;
  // Returns the spans of `text` that matched a needle.
  Spans MatchNeedles(Context& ctx, absl::string_view text, const Location& loc,
                     const Chain& chain, const std::vector<bool>* escaped) const;
  // False (with detections of the attempt undone) if `text` is not JSON.
  bool WalkJson(Context& ctx, absl::string_view text, const Location& loc,
                const Chain& chain) const;
  // False if `text` is not two or more lines of which one is JSON. Lines
  // that are JSON are walked with `json_chain`, the others searched with
  // `chain`.
  bool ScanNdjson(Context& ctx, absl::string_view text, const Location& loc,
                  const Chain& chain, const Chain& json_chain) const;
  // False if `text` is not a URL with a query.
  bool ScanUrl(Context& ctx, absl::string_view text, const Location& loc,
               const Chain& chain) const;
  // `label` names the list in decoding paths: "query", "form", "fields".
  void ScanPairs(Context& ctx, const std::vector<NameValue>& pairs,
                 const Location& loc, const Chain& chain,
                 absl::string_view label) const;
  void ScanBody(Context& ctx, const HttpRequest& request,
                absl::string_view content_type,
                absl::string_view content_encoding) const;
  void ScanBodyBytes(Context& ctx, absl::string_view bytes,
                     absl::string_view content_type, const Location& loc,
                     const Chain& chain) const;
  void ScanMultipart(Context& ctx, const std::vector<MultipartPart>& parts,
                     const Location& loc, const Chain& chain) const;
  void MatchPhoto(Context& ctx, absl::string_view bytes, const Location& loc,
                  const Chain& chain) const;
  void ReportPosition(Context& ctx, const Coordinate& first,
                      const Coordinate& second, bool either_order,
                      const Location& loc, const Chain& chain,
                      absl::string_view how, size_t at) const;

  void Emit(Context& ctx, size_t honey, const Location& loc, const Chain& chain,
            measurement::v1::Encoding terminal, absl::string_view data_type,
            absl::string_view evidence, size_t at) const;

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
