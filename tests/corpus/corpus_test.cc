// The detector against captures that real tools wrote (tests/corpus/README.md):
// every planted value in truth.json is found at its place (recall 1.0), no
// decoy is reported, and nothing is detected that the truth does not expect.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/har.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/measure.h"

namespace candor::testing {
namespace {

namespace v1 = ::candor::measurement::v1;

constexpr char kDir[] = "tests/corpus/";

std::string Member(const json::Value& v, absl::string_view key) {
  const json::Value* m = v.Find(key);
  return m != nullptr && m->is_string() ? m->text() : std::string();
}

// The URL path (without query) of every entry of a HAR, by entry index.
std::map<uint32_t, std::string> EntryPaths(const std::string& har) {
  std::map<uint32_t, std::string> paths;
  detect::StringByteSource source(har);
  detect::HarReader reader(&source);
  while (true) {
    absl::StatusOr<std::optional<detect::HarEntry>> e = reader.Next();
    if (!e.ok() || !e->has_value()) break;
    std::string url = (*e)->url;
    const size_t scheme = url.find("://");
    const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    path = path.substr(0, path.find('?'));
    paths[(*e)->index] = path;
  }
  return paths;
}

// Names compare without letter case (header names) and without array
// indices: chrome-har spreads a JSON body into fields, and a one-item array
// cannot be told from a value there.
std::string Normalised(absl::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '[' && i + 1 < name.size() && absl::ascii_isdigit(name[i + 1])) {
      size_t j = i + 1;
      while (j < name.size() && absl::ascii_isdigit(name[j])) ++j;
      if (j < name.size() && name[j] == ']') {
        i = j;
        continue;
      }
    }
    out.push_back(absl::ascii_tolower(name[i]));
  }
  return out;
}

// A detection's name is the truth's, or goes on from it into the value
// ("meta" > "meta > $.uid", "$.shipping" > "$.shipping.street").
bool NameMatches(absl::string_view found, absl::string_view expected) {
  return absl::StartsWith(Normalised(found), Normalised(expected));
}

struct Found {
  std::string path;
  std::string honey;  // label
  v1::Detection detection;
};

class CorpusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> truth_text =
        keyfile::ReadSmallFile(absl::StrCat(kDir, "truth.json"));
    ASSERT_THAT(truth_text, IsOk());
    absl::StatusOr<json::Value> truth = json::Parse(*truth_text);
    ASSERT_THAT(truth, IsOk());
    truth_ = *std::move(truth);
    absl::StatusOr<std::string> ids_text =
        keyfile::ReadSmallFile(absl::StrCat(kDir, "identities.json"));
    ASSERT_THAT(ids_text, IsOk());
    absl::StatusOr<detect::Identities> ids = detect::ParseIdentities(*ids_text);
    ASSERT_THAT(ids, IsOk());
    for (const detect::HoneyValue& h : ids->values) label_[h.commitment] = h.label;

    absl::StatusOr<std::string> har = keyfile::ReadSmallFile(absl::StrCat(kDir, GetParam()));
    ASSERT_THAT(har, IsOk());
    const std::map<uint32_t, std::string> paths = EntryPaths(*har);
    detect::StringByteSource source(*har);
    absl::StatusOr<v1::Measurement> m = detect::MeasureHar(source, *ids);
    ASSERT_THAT(m, IsOk());
    measurement_ = *std::move(m);
    for (const v1::Flow& flow : measurement_.flows()) {
      for (const v1::Detection& d : flow.detections()) {
        found_.push_back(Found{paths.at(flow.entry()), label_[d.honey_commitment()], d});
      }
    }
  }

  // The truth's items of kind `list` for this capture.
  std::vector<const json::Value*> Items(absl::string_view list) const {
    std::vector<const json::Value*> out;
    for (const json::Value& item : truth_.Find(list)->items()) {
      if (Member(item, "capture") == GetParam()) out.push_back(&item);
    }
    return out;
  }

  json::Value truth_;
  std::map<std::string, std::string> label_;  // commitment -> label
  v1::Measurement measurement_;
  std::vector<Found> found_;
};

