// MeasureHar on a capture far larger than what it may keep in memory: a ~67
// MB HAR written to TEST_TMPDIR, with one 20 MB body among thousands of
// ordinary requests. The process's peak resident memory may grow by a small
// fraction of the file's size only. (No timing is asserted; see
// detect_benchmark for throughput.)

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/measure.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;

constexpr int kEntries = 5000;
constexpr size_t kHugeBody = size_t{20} << 20;

// A /proc/self/status field in kB ("VmHWM", "VmRSS"), or -1.
long StatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    long kb = -1;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    if (!absl::SimpleAtoi(digits, &kb)) return -1;
    return kb;
  }
  return -1;
}

// Writes the capture in pieces, so that writing it does not raise the peak.
size_t WriteLargeHar(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  const std::string response_text(8000, 'r');
  size_t size = 0;
  auto put = [&](const std::string& s) {
    out << s;
    size += s.size();
  };
  put(R"({"log": {"version": "1.2", "creator": {"name": "generator"}, "entries": [)");
  for (int i = 0; i < kEntries; ++i) {
    std::string body = absl::StrCat(R"({"seq": )", i, R"(, "items": [)");
    for (int k = 0; k < 20; ++k) {
      absl::StrAppend(&body, k == 0 ? "" : ",", R"({"id": "item-)", i * 100 + k,
                      R"(", "label": "an ordinary value of no interest"})");
    }
    // Every hundredth request sends the honey e-mail address.
    absl::StrAppend(
        &body, R"(], "user": ")",
        i % 100 == 0 ? "honey.alice@example.org" : "someone@example.net",
        R"("})");
    std::string entry = absl::StrCat(
        i == 0 ? "" : ",",
        R"({"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "POST", )",
        R"("url": "https://api.example.org/v1/items?page=)", i,
        R"(", "headers": [)",
        R"({"name": "Content-Type", "value": "application/json"}], )",
        R"("postData": {"mimeType": "application/json", "text": ")");
    // The body is a JSON document inside a JSON string: escape its quotes.
    for (char c : body) {
      if (c == '"') entry += '\\';
      entry += c;
    }
    absl::StrAppend(&entry,
                    R"("}}, "response": {"status": 200, "content": {"text": ")",
                    response_text, R"("}}, "serverIPAddress": "192.0.2.1"})");
    put(entry);
    if (i == kEntries / 2) {
      // A hostile entry: a 20 MB body.
      put(R"(, {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "PUT", )"
          R"("url": "https://upload.example.org/blob", "postData": {"text": ")");
      const std::string chunk(1 << 20, 'x');
      for (size_t n = 0; n < kHugeBody; n += chunk.size()) put(chunk);
      put(R"("}}})");
    }
  }
  put("]}}\n");
  return size;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // quarantined frees inflate the peak
#else
constexpr bool kSanitized = false;
#endif

TEST(MeasureStreaming, PeakMemoryStaysFarBelowTheFileSize) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/large.har";
  const size_t file_size = WriteLargeHar(path);
  ASSERT_GT(file_size, size_t{45} << 20);

  absl::StatusOr<Identities> ids = ParseIdentities(R"({"version": 1,
      "salt": "000102030405060708090a0b0c0d0e0f",
      "values": [{"type": "personal_info.email_address", "value": "honey.alice@example.org"}]})");
  ASSERT_THAT(ids, IsOk());
  MeasureOptions options;
  options.har.max_string_bytes = size_t{4} << 20;

  // Reset the peak to the current resident size where the kernel allows
  // (Linux >= 4.0); otherwise measure from the peak so far.
  const long rss_before = StatusKb("VmRSS");
  const bool reset =
      static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  const long baseline = reset ? rss_before : StatusKb("VmHWM");
  ASSERT_GT(baseline, 0);

  absl::StatusOr<std::unique_ptr<FileByteSource>> file =
      FileByteSource::Open(path);
  ASSERT_THAT(file, IsOk());
  absl::StatusOr<measurement::v1::Measurement> m =
      MeasureHar(**file, *ids, options);
  ASSERT_THAT(m, IsOk());

  const long growth_kb = StatusKb("VmHWM") - baseline;
  std::cout << "file " << (file_size >> 20) << " MiB, peak memory growth "
            << growth_kb / 1024 << " MiB (baseline "
            << (reset ? "reset" : "kept") << ")\n";
  // The 4 MiB string cap, one request, the flows: well under a third of the
  // file. (Sanitizers quarantine freed memory, which inflates the peak.)
  if (!kSanitized) {
    EXPECT_LT(growth_kb * 1024, static_cast<long>(file_size / 3));
    EXPECT_LT(growth_kb, 16 * 1024);
  }

  EXPECT_EQ(m->flows_size(), kEntries + 1);
  int with_detections = 0;
  for (const auto& flow : m->flows()) {
    if (flow.detections_size() > 0) {
      ++with_detections;
      EXPECT_EQ(flow.detections(0).name(), "$.user");
    }
  }
  EXPECT_EQ(with_detections, kEntries / 100);
  ASSERT_EQ(m->skipped_size(), 1);
  EXPECT_EQ(m->skipped(0).entry(), static_cast<uint32_t>(kEntries / 2 + 1));
  EXPECT_EQ(m->skipped(0).reason(),
            "request.postData.text is longer than 4 MiB and was not searched");
  EXPECT_EQ(m->capture_sha256().size(), 64u);
}

}  // namespace
}  // namespace candor::detect
