// Commands that talk to a log: submit, checkpoint, get, prove; and the
// offline verify commands for what they return.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_commands.h"
#include "client/witness_options.h"
#include "google/protobuf/util/json_util.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/proofs/tlog_proof.h"
#include "log/statement/dsse.h"

namespace candor::cli {
namespace {

namespace pb = ::candor::log::v1;

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

absl::StatusOr<std::vector<merkle::Hash>> Hashes(
    const google::protobuf::RepeatedPtrField<std::string>& list) {
  return merkle::HashesFromBytes(std::vector<std::string>(list.begin(), list.end()));
}

// Checks a receipt (checkpoint + inclusion proof) for `entry` against the
// log's key. Used whenever the tool is handed a proof by a server.
absl::Status CheckReceipt(const note::Verifier& log_key, const std::string& entry,
                          uint64_t index, const std::string& checkpoint,
                          const std::vector<merkle::Hash>& proof) {
  proofs::TlogProof p;
  p.index = index;
  p.hashes = proof;
  p.checkpoint = checkpoint;
  return proofs::VerifyTlogProof(p, log_key, merkle::HashLeaf(entry)).status();
}

int Submit(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "submit", absl::InvalidArgumentError(
                                  "give exactly one envelope file (or - for stdin)"));
  }
  absl::StatusOr<std::string> entry = ReadInput(args.positional()[0]);
  if (!entry.ok()) return Fail(io, "submit", entry.status());
  return SubmitAndReport(args, io, "submit", *entry);
}

int Checkpoint(const Args& args, Io& io) {
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "checkpoint", log.status());
  absl::StatusOr<uint64_t> size = args.GetUint("size", 0);
  if (!size.ok()) return Fail(io, "checkpoint", size.status());
  if (HasPolicy(args)) {
    absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
    if (!checker.ok()) return Fail(io, "checkpoint", checker.status());
    bool failed = false;
    absl::StatusOr<note::WitnessedCheckpoint> cp =
        FetchCheckpoint(**log, *checker, *size, failed);
    if (!cp.ok()) {
      return Fail(io, "checkpoint", cp.status(), failed ? kExitVerificationFailed : kExitUsage);
    }
    io.out << cp->checkpoint.note;
    return kExitOk;
  }
  absl::StatusOr<pb::GetCheckpointResponse> cp = (*log)->GetCheckpoint(*size);
  if (!cp.ok()) return Fail(io, "checkpoint", cp.status());
  if (args.Has("log_pub")) {
    absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(args.Get("log_pub"));
    if (!key.ok()) return Fail(io, "checkpoint", key.status());
    absl::StatusOr<note::SignedCheckpoint> opened =
        note::OpenCheckpoint(cp->checkpoint(), *key);
    if (!opened.ok()) {
      return Fail(io, "checkpoint", opened.status(), kExitVerificationFailed);
    }
  }
  io.out << cp->checkpoint();
  return kExitOk;
}

// What an operator or anyone else wants to know of a running log: its size,
// and whether its witnesses keep up.
int LogStatus(const Args& args, Io& io) {
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "log status", log.status());
  absl::StatusOr<pb::GetLogStatusResponse> s = (*log)->GetLogStatus();
  if (!s.ok()) return Fail(io, "log status", s.status());
  io.out << "log " << s->origin() << ": " << s->tree_size() << " entries\n";
  if (!s->witnessed()) {
    io.out << "no witnesses: its checkpoints are signed by the log alone\n";
    return kExitOk;
  }
  io.out << "newest witnessed checkpoint: size " << s->witnessed_size()
         << (s->witnessed_size() == 0 ? " (none yet)" : "") << "\n";
  for (const pb::WitnessStatus& w : s->witnesses()) {
    io.out << "witness " << w.name() << " (" << w.url() << "): ";
    if (w.cosigned_size() == 0 && w.cosigned_at() == 0) {
      io.out << "nothing cosigned yet";
    } else {
      io.out << "cosigned size " << w.cosigned_size() << " at "
             << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(w.cosigned_at()),
                                 absl::UTCTimeZone());
    }
    io.out << (w.last_error().empty() ? "" : "; last request failed: " + w.last_error()) << "\n";
  }
  return kExitOk;
}

