#include "witness/witness.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/logging/logging.h"
#include "log/merkle/hash.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/note/policy.h"

namespace candor::witness {

struct Witness::Request {
  uint64_t old_size = 0;
  std::vector<merkle::Hash> proof;
  std::string signed_note;  // as submitted
  note::Checkpoint checkpoint;
  note::Note opened;  // verified by the log's keys
};

namespace {

WitnessResponse Answer(int status, absl::string_view message) {
  WitnessResponse r;
  r.status = status;
  r.body = absl::StrCat(message, "\n");
  return r;
}

WitnessResponse Malformed(absl::string_view what) {
  return Answer(400, absl::StrCat("malformed request: ", what));
}

// Decimal with no leading zeroes ("0" alone for zero), fitting 64 bits.
bool ParseSize(absl::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  if (!std::all_of(s.begin(), s.end(), absl::ascii_isdigit)) return false;
  return absl::SimpleAtoi(s, out);
}

std::string RootText(const merkle::Hash& h) { return Base64Encode(DigestBytes(h)); }

// The signature line of a verified note signature, as the note held it.
std::string SignatureLine(const note::Signature& s) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(s.key_hash >> (24 - 8 * i));
  bytes += s.signature;
  return absl::StrCat("\xE2\x80\x94 ", s.name, " ", Base64Encode(bytes), "\n");
}

// Splits the body into old size, proof and signed checkpoint note.
absl::StatusOr<std::pair<uint64_t, std::vector<merkle::Hash>>> ParseHead(
    absl::string_view body, absl::string_view* rest) {
  size_t nl = body.find('\n');
  if (nl == absl::string_view::npos) {
    return absl::InvalidArgumentError("no old size line");
  }
  absl::string_view first = body.substr(0, nl);
  uint64_t old_size = 0;
  if (first.substr(0, 4) != "old " || !ParseSize(first.substr(4), &old_size)) {
    return absl::InvalidArgumentError(
        "the first line must be \"old <size>\", the size in decimal without leading "
        "zeroes");
  }
  std::vector<merkle::Hash> proof;
  size_t pos = nl + 1;
  while (true) {
    nl = body.find('\n', pos);
    if (nl == absl::string_view::npos) {
      return absl::InvalidArgumentError("no blank line before the checkpoint");
    }
    absl::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    if (proof.size() == kMaxProofLines) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kMaxProofLines, " consistency proof lines"));
    }
    absl::StatusOr<std::string> hash = Base64Decode(line);
    if (!hash.ok() || hash->size() != merkle::Hash().size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof line ", proof.size() + 1, " is not a base64 SHA-256 hash"));
    }
    merkle::Hash h;
    std::copy(hash->begin(), hash->end(), h.begin());
    proof.push_back(h);
  }
  *rest = body.substr(pos);
  return std::make_pair(old_size, std::move(proof));
}

}  // namespace

absl::StatusOr<std::vector<note::Verifier>> LogsFromPolicy(absl::string_view text) {
  absl::StatusOr<note::Policy> policy = note::Policy::Parse(text);
  if (!policy.ok()) return policy.status();
  std::vector<note::Verifier> keys;
  for (const note::PolicyLog& log : policy->logs()) keys.push_back(log.key);
  if (keys.empty()) {
    return absl::InvalidArgumentError("the logs policy has no \"log\" line");
  }
  return keys;
}

