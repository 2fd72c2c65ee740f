// candor watch: a principal's alarm for statements made in its name.

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_scan.h"
#include "client/log_commands.h"
#include "client/witness_options.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/follower/follower.h"

namespace candor::cli {
namespace {

int Watch(const Args& args, Io& io) {
  absl::StatusOr<std::string> name = args.Required("name");
  if (!name.ok()) return Fail(io, "watch", name.status());
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "watch", checker.status());
  absl::StatusOr<absl::Duration> interval =
      args.GetDuration("interval", absl::Seconds(5));
  if (!interval.ok()) return Fail(io, "watch", interval.status());
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "watch", log.status());

  absl::StatusOr<std::unique_ptr<client::LogScanner>> scanner =
      client::LogScanner::Start(log->get(), *std::move(checker));
  if (!scanner.ok()) return Fail(io, "watch", scanner.status());
  // The checkpoint an earlier run verified: what the log shows now must
  // extend it, or the log is showing this watcher two histories.
  const std::string checkpoint_file = args.Get("checkpoint_file");
  std::string earlier;
  if (!checkpoint_file.empty() && std::filesystem::exists(checkpoint_file)) {
    absl::StatusOr<std::string> text = ReadInput(checkpoint_file);
    if (!text.ok()) return Fail(io, "watch", text.status());
    earlier = *std::move(text);
  }
  auto print = [&](uint64_t index, absl::string_view, const SignedStatement& st,
                   const std::string& signer) {
    if (signer.empty()) {
      registry::Registration r;
      if (!ParsePredicate(st.statement.predicate_json, r).ok() || r.name() != *name) return;
      io.out << "[" << index << "] registration of " << *name << " as a "
             << registry::RoleName(r.role()) << " with " << r.public_keys_size()
             << " key(s)" << (r.revoked() ? " (revoked)" : "") << std::endl;
      return;
    }
    if (signer != *name) return;
    std::vector<std::string> subjects;
    for (const Subject& s : st.statement.subjects) subjects.push_back(s.name);
    io.out << "[" << index << "] " << st.statement.predicate_type << " about "
           << absl::StrJoin(subjects, ", ") << ", signed by " << *name << " with key "
           << st.envelope.signatures[0].keyid << std::endl;
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
       "made under a principal's keys; exits 1 if the log equivocates",
       "--log ADDR (--log_pub FILE | --policy FILE) --name PRINCIPAL [--interval 5s] "
       "[--once] [--checkpoint_file FILE]",
       LogOptions(WitnessOptions({{"log_pub", "FILE", "the log's public key"},
                   {"checkpoint_file", "FILE",
                    "remember the last checkpoint verified here, and check that the "
                    "log extends it next time"},
                   {"name", "PRINCIPAL", "the principal to watch"},
                   {"interval", "DURATION", "how often to poll (default 5s)"},
                   {"once", "", "catch up once and exit"}})),
       Watch},
  };
}

}  // namespace candor::cli