int Get(const Args& args, Io& io) {
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "get", log.status());
  absl::StatusOr<std::string> index_text = args.Required("index");
  if (!index_text.ok()) return Fail(io, "get", index_text.status());
  absl::StatusOr<uint64_t> index = args.GetUint("index", 0);
  if (!index.ok()) return Fail(io, "get", index.status());
  absl::StatusOr<pb::GetEntriesResponse> got = (*log)->GetEntries(*index, 1);
  if (!got.ok()) return Fail(io, "get", got.status());
  if (got->entries_size() != 1) {
    return Fail(io, "get", absl::NotFoundError(absl::StrCat("no entry ", *index)));
  }
  const std::string& entry = got->entries(0);
  if (!args.Has("json")) {
    io.out << entry;
    return kExitOk;
  }
  // Entries are JSON envelopes (admission checked them), so they embed as is.
  io.out << "{\"index\":" << *index << ",\"leafHash\":\""
         << Base64Encode(merkle::AsBytes(merkle::HashLeaf(entry)))
         << "\",\"entry\":" << entry << "}\n";
  return kExitOk;
}

int ProveInclusion(const Args& args, Io& io) {
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "prove inclusion", log.status());
  pb::GetInclusionProofRequest request;
  std::string entry;
  if (args.Has("index")) {
    absl::StatusOr<uint64_t> index = args.GetUint("index", 0);
    if (!index.ok()) return Fail(io, "prove inclusion", index.status());
    request.set_index(*index);
  } else if (args.Has("entry")) {
    absl::StatusOr<std::string> e = ReadInput(args.Get("entry"));
    if (!e.ok()) return Fail(io, "prove inclusion", e.status());
    entry = *std::move(e);
    request.set_leaf_hash(std::string(merkle::AsBytes(merkle::HashLeaf(entry))));
  } else {
    return Fail(io, "prove inclusion",
                absl::InvalidArgumentError("give --index or --entry"));
  }
  absl::StatusOr<uint64_t> size = args.GetUint("size", 0);
  if (!size.ok()) return Fail(io, "prove inclusion", size.status());
  // With a policy: prove against the witnessed checkpoint, checked first.
  std::optional<note::WitnessedCheckpoint> witnessed;
  if (HasPolicy(args)) {
    absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
    if (!checker.ok()) return Fail(io, "prove inclusion", checker.status());
    bool failed = false;
    absl::StatusOr<note::WitnessedCheckpoint> cp =
        FetchCheckpoint(**log, *checker, *size, failed);
    if (!cp.ok()) {
      return Fail(io, "prove inclusion", cp.status(),
                  failed ? kExitVerificationFailed : kExitUsage);
    }
    *size = cp->checkpoint.checkpoint.size;
    witnessed = *std::move(cp);
  }
  request.set_tree_size(*size);
  absl::StatusOr<pb::GetInclusionProofResponse> got =
      (*log)->GetInclusionProof(request);
  if (!got.ok()) return Fail(io, "prove inclusion", got.status());
  if (got->checkpoint().empty()) {
    return Fail(io, "prove inclusion",
                absl::NotFoundError(absl::StrCat(
                    "the log signed no checkpoint at size ", got->tree_size(),
                    "; omit --size for the latest")));
  }
  absl::StatusOr<std::vector<merkle::Hash>> hashes = Hashes(got->proof());
  if (!hashes.ok()) return Fail(io, "prove inclusion", hashes.status(), kExitVerificationFailed);
  proofs::TlogProof p;
  p.index = got->index();
  p.hashes = *hashes;
  p.checkpoint = got->checkpoint();
  if (witnessed.has_value()) {
    if (got->tree_size() != witnessed->checkpoint.checkpoint.size) {
      return Fail(io, "prove inclusion",
                  absl::DataLossError(absl::StrCat(
                      "asked for a proof to the witnessed size ",
                      witnessed->checkpoint.checkpoint.size, ", the log answered for size ",
                      got->tree_size())),
                  kExitVerificationFailed);
    }
    p.checkpoint = witnessed->checkpoint.note;
  }
  if (absl::Status s = WriteOutput(io, args.Get("out"), proofs::FormatTlogProof(p));
      !s.ok()) {
    return Fail(io, "prove inclusion", s);
  }
  return kExitOk;
}

