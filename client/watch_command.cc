// candor watch: a principal's alarm for statements made in its name.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/grpc_log_source.h"
#include "client/log_commands.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/follower/follower.h"

namespace candor::cli {
namespace {

// Prints the entries that concern principal `name`, keeping the registry up
// to date as registrations go by.
class Watcher {
 public:
  Watcher(std::string name, Io& io) : name_(std::move(name)), io_(io) {}

  void See(uint64_t index, const std::string& entry) {
    absl::StatusOr<SignedStatement> st = ParseSignedStatement(entry);
    if (!st.ok()) return;  // the log's admission refused such entries
    if (st->statement.predicate_type == registry::kRegistrationPredicateType) {
      registry::Registration r;
      if (!ParsePredicate(st->statement.predicate_json, r).ok()) return;
      if (!registry_.Apply(r, index).ok()) return;
      if (r.name() == name_) {
        io_.out << "[" << index << "] registration of " << name_ << " as a "
                << registry::RoleName(r.role()) << " with "
                << r.public_keys_size() << " key(s)"
                << (r.revoked() ? " (revoked)" : "") << std::endl;
      }
      return;
    }
    for (const dsse::Signature& sig : st->envelope.signatures) {
      const registry::KeyRecord* key = registry_.FindKey(sig.keyid);
      if (key == nullptr || key->principal() != name_) continue;
      std::vector<std::string> subjects;
      for (const Subject& s : st->statement.subjects) subjects.push_back(s.name);
      io_.out << "[" << index << "] " << st->statement.predicate_type << " about "
              << absl::StrJoin(subjects, ", ") << ", signed by " << name_
              << " with key " << sig.keyid << std::endl;
      return;
    }
  }

 private:
  std::string name_;
  Io& io_;
  registry::RegistryState registry_;
};

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

  client::GrpcLogSource source(log->get());
  absl::StatusOr<follower::Follower> follower =
      follower::Follower::Resume(&source, *key, follower::FollowerState());
  if (!follower.ok()) return Fail(io, "watch", follower.status());
  Watcher watcher(*name, io);
  auto consume = [&](uint64_t start, const std::vector<std::string>& entries,
                     const follower::FollowerState&) {
    for (size_t i = 0; i < entries.size(); ++i) watcher.See(start + i, entries[i]);
    return absl::OkStatus();
  };
  while (true) {
    absl::StatusOr<uint64_t> polled = follower->Poll(consume);
    if (!polled.ok()) {
      if (absl::IsFailedPrecondition(polled.status())) {
        return Fail(io, "watch", polled.status(), kExitVerificationFailed);
      }
      if (args.Has("once")) return Fail(io, "watch", polled.status());
      io.err << "candor watch: " << polled.status().message() << "; retrying\n";
    }
    if (args.Has("once")) {
      io.out << "verified the log up to size " << follower->state().size << "\n";
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
