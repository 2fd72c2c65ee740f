// From a HAR capture and the planted identities to the observed part of a
// measurement: one flow per request (destination, method, path without query
// values, detections), the honey commitments, the requests or parts of
// requests that could not be searched, the capture's SHA-256 and the time
// window the requests span.
//
// The caller fills what only it knows: app, app_version, binary_sha256,
// device, consent, vantage_country, harness and auditor. Validation of the
// complete measurement is verifier/measurement's job.
//
// Streaming: the capture is read once, one entry at a time; memory is
// bounded by the largest request (see HarLimits), not by the file.
// Thread-compatible: concurrent calls need separate sources.

#ifndef CANDOR_VERIFIER_DETECT_MEASURE_H_
#define CANDOR_VERIFIER_DETECT_MEASURE_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "log/json/json.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/detect/detector.h"
#include "verifier/detect/har.h"
#include "verifier/detect/identities.h"

namespace candor::detect {

struct MeasureOptions {
  HarLimits har;
  DetectOptions detect;
  // Longest flow path kept; longer ones are cut at a '/' and end in "/...".
  size_t max_path_bytes = 512;
  // If not zero, reading stops with RESOURCE_EXHAUSTED as soon as the flows
  // alone, in protobuf's binary form (smaller than any signed form of the
  // measurement), take more than this: the measurement could never be
  // logged, and a huge capture need not be read to the end to know it.
  size_t max_measurement_bytes = 0;
};

// Reads the whole of `har` and returns the measurement's observed fields:
// flows (every usable entry, in capture order, with or without detections,
// each with its entry index), coverage (what was and was not examined),
// honey (one commitment per identity, in file order), skipped (entries with
// no flow, and parts of requests not searched), capture_sha256 (of every
// byte read from `har`), and start_time/end_time (earliest and latest entry;
// unset if there are no flows). Errors are those of HarReader: the capture is
// not a readable HAR file.
absl::StatusOr<measurement::v1::Measurement> MeasureHar(
    json::ByteSource& har, const Identities& identities,
    const MeasureOptions& options = MeasureOptions());

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_MEASURE_H_