int ProveConsistency(const Args& args, Io& io) {
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "prove consistency", log.status());
  absl::StatusOr<std::string> from_text = args.Required("from");
  if (!from_text.ok()) return Fail(io, "prove consistency", from_text.status());
  absl::StatusOr<uint64_t> from = args.GetUint("from", 0);
  absl::StatusOr<uint64_t> to = args.GetUint("to", 0);
  if (!from.ok()) return Fail(io, "prove consistency", from.status());
  if (!to.ok()) return Fail(io, "prove consistency", to.status());
  // With a policy: to the witnessed checkpoint (or the one at --to),
  // checked first, which the proof then carries.
  std::optional<note::WitnessedCheckpoint> witnessed;
  if (HasPolicy(args)) {
    absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
    if (!checker.ok()) return Fail(io, "prove consistency", checker.status());
    bool failed = false;
    absl::StatusOr<note::WitnessedCheckpoint> cp = FetchCheckpoint(**log, *checker, *to, failed);
    if (!cp.ok()) {
      return Fail(io, "prove consistency", cp.status(),
                  failed ? kExitVerificationFailed : kExitUsage);
    }
    *to = cp->checkpoint.checkpoint.size;
    witnessed = *std::move(cp);
  }
  absl::StatusOr<pb::GetConsistencyProofResponse> got =
      (*log)->GetConsistencyProof(*from, *to);
  if (!got.ok()) return Fail(io, "prove consistency", got.status());
  if (witnessed.has_value()) got->set_checkpoint(witnessed->checkpoint.note);
  if (absl::Status s = WriteOutput(io, args.Get("out"), ToJson(*got)); !s.ok()) {
    return Fail(io, "prove consistency", s);
  }
  return kExitOk;
}

int VerifyCheckpoint(const Args& args, Io& io) {
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "verify checkpoint", checker.status());
  if (args.positional().size() != 1) {
    return Fail(io, "verify checkpoint",
                absl::InvalidArgumentError("give one checkpoint file"));
  }
  absl::StatusOr<std::string> text = ReadInput(args.positional()[0]);
  if (!text.ok()) return Fail(io, "verify checkpoint", text.status());
  if (absl::Status s = note::CheckCheckpointForm(*text); !s.ok()) {
    return Fail(io, "verify checkpoint", NotA("checkpoint", s));
  }
  absl::StatusOr<note::WitnessedCheckpoint> cp = checker->Check(*text);
  if (!cp.ok()) {
    return Fail(io, "verify checkpoint", cp.status(), kExitVerificationFailed);
  }
  const note::Checkpoint& checkpoint = cp->checkpoint.checkpoint;
  io.out << "OK: checkpoint of \"" << checkpoint.origin << "\" at size " << checkpoint.size
         << " is signed by " << checkpoint.origin << "\n";
  if (checker->has_policy()) {
    io.out << "  " << proofs::DescribeWitnesses(*cp, *checker) << "\n";
  }
  return kExitOk;
}

int VerifyInclusion(const Args& args, Io& io) {
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "verify inclusion", checker.status());
  absl::StatusOr<std::string> proof_path = args.Required("proof");
  if (!proof_path.ok()) return Fail(io, "verify inclusion", proof_path.status());
  absl::StatusOr<std::string> text = ReadInput(*proof_path);
  if (!text.ok()) return Fail(io, "verify inclusion", text.status());
  absl::StatusOr<proofs::TlogProof> proof = proofs::ParseTlogProof(*text);
  if (!proof.ok()) return Fail(io, "verify inclusion", NotA("tlog-proof", proof.status()));
  if (absl::Status s = note::CheckCheckpointForm(proof->checkpoint); !s.ok()) {
    return Fail(io, "verify inclusion", NotA("tlog-proof", s));
  }
  merkle::Hash leaf;
  if (args.Has("entry")) {
    absl::StatusOr<std::string> entry = ReadInput(args.Get("entry"));
    if (!entry.ok()) return Fail(io, "verify inclusion", entry.status());
    leaf = merkle::HashLeaf(*entry);
  } else if (args.Has("leaf_hash")) {
    absl::StatusOr<std::string> raw = Base64Decode(args.Get("leaf_hash"));
    if (!raw.ok()) return Fail(io, "verify inclusion", raw.status());
    absl::StatusOr<merkle::Hash> h = merkle::HashFromBytes(*raw);
    if (!h.ok()) return Fail(io, "verify inclusion", h.status());
    leaf = *h;
  } else {
    return Fail(io, "verify inclusion",
                absl::InvalidArgumentError("give --entry or --leaf_hash"));
  }
  absl::StatusOr<note::WitnessedCheckpoint> cp =
      proofs::VerifyTlogProof(*proof, *checker, leaf);
  if (!cp.ok()) {
    return Fail(io, "verify inclusion", cp.status(), kExitVerificationFailed);
  }
  io.out << "OK: entry " << proof->index << " is in the log \""
         << cp->checkpoint.checkpoint.origin << "\" of size "
         << cp->checkpoint.checkpoint.size << "\n";
  if (checker->has_policy()) {
    io.out << "  " << proofs::DescribeWitnesses(*cp, *checker) << "\n";
  }
  return kExitOk;
}

