// candor watch: a principal's alarm for statements made in its name.

#include <filesystem>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/index_read.h"
#include "client/log_scan.h"
#include "client/log_commands.h"
#include "client/witness_options.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/follower/follower.h"

namespace candor::cli {
namespace {

// The checkpoint an earlier run verified and kept in `file` (--checkpoint_file);
// empty if there is none yet.
absl::StatusOr<std::string> RememberedCheckpoint(const std::string& file) {
  if (file.empty() || !std::filesystem::exists(file)) return std::string();
  return ReadInput(file);
}

// One line per statement: "[index] <type> about <subjects>, signed by
// <signer> with key <key id>".
void PrintStatement(Io& io, uint64_t index, const SignedStatement& st,
                    const std::string& signer) {
  std::vector<std::string> subjects;
  for (const Subject& s : st.statement.subjects) subjects.push_back(s.name);
  io.out << "[" << index << "] " << st.statement.predicate_type << " about "
         << absl::StrJoin(subjects, ", ") << ", signed by " << signer << " with key "
         << st.envelope.signatures[0].keyid << std::endl;
}

// One round of `watch --app`: the app's entries the index lists beyond
// `last`, verified and printed; the index's tree must be of one history with
// the log's checkpoint that `checker` accepts now and with `earlier`.
absl::Status WatchAppOnce(client::LogClient& log, const proofs::CheckpointChecker& checker,
                          const note::Verifier& key, const std::string& app,
                          client::IndexedReader& reader,
                          std::optional<client::IndexAnswer>& last, std::string& earlier,
                          Io& io) {
  absl::StatusOr<log::v1::GetCheckpointResponse> latest =
      log.GetCheckpoint(0, checker.requires_cosignatures());
  if (!latest.ok()) return latest.status();
  absl::StatusOr<note::WitnessedCheckpoint> checked = checker.Check(latest->checkpoint());
  if (!checked.ok()) return checked.status();
  const note::Checkpoint& now = checked->checkpoint.checkpoint;
  if (!earlier.empty()) {
    absl::StatusOr<note::SignedCheckpoint> before = checker.CheckLogSignature(earlier);
    if (!before.ok()) return before.status();
    const note::Checkpoint& b = before->checkpoint;
    if (absl::Status s =
            client::CheckTreeAgainst(log, index::IndexCheckpoint{b.origin, b.size, b.root, {}}, now);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<client::IndexAnswer> answer =
      client::LookUpVerified(log, key, app, last.has_value() ? &*last : nullptr);
  if (!answer.ok()) return answer.status();
  if (absl::Status s = client::CheckTreeAgainst(log, answer->tree, now); !s.ok()) return s;
  const size_t seen = last.has_value() ? last->indices.size() : 0;
  std::vector<uint64_t> fresh(answer->indices.begin() + seen, answer->indices.end());
  if (absl::Status s = reader.Read(answer->tree, fresh,
                                   [&](uint64_t index, absl::string_view,
                                       const SignedStatement& st, const std::string& signer) {
                                     PrintStatement(io, index, st,
                                                    signer.empty() ? "the operator" : signer);
                                   });
      !s.ok()) {
    return s;
  }
  last = *std::move(answer);
  earlier = latest->checkpoint();
  return absl::OkStatus();
}

int WatchApp(const Args& args, Io& io, const proofs::CheckpointChecker& checker,
             absl::Duration interval) {
  const std::string app = args.Get("app");
  if (!checker.log_key().has_value()) {
    return Fail(io, "watch", absl::InvalidArgumentError(
                                 "--app needs --log_pub: the log signs its index with its key"));
  }
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "watch", log.status());
  const std::string checkpoint_file = args.Get("checkpoint_file");
  absl::StatusOr<std::string> remembered = RememberedCheckpoint(checkpoint_file);
  if (!remembered.ok()) return Fail(io, "watch", remembered.status());
  std::string earlier = *std::move(remembered);
  client::IndexedReader reader(log->get(), *checker.log_key());
  std::optional<client::IndexAnswer> last;
  while (true) {
    const std::string before = earlier;
    absl::Status s =
        WatchAppOnce(**log, checker, *checker.log_key(), app, reader, last, earlier, io);
    if (absl::IsFailedPrecondition(s)) return Fail(io, "watch", s, kExitVerificationFailed);
    if (!s.ok()) {
      if (args.Has("once")) {
        return Fail(io, "watch", s,
                    absl::IsInvalidArgument(s) ? kExitVerificationFailed : kExitUsage);
      }
      io.err << "candor watch: " << s.message() << "; retrying\n";
    } else if (!checkpoint_file.empty() && earlier != before) {
      if (absl::Status w = WriteOutput(io, checkpoint_file, earlier); !w.ok()) {
        return Fail(io, "watch", w);
      }
    }
    if (args.Has("once")) {
      io.out << "verified " << last->indices.size() << " entries about " << app
             << " in the log's index, complete for its tree of " << last->tree.size
             << " entries\n";
      return kExitOk;
    }
    absl::SleepFor(interval);
  }
}

int Watch(const Args& args, Io& io) {
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "watch", checker.status());
  absl::StatusOr<absl::Duration> interval =
      args.GetDuration("interval", absl::Seconds(5));
  if (!interval.ok()) return Fail(io, "watch", interval.status());
  if (args.Has("app") == args.Has("name")) {
    return Fail(io, "watch",
                absl::InvalidArgumentError("give --name PRINCIPAL (scan the whole log for its "
                                           "statements) or --app APP (follow the app's "
                                           "entries through the log's index)"));
  }
  if (args.Has("app")) return WatchApp(args, io, *checker, *interval);
  const std::string name = args.Get("name");
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "watch", log.status());

