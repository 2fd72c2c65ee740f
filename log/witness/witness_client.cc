#include "log/witness/witness_client.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/http/http_client.h"
#include "log/encoding/encoding.h"

namespace candor::witness_client {
namespace {

constexpr size_t kMaxProofLines = 63;
constexpr absl::string_view kSizeType = "text/x.tlog.size";

// The first line of a body, for messages: bounded and printable.
std::string Excerpt(absl::string_view body) {
  absl::string_view line = body.substr(0, body.find('\n'));
  if (line.size() > 200) line = line.substr(0, 200);
  std::string out;
  for (char c : line) out.push_back(absl::ascii_isprint(static_cast<unsigned char>(c)) ? c : '?');
  return out;
}

absl::Status Refused(const WitnessEndpoint& w, const http::HttpReply& reply) {
  const std::string why = absl::StrCat("witness ", w.name, " answered HTTP ", reply.status,
                                       reply.body.empty() ? "" : ": ", Excerpt(reply.body));
  switch (reply.status) {
    case 400:
      return absl::InvalidArgumentError(why);
    case 403:
      return absl::PermissionDeniedError(why);
    case 404:
      return absl::NotFoundError(why);
    case 422:
      return absl::FailedPreconditionError(why);
    case 429:
      return absl::ResourceExhaustedError(why);
    default:
      return absl::UnavailableError(why);
  }
}

}  // namespace

absl::StatusOr<WitnessUrl> ParseWitnessUrl(absl::string_view url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "witness URL \"", url, "\" must start with http://"));
  }
  const size_t slash = rest.find('/');
  WitnessUrl out;
  out.host_port = std::string(rest.substr(0, slash));
  if (slash != absl::string_view::npos) {
    absl::string_view prefix = rest.substr(slash);
    absl::ConsumeSuffix(&prefix, "/");
    out.prefix = std::string(prefix);
  }
  const size_t colon = out.host_port.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(out.host_port).substr(colon + 1), &port) ||
      port == 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "witness URL \"", url, "\" needs a host and a port: http://host:port[/prefix]"));
  }
  return out;
}

PostFunction HttpPostFunction() {
  return [](const std::string& url, const std::string& body,
            absl::Time deadline) -> absl::StatusOr<http::HttpReply> {
    absl::StatusOr<WitnessUrl> parsed = ParseWitnessUrl(url);
    if (!parsed.ok()) return parsed.status();
    return http::HttpPost(parsed->host_port, absl::StrCat(parsed->prefix, "/add-checkpoint"),
                          body, "text/plain; charset=utf-8", deadline);
  };
}

absl::StatusOr<std::string> AddCheckpointBody(uint64_t old_size,
                                              absl::Span<const merkle::Hash> proof,
                                              const std::string& checkpoint_note) {
  if (proof.size() > kMaxProofLines) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a consistency proof of ", proof.size(), " hashes is longer than the ",
        kMaxProofLines, " lines tlog-witness allows"));
  }
  std::string body = absl::StrCat("old ", old_size, "\n");
  for (const merkle::Hash& h : proof) {
    absl::StrAppend(&body, Base64Encode(merkle::AsBytes(h)), "\n");
  }
  absl::StrAppend(&body, "\n", checkpoint_note);
  return body;
}

absl::StatusOr<AddOutcome> AddCheckpoint(const WitnessEndpoint& witness,
                                         const PostFunction& post, uint64_t old_size,
                                         absl::Span<const merkle::Hash> proof,
                                         const std::string& checkpoint_note,
                                         absl::Time deadline) {
  absl::StatusOr<std::string> body = AddCheckpointBody(old_size, proof, checkpoint_note);
  if (!body.ok()) return body.status();
  absl::StatusOr<http::HttpReply> reply = post(witness.url, *body, deadline);
  if (!reply.ok()) {
    return absl::Status(reply.status().code(),
                        absl::StrCat("witness ", witness.name, ": ", reply.status().message()));
  }
  AddOutcome outcome;
  if (reply->status == 409) {
    absl::string_view size = reply->body;
    uint64_t n = 0;
    if (!absl::StartsWith(reply->content_type, kSizeType) || !absl::ConsumeSuffix(&size, "\n") ||
        size.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(size[0])) ||
        !absl::SimpleAtoi(size, &n)) {
      return absl::UnavailableError(absl::StrCat(
          "witness ", witness.name, " answered 409 without a ", kSizeType, " size: ",
          Excerpt(reply->body)));
    }
    outcome.conflict = true;
    outcome.witness_size = n;
    return outcome;
  }
  if (reply->status != 200) return Refused(witness, *reply);

  // Only the witness's own line counts; the rest is ignored, as the
  // protocol asks. It must verify over exactly this checkpoint.
  std::string line;
  for (absl::string_view l : absl::StrSplit(reply->body, '\n', absl::SkipEmpty())) {
    absl::StatusOr<std::string> one = note::AddSignatureLines(checkpoint_note, absl::StrCat(l, "\n"));
    if (!one.ok()) continue;
    absl::StatusOr<note::Note> opened = note::Open(*one, {witness.key});
    // tlog-witness forbids a zero time, which would also defeat freshness.
    if (!opened.ok() || opened->verified.front().timestamp == 0) continue;
    line = absl::StrCat(l, "\n");
    outcome.timestamp = opened->verified.front().timestamp;
    break;
  }
  if (line.empty()) {
    return absl::DataLossError(absl::StrCat("witness ", witness.name,
                                            " answered 200 without a valid cosignature by ",
                                            witness.key.EncodedKey()));
  }
  outcome.cosignature = std::move(line);
  return outcome;
}

}  // namespace candor::witness_client