int VerifyConsistency(const Args& args, Io& io) {
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "verify consistency", checker.status());
  absl::StatusOr<std::string> old_path = args.Required("old");
  absl::StatusOr<std::string> proof_path = args.Required("proof");
  if (!old_path.ok()) return Fail(io, "verify consistency", old_path.status());
  if (!proof_path.ok()) return Fail(io, "verify consistency", proof_path.status());
  absl::StatusOr<std::string> old_text = ReadInput(*old_path);
  absl::StatusOr<std::string> proof_text = ReadInput(*proof_path);
  if (!old_text.ok()) return Fail(io, "verify consistency", old_text.status());
  if (!proof_text.ok()) return Fail(io, "verify consistency", proof_text.status());

  pb::GetConsistencyProofResponse proof;
  google::protobuf::util::JsonParseOptions options;
  if (absl::StatusOr<json::Value> strict = json::Parse(*proof_text); !strict.ok()) {
    return Fail(io, "verify consistency", NotA("consistency proof", strict.status()));
  }
  if (auto s = google::protobuf::util::JsonStringToMessage(*proof_text, &proof,
                                                          options);
      !s.ok()) {
    return Fail(io, "verify consistency",
                absl::InvalidArgumentError(absl::StrCat(
                    "not a consistency proof: ", std::string(s.message()))));
  }
  std::string new_text = proof.checkpoint();
  if (args.Has("new")) {
    absl::StatusOr<std::string> t = ReadInput(args.Get("new"));
    if (!t.ok()) return Fail(io, "verify consistency", t.status());
    new_text = *std::move(t);
  }
  if (absl::Status s = note::CheckCheckpointForm(*old_text); !s.ok()) {
    return Fail(io, "verify consistency",
                absl::InvalidArgumentError(absl::StrCat("old checkpoint: ", NotA("checkpoint", s).message())));
  }
  if (absl::Status s = note::CheckCheckpointForm(new_text); !s.ok()) {
    return Fail(io, "verify consistency",
                absl::InvalidArgumentError(absl::StrCat("new checkpoint: ", NotA("checkpoint", s).message())));
  }
  absl::StatusOr<std::vector<merkle::Hash>> hashes = Hashes(proof.proof());
  if (!hashes.ok()) {
    return Fail(io, "verify consistency", NotA("consistency proof", hashes.status()));
  }
  // The older checkpoint is the one seen before: the log's signature is what
  // ties it to the newer; the newer, relied on now, must meet the policy.
  absl::StatusOr<note::SignedCheckpoint> old_cp = checker->CheckLogSignature(*old_text);
  if (!old_cp.ok()) {
    return Fail(io, "verify consistency",
                absl::Status(old_cp.status().code(),
                             absl::StrCat("old checkpoint: ", old_cp.status().message())),
                kExitVerificationFailed);
  }
  absl::StatusOr<note::WitnessedCheckpoint> new_witnessed = checker->Check(new_text);
  if (!new_witnessed.ok()) {
    return Fail(io, "verify consistency",
                absl::Status(new_witnessed.status().code(),
                             absl::StrCat("new checkpoint: ", new_witnessed.status().message())),
                kExitVerificationFailed);
  }
  const note::SignedCheckpoint* new_cp = &new_witnessed->checkpoint;
  if (proof.from_size() != old_cp->checkpoint.size ||
      proof.to_size() != new_cp->checkpoint.size) {
    return Fail(io, "verify consistency",
                absl::InvalidArgumentError(absl::StrCat(
                    "the proof is from size ", proof.from_size(), " to ",
                    proof.to_size(), " but the checkpoints have sizes ",
                    old_cp->checkpoint.size, " and ", new_cp->checkpoint.size)),
                kExitVerificationFailed);
  }

  if (absl::Status s = merkle::VerifyConsistency(
          old_cp->checkpoint.size, new_cp->checkpoint.size, *hashes,
          merkle::AsBytes(old_cp->checkpoint.root),
          merkle::AsBytes(new_cp->checkpoint.root));
      !s.ok()) {
    return Fail(io, "verify consistency", s, kExitVerificationFailed);
  }
  io.out << "OK: the log \"" << new_cp->checkpoint.origin << "\" at size "
         << new_cp->checkpoint.size << " extends its tree of size "
         << old_cp->checkpoint.size << "\n";
  if (checker->has_policy()) {
    io.out << "  the newer " << proofs::DescribeWitnesses(*new_witnessed, *checker) << "\n";
  }
  return kExitOk;
}

}  // namespace