Witness::Witness(note::Signer cosigner, WitnessStore* store, WitnessOptions options)
    : cosigner_(std::move(cosigner)),
      verifier_(cosigner_.verifier()),
      store_(store),
      options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Witness>> Witness::Create(
    note::Signer cosigner, absl::Span<const note::Verifier> logs, WitnessStore* store,
    WitnessOptions options) {
  if (!cosigner.is_cosigner()) {
    return absl::InvalidArgumentError(
        "the witness key must be a cosigner key (tlog-cosignature, algorithm 0x04)");
  }
  if (logs.empty()) return absl::InvalidArgumentError("the witness knows no log");
  if (store == nullptr) return absl::InvalidArgumentError("the witness needs a store");
  auto w = std::unique_ptr<Witness>(
      new Witness(std::move(cosigner), store, std::move(options)));
  for (const note::Verifier& key : logs) {
    if (key.is_cosigner()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "log key \"", key.name(), "\" is a cosigner key, not a note key"));
    }
    std::unique_ptr<Log>& log = w->logs_[key.name()];
    if (log == nullptr) {
      log = std::make_unique<Log>();
      log->origin = key.name();
      w->by_hash_[HexEncode(DigestBytes(Sha256(key.name())))] = log.get();
    }
    for (const note::Verifier& k : log->keys) {
      if (k.key_hash() == key.key_hash()) {
        return absl::InvalidArgumentError(
            absl::StrCat("log key \"", key.name(), "\" is listed twice"));
      }
    }
    log->keys.push_back(key);
  }
  if (metrics::Registry* r = w->options_.metrics; r != nullptr) {
    absl::StatusOr<metrics::Family<metrics::Counter>*> c = r->AddCounter(
        "candor_witness_cosignatures_total",
        "Checkpoints the witness cosigned, by log origin.", {"origin"});
    if (!c.ok()) return c.status();
    w->cosignatures_ = *c;
    c = r->AddCounter("candor_witness_inconsistent_checkpoints_total",
                      "Validly signed checkpoints refused as inconsistent with the "
                      "cosigned one (evidence of a fork or a broken log), by origin "
                      "and reason.",
                      {"origin", "reason"});
    if (!c.ok()) return c.status();
    w->inconsistent_ = *c;
  }
  return w;
}

WitnessResponse Witness::AddCheckpoint(absl::string_view body) {
  Request request;
  absl::string_view signed_note;
  auto head = ParseHead(body, &signed_note);
  if (!head.ok()) return Malformed(head.status().message());
  request.old_size = head->first;
  request.proof = std::move(head->second);
  absl::StatusOr<note::Note> parsed = note::Parse(signed_note);
  if (!parsed.ok()) {
    return Malformed(absl::StrCat("checkpoint: ", parsed.status().message()));
  }
  absl::StatusOr<note::Checkpoint> checkpoint = note::ParseCheckpoint(parsed->text);
  if (!checkpoint.ok()) {
    return Malformed(absl::StrCat("checkpoint: ", checkpoint.status().message()));
  }
  request.checkpoint = *std::move(checkpoint);
  if (request.old_size > request.checkpoint.size) {
    return Malformed(absl::StrCat("old size ", request.old_size,
                                  " exceeds the checkpoint size ",
                                  request.checkpoint.size));
  }
  auto it = logs_.find(request.checkpoint.origin);
  if (it == logs_.end()) return Answer(404, "unknown log origin");
  Log& log = *it->second;
  absl::StatusOr<note::Note> opened = note::Open(signed_note, log.keys);
  if (!opened.ok()) {
    return Answer(403, absl::StrCat("checkpoint not signed by a trusted key of its "
                                    "log: ",
                                    opened.status().message()));
  }
  request.signed_note = std::string(signed_note);
  request.opened = *std::move(opened);
  absl::MutexLock lock(&log.mu);
  return CheckAndCosign(log, request);
}