  absl::StatusOr<std::unique_ptr<client::LogScanner>> scanner =
      client::LogScanner::Start(log->get(), *std::move(checker));
  if (!scanner.ok()) return Fail(io, "watch", scanner.status());
  // The checkpoint an earlier run verified: what the log shows now must
  // extend it, or the log is showing this watcher two histories.
  const std::string checkpoint_file = args.Get("checkpoint_file");
  absl::StatusOr<std::string> remembered = RememberedCheckpoint(checkpoint_file);
  if (!remembered.ok()) return Fail(io, "watch", remembered.status());
  std::string earlier = *std::move(remembered);
  auto print = [&](uint64_t index, absl::string_view, const SignedStatement& st,
                   const std::string& signer) {
    if (signer.empty()) {
      registry::Registration r;
      if (!ParsePredicate(st.statement.predicate_json, r).ok() || r.name() != name) return;
      io.out << "[" << index << "] registration of " << name << " as a "
             << registry::RoleName(r.role()) << " with " << r.public_keys_size()
             << " key(s)" << (r.revoked() ? " (revoked)" : "") << std::endl;
      return;
    }
    if (signer != name) return;
    PrintStatement(io, index, st, name);
  };
  while (true) {
    absl::StatusOr<uint64_t> polled = (*scanner)->Poll(print);
    if (!polled.ok()) {
      if ((*scanner)->follower().equivocation().has_value()) {
        return Fail(io, "watch", polled.status(), kExitVerificationFailed);
      }
      // A checkpoint that does not verify (a bad signature, below the
      // witness quorum: INVALID_ARGUMENT; a log the policy does not list:
      // FAILED_PRECONDITION) is exit 1 with --once; otherwise retried, as a
      // witness may only be lagging.
      if (args.Has("once") && (absl::IsInvalidArgument(polled.status()) ||
                               absl::IsFailedPrecondition(polled.status()))) {
        return Fail(io, "watch", polled.status(), kExitVerificationFailed);
      }
      if (args.Has("once")) return Fail(io, "watch", polled.status());
      io.err << "candor watch: " << polled.status().message() << "; retrying\n";
    }
    if (polled.ok() && !checkpoint_file.empty()) {
      const std::string& now = (*scanner)->follower().state().checkpoint;
      if (!earlier.empty()) {
        absl::Status s = (*scanner)->CheckExtends(earlier);
        if (absl::IsFailedPrecondition(s)) return Fail(io, "watch", s, kExitVerificationFailed);
        if (!s.ok()) return Fail(io, "watch", s);
      }
      if (now != earlier) {
        if (absl::Status s = WriteOutput(io, checkpoint_file, now); !s.ok()) {
          return Fail(io, "watch", s);
        }
        earlier = now;
      }
    }
    if (args.Has("once")) {
      io.out << "verified the log up to size " << (*scanner)->follower().state().size
             << "\n";
      return kExitOk;
    }
    absl::SleepFor(*interval);
  }
}

}  // namespace

std::vector<Command> WatchCommands() {
  return {
      {"watch",
       "follow the log, verifying every checkpoint, and print each statement "
       "made under a principal's keys (--name, reading the whole log) or about an app "
       "(--app, through the log's verified index); exits 1 if the log equivocates",
       "--log ADDR (--log_pub FILE | --policy FILE) (--name PRINCIPAL | --app APP) "
       "[--interval 5s] [--once] [--checkpoint_file FILE]",
       LogOptions(WitnessOptions({{"log_pub", "FILE", "the log's public key"},
                   {"checkpoint_file", "FILE",
                    "remember the last checkpoint verified here, and check that the "
                    "log extends it next time"},
                   {"name", "PRINCIPAL", "the principal to watch"},
                   {"app", "APP",
                    "instead of --name: the app to watch, e.g. android:com.example.app "
                    "(needs --log_pub)"},
                   {"interval", "DURATION", "how often to poll (default 5s)"},
                   {"once", "", "catch up once and exit"}})),
       Watch},
  };
}

}  // namespace candor::cli