int SubmitAndReport(const Args& args, Io& io, absl::string_view command,
                    const std::string& entry) {
  bool wait = args.Has("wait") || args.Has("proof_out");
  auto log = ConnectLog(args, wait ? absl::Seconds(60) : absl::Seconds(10));
  if (!log.ok()) return Fail(io, command, log.status());
  absl::StatusOr<pb::AddEntryResponse> added = (*log)->AddEntry(entry, wait);
  if (!added.ok()) return Fail(io, command, added.status());
  // One statement, one entry: the log may answer with an entry that carries
  // this statement in other bytes (another JSON form, other signatures).
  // The receipt is that entry's, once it is shown to carry the statement.
  std::string logged = entry;
  if (added->duplicate() &&
      added->leaf_hash() != merkle::AsBytes(merkle::HashLeaf(entry))) {
    absl::StatusOr<pb::GetEntriesResponse> got = (*log)->GetEntries(added->index(), 1);
    if (!got.ok()) return Fail(io, command, got.status());
    absl::StatusOr<Sha256Digest> ours = dsse::EntryIdentity(entry);
    absl::StatusOr<Sha256Digest> theirs =
        got->entries_size() == 1 ? dsse::EntryIdentity(got->entries(0))
                                 : absl::StatusOr<Sha256Digest>(absl::NotFoundError(""));
    if (!ours.ok() || !theirs.ok() || *ours != *theirs ||
        added->leaf_hash() != merkle::AsBytes(merkle::HashLeaf(got->entries(0)))) {
      return Fail(io, command,
                  absl::DataLossError(absl::StrCat(
                      "the log answered that entry ", added->index(),
                      " holds this statement, but it does not")),
                  kExitVerificationFailed);
    }
    logged = got->entries(0);
    io.err << "candor " << command << ": the log already holds this statement, "
           << "in other bytes, as entry " << added->index()
           << "; the receipt is for that entry (`candor get --index "
           << added->index() << "` prints it)\n";
  }
  if (wait) {
    absl::StatusOr<std::vector<merkle::Hash>> proof = Hashes(added->inclusion_proof());
    if (!proof.ok()) return Fail(io, command, proof.status(), kExitVerificationFailed);
    if (args.Has("log_pub")) {
      absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(args.Get("log_pub"));
      if (!key.ok()) return Fail(io, command, key.status());
      if (absl::Status s = CheckReceipt(*key, logged, added->index(),
                                        added->checkpoint(), *proof);
          !s.ok()) {
        return Fail(io, command,
                    absl::DataLossError(absl::StrCat(
                        "the log's receipt does not verify: ", s.message())),
                    kExitVerificationFailed);
      }
    }
    if (args.Has("proof_out")) {
      proofs::TlogProof p;
      p.index = added->index();
      p.hashes = *proof;
      p.checkpoint = added->checkpoint();
      if (absl::Status s = WriteOutput(io, args.Get("proof_out"),
                                       proofs::FormatTlogProof(p));
          !s.ok()) {
        return Fail(io, command, s);
      }
    }
  }
  io.out << ToJson(*added);
  return kExitOk;
}

