// candor watch: a principal's alarm for statements made in its name.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_scan.h"
#include "client/log_commands.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/follower/follower.h"

namespace candor::cli {
namespace {

int Watch(const Args& args, Io& io) {
  absl::StatusOr<std::string> name = args.Required("name");
  absl::StatusOr<std::string> pub = args.Required("log_pub");
  if (!name.ok()) return Fail(io, "watch", name.status());
  if (!pub.ok()) return Fail(io, "watch", pub.status());
  absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(*pub);
  if (!key.ok()) return Fail(io, "watch", key.status());
  absl::StatusOr<absl::Duration> interval =
      args.GetDuration("interval", absl::Seconds(5));
  if (!interval.ok()) return Fail(io, "watch", interval.status());
  auto log = ConnectLog(args);
  if (!log.ok()) return Fail(io, "watch", log.status());

  absl::StatusOr<std::unique_ptr<client::LogScanner>> scanner =
      client::LogScanner::Start(log->get(), *key);
  if (!scanner.ok()) return Fail(io, "watch", scanner.status());
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
      if (absl::IsFailedPrecondition(polled.status())) {
        return Fail(io, "watch", polled.status(), kExitVerificationFailed);
      }
      if (args.Has("once")) return Fail(io, "watch", polled.status());
      io.err << "candor watch: " << polled.status().message() << "; retrying\n";
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
       "--log ADDR --log_pub FILE --name PRINCIPAL [--interval 5s] [--once]",
       LogOptions({{"log_pub", "FILE", "the log's public key"},
                   {"name", "PRINCIPAL", "the principal to watch"},
                   {"interval", "DURATION", "how often to poll (default 5s)"},
                   {"once", "", "catch up once and exit"}}),
       Watch},
  };
}

}  // namespace candor::cli