WitnessResponse Witness::CheckAndCosign(Log& log, const Request& request) {
  const note::Checkpoint& cp = request.checkpoint;
  absl::StatusOr<std::optional<WitnessRecord>> stored = store_->Get(log.origin);
  if (!stored.ok()) {
    logging::Error("witness store read failed",
                   {{"origin", log.origin}, {"error", stored.status().ToString()}});
    return Answer(500, "internal error: the witness store failed");
  }
  const uint64_t cosigned_size = stored->has_value() ? (*stored)->size : 0;
  if (request.old_size != cosigned_size) {
    WitnessResponse r;
    r.status = 409;
    r.content_type = kSizeContentType;
    r.body = absl::StrCat(cosigned_size, "\n");
    return r;
  }
  if (cp.size == 0 && cp.root != merkle::EmptyRoot()) {
    return Inconsistent(log, request, *stored, "empty_root",
                        "a checkpoint of size 0 must have the empty tree's root");
  }
  if (request.old_size == 0) {
    if (!request.proof.empty()) {
      return Inconsistent(log, request, *stored, "proof_from_zero",
                          "old size 0 needs an empty consistency proof");
    }
  } else {
    const merkle::Hash& old_root = (*stored)->root;
    if (cp.size == request.old_size && cp.root != old_root) {
      return Inconsistent(
          log, request, *stored, "fork",
          "the checkpoint has the size of the cosigned one but another root");
    }
    absl::Status proved = merkle::VerifyConsistency(
        request.old_size, cp.size, request.proof, DigestBytes(old_root),
        DigestBytes(cp.root));
    if (!proved.ok()) {
      return Inconsistent(log, request, *stored, "bad_proof",
                          absl::StrCat("the consistency proof does not verify: ",
                                       proved.message()));
    }
  }

  // Consistent: cosign, at a time never below the last one for this log.
  int64_t now = absl::ToUnixSeconds(options_.clock());
  uint64_t timestamp = std::max<uint64_t>(now > 0 ? static_cast<uint64_t>(now) : 0, 1);
  if (stored->has_value()) timestamp = std::max(timestamp, (*stored)->timestamp);
  timestamp = std::min(timestamp, note::kMaxCosignatureTime);
  absl::StatusOr<std::string> line =
      note::Cosign(request.opened.text, cosigner_, timestamp);
  if (!line.ok()) {
    logging::Error("cosigning failed",
                   {{"origin", log.origin}, {"error", line.status().ToString()}});
    return Answer(500, "internal error: cosigning failed");
  }
  std::string log_lines;
  for (const note::Signature& s : request.opened.verified) {
    log_lines += SignatureLine(s);
  }
  WitnessRecord record;
  record.size = cp.size;
  record.root = cp.root;
  record.timestamp = timestamp;
  record.note = absl::StrCat(request.opened.text, "\n", log_lines, *line);
  if (absl::Status s = store_->Put(log.origin, record); !s.ok()) {
    logging::Error("witness store write failed",
                   {{"origin", log.origin}, {"error", s.ToString()}});
    return Answer(500, "internal error: the witness store failed");
  }
  if (cosignatures_ != nullptr) cosignatures_->WithLabels({log.origin})->Increment();
  logging::Info("cosigned checkpoint", {{"origin", log.origin},
                                        {"size", absl::StrCat(cp.size)},
                                        {"root", RootText(cp.root)},
                                        {"old_size", absl::StrCat(request.old_size)},
                                        {"timestamp", absl::StrCat(timestamp)}});
  WitnessResponse r;
  r.body = *std::move(line);
  return r;
}

WitnessResponse Witness::Inconsistent(const Log& log, const Request& request,
                                      const std::optional<WitnessRecord>& cosigned,
                                      absl::string_view reason,
                                      absl::string_view detail) {
  if (inconsistent_ != nullptr) {
    inconsistent_->WithLabels({log.origin, std::string(reason)})->Increment();
  }
  std::string proof;
  for (const merkle::Hash& h : request.proof) absl::StrAppend(&proof, RootText(h), " ");
  // The request is validly signed by the log: it is evidence, kept in full.
  logging::Warning("inconsistent checkpoint refused (evidence)",
                   {{"origin", log.origin},
                    {"reason", std::string(reason)},
                    {"detail", std::string(detail)},
                    {"cosigned_size", absl::StrCat(cosigned ? cosigned->size : 0)},
                    {"cosigned_checkpoint", cosigned ? cosigned->note : ""},
                    {"old_size", absl::StrCat(request.old_size)},
                    {"proof", proof},
                    {"checkpoint", request.signed_note}});
  return Answer(422, detail);
}

WitnessResponse Witness::GetCheckpoint(absl::string_view origin_hash) const {
  auto it = by_hash_.find(origin_hash);
  if (it == by_hash_.end()) return Answer(404, "unknown log");
  absl::StatusOr<std::optional<WitnessRecord>> stored = store_->Get(it->second->origin);
  if (!stored.ok()) {
    logging::Error("witness store read failed", {{"origin", it->second->origin},
                                                 {"error", stored.status().ToString()}});
    return Answer(500, "internal error: the witness store failed");
  }
  if (!stored->has_value()) return Answer(404, "no checkpoint cosigned for this log");
  WitnessResponse r;
  r.body = (*stored)->note;
  return r;
}

}  // namespace candor::witness