std::vector<Option> SubmitOptions() {
  return LogOptions({{"wait", "", "wait until the entry is in a checkpoint"},
                     {"log_pub", "FILE", "check the receipt with the log's key"},
                     {"proof_out", "FILE",
                      "save the receipt as a C2SP tlog-proof (implies --wait)"}});
}

std::vector<Command> LogCommands() {
  return {
      {"submit", "submit a signed envelope to the log; prints the receipt",
       "--log ADDR ENVELOPE [--wait] [--log_pub FILE] [--proof_out FILE]",
       SubmitOptions(), Submit},
      {"checkpoint", "print the log's latest signed checkpoint, verbatim",
       "--log ADDR [--size N] [--log_pub FILE] [--policy FILE]",
       LogOptions(WitnessOptions({{"size", "N", "the checkpoint signed at this tree size"},
                                  {"log_pub", "FILE", "verify it with the log's key"}})),
       Checkpoint},
      {"log status", "a log's size, its newest witnessed checkpoint and each witness's state",
       "--log ADDR", LogOptions(), LogStatus},
      {"get", "print an entry's bytes, verbatim", "--log ADDR --index I [--json]",
       LogOptions({{"index", "I", "the entry's index"},
                   {"json", "", "print index, leaf hash and entry as JSON"}}),
       Get},
      {"prove inclusion", "write a C2SP tlog-proof that an entry is in the log",
       "--log ADDR (--index I | --entry FILE) [--size N] [--out FILE] "
       "[--policy FILE [--log_pub FILE]]",
       LogOptions(WitnessOptions(
           {{"index", "I", "the entry's index"},
            {"entry", "FILE", "the entry's bytes (found by leaf hash)"},
            {"size", "N", "prove against this tree size (default: latest, or latest "
                          "witnessed with --policy)"},
            {"out", "FILE", "write the proof here instead of stdout"},
            {"log_pub", "FILE", "with --policy: the log's key (default: the policy's)"}})),
       ProveInclusion},
      {"prove consistency",
       "write a JSON proof that the log's tree of size N grew into size M",
       "--log ADDR --from N [--to M] [--out FILE] [--policy FILE [--log_pub FILE]]",
       LogOptions(WitnessOptions(
           {{"from", "N", "the older tree size"},
            {"to", "M", "the newer tree size (default: latest, or latest witnessed "
                        "with --policy)"},
            {"out", "FILE", "write the proof here instead of stdout"},
            {"log_pub", "FILE", "with --policy: the log's key (default: the policy's)"}})),
       ProveConsistency},
      {"verify checkpoint", "check a checkpoint's signature (and witnesses), offline",
       "(--log_pub FILE | --policy FILE) CHECKPOINT",
       WitnessOptions({{"log_pub", "FILE", "the log's public key"}}), VerifyCheckpoint},
      {"verify inclusion", "check a tlog-proof for an entry, offline",
       "(--log_pub FILE | --policy FILE) --proof FILE (--entry FILE | --leaf_hash B64)",
       WitnessOptions({{"log_pub", "FILE", "the log's public key"},
                       {"proof", "FILE", "a C2SP tlog-proof"},
                       {"entry", "FILE", "the entry's bytes"},
                       {"leaf_hash", "B64", "the entry's RFC 6962 leaf hash"}}),
       VerifyInclusion},
      {"verify consistency",
       "check that a newer checkpoint extends an older one, offline",
       "(--log_pub FILE | --policy FILE) --old CHECKPOINT --proof FILE [--new CHECKPOINT]",
       WitnessOptions({{"log_pub", "FILE", "the log's public key"},
                       {"old", "FILE", "the older checkpoint"},
                       {"new", "FILE",
                        "the newer checkpoint (default: the one in the proof); with "
                        "--policy it must meet the quorum"},
                       {"proof", "FILE", "the JSON from `candor prove consistency`"}}),
       VerifyConsistency},
  };
}

}  // namespace candor::cli
