// The detector's private parts, shared by its three source files:
// detector.cc (needles and matching), detector_walk.cc (values and their
// layers: JSON, NDJSON, URLs, forms, encodings) and detector_body.cc (the
// request: path, query, headers, cookies, body, WebSocket messages). Not a
// public interface: only //verifier/detect:detector includes it.

#ifndef CANDOR_VERIFIER_DETECT_DETECTOR_INTERNAL_H_
#define CANDOR_VERIFIER_DETECT_DETECTOR_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/detect/content_coding.h"
#include "verifier/detect/detector.h"

namespace candor::detect {
namespace internal {

// "16 MiB" or "1000 bytes", for problems that quote a limit.
std::string Bytes(size_t n);
// The measurement's encoding for a content coding undone.
std::optional<measurement::v1::Encoding> EncodingOf(Coding coding);
// Whether any byte of [begin, end) came from an escape; true without a mask.
bool AnyEscaped(const std::vector<bool>* escaped, size_t begin, size_t end);
// "outer > inner", or whichever is not empty.
std::string Join(absl::string_view outer, absl::string_view inner);
// A JSON path step for member `key`, the `position`th (1-based) of its
// object: ".key" for identifiers, ["key"] for other publishable names, and
// [#position] for names that may be data.
void AppendKey(std::string& path, absl::string_view key, size_t position);
// `name` if it may be published (IsPublishableName), else its position
// ("#3").
std::string PublishedName(absl::string_view name, size_t position);

}  // namespace internal

struct Detector::Location {
  measurement::v1::Where where;
  std::string name;  // published names, outermost first, joined by " > "
  std::string path;  // the decoding path so far
  uint32_t occurrence = 0;
  std::optional<uint32_t> message;
  // When set, the text being searched starts at this offset of the body or
  // message, and a hit's own position is added to it.
  std::optional<uint64_t> slice_base;
  // Else, when set, the offset reported for any hit: where the enclosing
  // encoded token or line starts.
  std::optional<uint64_t> offset;
  // Set when the text is a member of a JSON body that the exporter split
  // into fields (chrome-har): its JSON path, which a JSON value continues.
  std::string json_root;

  // The location of what decoding `begin` onwards of the current text gives,
  // with `step` added to the path.
  Location Inner(absl::string_view step, size_t begin) const {
    Location inner = *this;
    inner.json_root.clear();
    inner.path = internal::Join(path, step);
    if (slice_base.has_value()) inner.offset = *slice_base + begin;
    inner.slice_base.reset();
    return inner;
  }
};

struct Detector::Hit {
  size_t honey;
  size_t begin;
  size_t end;
  const Needle* needle;    // or
  const PhoneForm* phone;  // a number written with separators
};

struct Detector::Context {
  std::vector<measurement::v1::Detection> out;
  absl::flat_hash_set<std::string> seen;
  size_t emitted = 0;  // findings, counting duplicates
  size_t decoded_bytes = 0;
  bool budget_reported = false;
  bool cap_reported = false;
  std::vector<std::string> problems;
  std::string body_not_examined;
  // The last name redacted, and the result: hits come in runs per name.
  std::string redacted_for;
  std::string redacted;
  bool redacted_valid = false;

  static std::string Key(const measurement::v1::Detection& d) {
    std::string key = absl::StrCat(
        d.data_type(), "\n", static_cast<int>(d.where()), "\n", d.name(), "\n",
        d.honey_commitment(), "\n", d.evidence(), "\n");
    for (int e : d.encodings()) absl::StrAppend(&key, e, ",");
    return key;
  }

  // Undoes the detections found after `mark` (a JSON walk that failed).
  void Truncate(size_t mark) {
    if (out.size() <= mark) return;
    out.resize(mark);
    seen.clear();
    for (const measurement::v1::Detection& d : out) seen.insert(Key(d));
  }

  bool Charge(size_t bytes, const DetectOptions& options) {
    if (decoded_bytes + bytes > options.max_decoded_bytes) {
      if (!budget_reported) {
        problems.push_back(absl::StrCat("nested encodings beyond ",
                                        internal::Bytes(options.max_decoded_bytes),
                                        " of decoded data were not searched"));
        budget_reported = true;
      }
      return false;
    }
    decoded_bytes += bytes;
    return true;
  }
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_DETECTOR_INTERNAL_H_