TEST_P(CorpusTest, EveryPlantedValueIsFoundAtItsPlace) {
  const std::vector<const json::Value*> expected = Items("expected");
  ASSERT_FALSE(expected.empty());
  size_t hits = 0;
  for (const json::Value* e : expected) {
    const std::string where = Member(*e, "where");
    const std::string name = Member(*e, "name");
    bool hit = false;
    std::vector<std::string> there;
    for (const Found& f : found_) {
      if (f.path != Member(*e, "path") || f.honey != Member(*e, "honey")) continue;
      there.push_back(absl::StrCat(v1::Where_Name(f.detection.where()), " ",
                                   f.detection.name(), " ", f.detection.data_type(),
                                   " (", f.detection.path(), ")"));
      if (f.detection.data_type() == Member(*e, "data_type") &&
          v1::Where_Name(f.detection.where()) == where &&
          (name.empty() || NameMatches(f.detection.name(), name))) {
        hit = true;
      }
    }
    if (hit) {
      ++hits;
    } else {
      ADD_FAILURE() << GetParam() << " " << Member(*e, "path") << ": "
                    << Member(*e, "honey") << " as " << Member(*e, "data_type")
                    << " in " << where << " " << name << " (" << Member(*e, "how")
                    << ") was not found; found there: "
                    << (there.empty() ? "nothing" : absl::StrJoin(there, "; "));
    }
  }
  std::cerr << GetParam() << ": recall " << hits << "/" << expected.size() << "\n";
  EXPECT_EQ(hits, expected.size());
}

TEST_P(CorpusTest, NoDecoyAndNothingUnexpectedIsReported) {
  std::set<std::pair<std::string, std::string>> decoys;  // (path, label)
  for (const json::Value* d : Items("decoys")) {
    for (const json::Value& label : d->Find("not_honey")->items()) {
      decoys.emplace(Member(*d, "path"), label.text());
    }
  }
  std::set<std::tuple<std::string, std::string, std::string>> expected;
  for (const json::Value* e : Items("expected")) {
    expected.emplace(Member(*e, "path"), Member(*e, "honey"), Member(*e, "data_type"));
  }
  size_t decoys_reported = 0;
  for (const Found& f : found_) {
    if (decoys.count({f.path, f.honey}) != 0) {
      ++decoys_reported;
      ADD_FAILURE() << GetParam() << " " << f.path << ": decoy reported as " << f.honey
                    << " (" << f.detection.data_type() << ", " << f.detection.path()
                    << ", " << f.detection.evidence() << ")";
      continue;
    }
    EXPECT_EQ(expected.count({f.path, f.honey, f.detection.data_type()}), 1u)
        << GetParam() << " " << f.path << ": unexpected " << f.honey << " as "
        << f.detection.data_type() << " (" << f.detection.path() << ", "
        << f.detection.evidence() << ")";
  }
  EXPECT_EQ(decoys_reported, 0u);
}

TEST_P(CorpusTest, WhatTheToolLeftOutIsReportedNotSilent) {
  // Bodies the exporter did not write are counted as not examined.
  const v1::Coverage& c = measurement_.coverage();
  EXPECT_EQ(c.requests(), static_cast<uint32_t>(measurement_.flows_size()));
  EXPECT_LE(c.bodies_examined(), c.bodies());
  uint32_t omitted = 0;
  for (const v1::NotExamined& n : c.not_examined()) {
    if (n.reason() == "omitted by the exporter") omitted += n.requests();
  }
  uint32_t left_out = 0;
  for (const json::Value* n : Items("not_recorded")) {
    if (absl::StrContains(Member(*n, "reason"), "no postData")) ++left_out;
  }
  EXPECT_EQ(omitted, left_out);
}

INSTANTIATE_TEST_SUITE_P(Tools, CorpusTest,
                         ::testing::Values("mitmproxy.har", "chromium.har"),
                         [](const auto& info) {
                           return info.param == "mitmproxy.har" ? "mitmproxy" : "chromium";
                         });

}  // namespace
}  // namespace candor::testing
