// The tlog-witness client's reading of a witness's answers, with a fake
// transport (fault injection); the real exchange is in
// //tests/log:witnessing_test and //tests/witness_interop.

#include "log/witness/witness_client.h"

#include <string>

#include "gtest/gtest.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/status_matchers.h"

namespace candor::witness_client {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

struct Fixture {
  note::Signer log = *note::Signer::Generate("example.com/log");
  note::Signer witness = *note::Signer::GenerateCosigner("w.example/w1");
  std::string text = note::FormatCheckpoint({"example.com/log", 3, merkle::HashLeaf("x"), {}});
  std::string checkpoint = *note::Sign(text, {log});
  WitnessEndpoint endpoint{"W1", witness.verifier(), "http://127.0.0.1:9"};

  absl::StatusOr<AddOutcome> Answer(int status, std::string content_type, std::string body) {
    PostFunction post = [=](const std::string&, const std::string&,
                            absl::Time) -> absl::StatusOr<http::HttpReply> {
      return http::HttpReply{status, content_type, body, ""};
    };
    return AddCheckpoint(endpoint, post, 0, {}, checkpoint, absl::InfiniteFuture());
  }
};

TEST(WitnessClient, RequestBody) {
  Fixture f;
  const merkle::Hash h = merkle::HashLeaf("p");
  auto body = AddCheckpointBody(2, {h}, f.checkpoint);
  ASSERT_THAT(body, IsOk());
  // RFC 6962 leaf hash of "p", base64 (computed with Python's hashlib).
  EXPECT_EQ(*body, "old 2\nTPWvAn2alJqIHlBb18exTF62H/R9FZtYWjMdaQUB0T0=\n\n" + f.checkpoint)
      << *body;
  std::vector<merkle::Hash> long_proof(64, h);
  EXPECT_THAT(AddCheckpointBody(2, long_proof, f.checkpoint),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a consistency proof of 64 hashes is longer than the 63 lines "
                       "tlog-witness allows"));
}

TEST(WitnessClient, CosignatureAndConflict) {
  Fixture f;
  const std::string line = *note::Cosign(f.text, f.witness, 1700000000);
  // Lines by other keys are ignored; the witness's own is kept.
  const std::string other = *note::Cosign(f.text, *note::Signer::GenerateCosigner("x"), 5);
  auto ok = f.Answer(200, "text/plain", other + line);
  ASSERT_THAT(ok, IsOk());
  EXPECT_FALSE(ok->conflict);
  EXPECT_EQ(ok->cosignature, line);
  EXPECT_EQ(ok->timestamp, 1700000000u);

  auto conflict = f.Answer(409, "text/x.tlog.size", "42\n");
  ASSERT_THAT(conflict, IsOk());
  EXPECT_TRUE(conflict->conflict);
  EXPECT_EQ(conflict->witness_size, 42u);
}

TEST(WitnessClient, RefusalsAndBadAnswers) {
  Fixture f;
  EXPECT_THAT(f.Answer(409, "text/plain", "42\n"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "witness W1 answered 409 without a text/x.tlog.size size: 42"));
  EXPECT_THAT(f.Answer(409, "text/x.tlog.size", "-1\n"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "witness W1 answered 409 without a text/x.tlog.size size: -1"));
  EXPECT_THAT(f.Answer(422, "text/plain", "the consistency proof does not verify\n"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "witness W1 answered HTTP 422: the consistency proof does not verify"));
  EXPECT_THAT(f.Answer(404, "text/plain", "unknown log origin\n"),
              StatusIs(absl::StatusCode::kNotFound,
                       "witness W1 answered HTTP 404: unknown log origin"));
  EXPECT_THAT(f.Answer(403, "text/plain", ""),
              StatusIs(absl::StatusCode::kPermissionDenied, "witness W1 answered HTTP 403"));
  EXPECT_THAT(f.Answer(429, "text/plain", "slow down\n"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "witness W1 answered HTTP 429: slow down"));
  EXPECT_THAT(f.Answer(500, "text/plain", "\x01oops\n"),
              StatusIs(absl::StatusCode::kUnavailable, "witness W1 answered HTTP 500: ?oops"));
  // A 200 whose cosignature is by another key, over another checkpoint or
  // dated 0 carries nothing.
  const std::string wrong_key =
      *note::Cosign(f.text, *note::Signer::GenerateCosigner("w.example/w1"), 5);
  const std::string other_cp = *note::Cosign(
      note::FormatCheckpoint({"example.com/log", 4, merkle::HashLeaf("x"), {}}), f.witness, 5);
  for (const std::string& body : {wrong_key, other_cp, std::string("garbage\n")}) {
    EXPECT_THAT(f.Answer(200, "text/plain", body),
                StatusIs(absl::StatusCode::kDataLoss,
                         "witness W1 answered 200 without a valid cosignature by " +
                             f.witness.verifier().EncodedKey()))
        << body;
  }
  // The transport's own error names the witness.
  PostFunction down = [](const std::string&, const std::string&,
                         absl::Time) -> absl::StatusOr<http::HttpReply> {
    return absl::DeadlineExceededError("no answer in time");
  };
  EXPECT_THAT(AddCheckpoint(f.endpoint, down, 0, {}, f.checkpoint, absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "witness W1: no answer in time"));
}

TEST(WitnessClient, Urls) {
  auto url = ParseWitnessUrl("http://10.0.0.5:7380/witness/");
  ASSERT_THAT(url, IsOk());
  EXPECT_EQ(url->host_port, "10.0.0.5:7380");
  EXPECT_EQ(url->prefix, "/witness");
  EXPECT_THAT(ParseWitnessUrl("https://w.example:443"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "witness URL \"https://w.example:443\" must start with http://"));
  EXPECT_THAT(ParseWitnessUrl("http://w.example"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "witness URL \"http://w.example\" needs a host and a port: "
                       "http://host:port[/prefix]"));
}

}  // namespace
}  // namespace candor::witness_client
