// The public's view of a verifier: apps, findings, inconsistency proofs,
// and checking a proof offline (verify finding), which needs nothing but the
// log's key (and, optionally, a witness policy: the bundle carries the
// cosigned checkpoint).

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/common.h"
#include "client/indexed_reads.h"
#include "client/log_commands.h"
#include "client/witness_options.h"
#include "log/keyfile/keyfile.h"
#include "verifier/bundle/bundle.h"
#include "verifier/claim/render.h"
#include "verifier/reference/psl.h"

namespace candor::cli {
namespace {

namespace fpb = ::candor::finding::v1;

absl::string_view VerdictWord(fpb::Verdict verdict) {
  switch (verdict) {
    case fpb::CONSISTENT:
      return "consistent";
    case fpb::CONTRADICTED:
      return "contradicted";
    case fpb::EXEMPTION_DEPENDENT:
      return "exemption-dependent";
    default:
      return "unspecified";
  }
}

std::string VerdictWords(fpb::Verdict verdict, bool confirmed) {
  if (verdict != fpb::CONTRADICTED && verdict != fpb::EXEMPTION_DEPENDENT) {
    return std::string(VerdictWord(verdict));
  }
  return absl::StrCat(VerdictWord(verdict), confirmed ? " (confirmed)" : " (unconfirmed)");
}

// --log (read and verify the log's index) or --verifier, not both.
absl::Status CheckOneSource(const Args& args) {
  if (args.Has("log") == args.Has("verifier")) {
    return absl::InvalidArgumentError(
        "give --log ADDR --log_pub FILE (read and verify the log's index) or --verifier ADDR "
        "(ask a verifier), not both");
  }
  return absl::OkStatus();
}

// With --log, from the log's verifiable index (verified); with --verifier,
// from the verifier's own index.
absl::StatusOr<verifier::v1::ListAppsResponse> ListApps(const Args& args, Io& io) {
  if (absl::Status s = CheckOneSource(args); !s.ok()) return s;
  if (args.Has("verifier")) {
    absl::StatusOr<std::unique_ptr<client::VerifierClient>> verifier = ConnectVerifier(args);
    if (!verifier.ok()) return verifier.status();
    return (*verifier)->ListApps();
  }
  absl::StatusOr<std::vector<verifier::v1::AppSummary>> apps = AppsFromLog(args, io.err);
  if (!apps.ok()) return apps.status();
  verifier::v1::ListAppsResponse out;
  for (verifier::v1::AppSummary& app : *apps) *out.add_apps() = std::move(app);
  return out;
}

absl::StatusOr<verifier::v1::ListFindingsResponse> ListFindings(const Args& args, Io& io,
                                                                const std::string& app) {
  if (absl::Status s = CheckOneSource(args); !s.ok()) return s;
  if (args.Has("verifier")) {
    absl::StatusOr<std::unique_ptr<client::VerifierClient>> verifier = ConnectVerifier(args);
    if (!verifier.ok()) return verifier.status();
    return (*verifier)->ListFindings(app);
  }
  absl::StatusOr<std::vector<verifier::v1::FindingSummary>> findings =
      FindingsFromLog(args, app, io.err);
  if (!findings.ok()) return findings.status();
  verifier::v1::ListFindingsResponse out;
  for (verifier::v1::FindingSummary& f : *findings) *out.add_findings() = std::move(f);
  return out;
}

int Apps(const Args& args, Io& io) {
  absl::StatusOr<verifier::v1::ListAppsResponse> apps = ListApps(args, io);
  if (!apps.ok()) return Fail(io, "apps", apps.status());
  for (const verifier::v1::AppSummary& app : apps->apps()) {
    io.out << app.app() << "\n  claim in force: "
           << (app.has_claim() ? absl::StrCat("entry ", app.claim_index()) : "none")
           << "\n  claims " << app.claims() << ", measurements " << app.measurements()
           << ", findings " << app.findings() << "\n";
  }
  if (apps->apps_size() == 0) io.out << "the verifier knows of no app yet\n";
  return kExitOk;
}

int Findings(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "findings", absl::InvalidArgumentError("give one app, e.g. android:com.example.app"));
  }
  absl::StatusOr<verifier::v1::ListFindingsResponse> findings =
      ListFindings(args, io, args.positional()[0]);
  if (!findings.ok()) return Fail(io, "findings", findings.status());
  // The latest finding on each assertion of each claim: a verifier publishes
  // again when what it finds changes.
  std::map<std::pair<uint64_t, std::string>, const verifier::v1::FindingSummary*> latest;
  for (const verifier::v1::FindingSummary& f : findings->findings()) {
    io.out << "finding " << f.index() << ": assertion \"" << f.assertion_id()
           << "\" of claim " << f.claim_index() << " is "
           << VerdictWords(f.verdict(), f.confirmed()) << "\n  stands against "
           << claim::Printable(f.stands_against()) << "\n  "
           << claim::Printable(f.summary()) << "\n";
    const verifier::v1::FindingSummary*& l = latest[{f.claim_index(), f.assertion_id()}];
    if (l == nullptr || f.index() > l->index()) l = &f;
  }
  if (findings->findings_size() == 0) {
    io.out << "no findings\n";
    return kExitOk;
  }
  // Every claim the traffic contradicts, side by side, each with what it is.
  std::map<uint64_t, std::vector<const verifier::v1::FindingSummary*>> contradicted;
  for (const auto& [key, f] : latest) {
    if (f->confirmed() && f->verdict() != finding::v1::CONSISTENT) {
      contradicted[f->claim_index()].push_back(f);
    }
  }
  if (!contradicted.empty()) {
    io.out << "\nconfirmed findings stand against " << contradicted.size() << " claim(s):\n";
    for (const auto& [claim_index, fs] : contradicted) {
      std::vector<std::string> parts;
      for (const verifier::v1::FindingSummary* f : fs) {
        parts.push_back(absl::StrCat("\"", f->assertion_id(), "\" ",
                                     VerdictWord(f->verdict()), " (finding ",
                                     f->index(), ")"));
      }
      io.out << "  entry " << claim_index << ", "
             << claim::Printable(fs.front()->stands_against()) << ": "
             << absl::StrJoin(parts, "; ") << "\n";
    }
  }
  return kExitOk;
}

int FindingBundle(const Args& args, Io& io) {
  absl::StatusOr<uint64_t> index = args.GetUint("index", UINT64_MAX);
  if (!index.ok()) return Fail(io, "finding bundle", index.status());
  if (*index == UINT64_MAX) {
    return Fail(io, "finding bundle",
                absl::InvalidArgumentError("--index (the finding's entry) is required"));
  }
  absl::StatusOr<std::unique_ptr<client::VerifierClient>> verifier =
      ConnectVerifier(args, absl::Seconds(30));
  if (!verifier.ok()) return Fail(io, "finding bundle", verifier.status());
  absl::StatusOr<verifier::v1::GetFindingBundleResponse> r =
      (*verifier)->GetFindingBundle(*index);
  if (!r.ok()) return Fail(io, "finding bundle", r.status());
  if (absl::Status s = WriteOutput(io, args.Get("out"), bundle::BundleToJson(r->bundle()));
      !s.ok()) {
    return Fail(io, "finding bundle", s);
  }
  return kExitOk;
}

int VerifyFinding(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "verify finding", absl::InvalidArgumentError("give one bundle file"));
  }
  absl::StatusOr<proofs::CheckpointChecker> checker = CheckerFromArgs(args);
  if (!checker.ok()) return Fail(io, "verify finding", checker.status());
  std::optional<PublicKey> admin_key;
  if (args.Has("admin_pub")) {
    absl::StatusOr<PublicKey> key = keyfile::ReadPublicKey(args.Get("admin_pub"));
    if (!key.ok()) return Fail(io, "verify finding", key.status());
    admin_key = *std::move(key);
  }
  absl::StatusOr<reference::PublicSuffixList> psl = reference::PublicSuffixList::Load(
      args.Get("psl", reference::kDebianPslPath));
  if (!psl.ok()) return Fail(io, "verify finding", psl.status());
  absl::StatusOr<std::string> text = ReadInput(args.positional()[0]);
  if (!text.ok()) return Fail(io, "verify finding", text.status());

  absl::StatusOr<fpb::FindingBundle> bundle = bundle::BundleFromJson(*text);
  // Not a bundle at all: unusable input (its message already says "finding
  // bundle: ...").
  if (!bundle.ok()) return Fail(io, "verify finding", bundle.status());
  absl::StatusOr<bundle::CheckedFinding> checked =
      bundle::CheckBundle(*bundle, *checker, admin_key, *psl);
  if (!checked.ok()) {
    return Fail(io, "verify finding",
                absl::Status(checked.status().code(),
                             absl::StrCat("FAILED: ", checked.status().message())),
                kExitVerificationFailed);
  }
  io.out << "OK: finding " << checked->finding_index << " in log \"" << checked->log_origin
         << "\" (size " << checked->tree_size << ") checks out\n";
  for (const std::string& line : checked->checks) {
    io.out << "  - " << claim::Printable(line) << "\n";
  }
  io.out << "\nVerdict: assertion \"" << checked->finding.assertion().id() << "\" is "
         << VerdictWords(checked->finding.verdict(), checked->finding.confirmed()) << "\n\n"
         << claim::Printable(checked->account) << "\n";
  return kExitOk;
}

int VerifierStatus(const Args& args, Io& io) {
  absl::StatusOr<std::unique_ptr<client::VerifierClient>> verifier = ConnectVerifier(args);
  if (!verifier.ok()) return Fail(io, "verifier status", verifier.status());
  absl::StatusOr<verifier::v1::GetStatusResponse> s = (*verifier)->GetStatus();
  if (!s.ok()) return Fail(io, "verifier status", s.status());
  io.out << "followed " << s->followed_size() << " entries; findings published "
         << s->findings_published() << "\n";
  if (!s->last_error().empty()) io.out << "last error: " << s->last_error() << "\n";
  io.out << "last checkpoint verified:\n" << s->checkpoint();
  if (!s->equivocation().empty()) {
    io.out << "\nTHE LOG EQUIVOCATED; the verifier stopped following it:\n"
           << s->equivocation() << "\n";
    return kExitVerificationFailed;
  }
  return kExitOk;
}

// --log and --log_pub, or --verifier.
std::vector<Option> IndexOrVerifierOptions() {
  std::vector<Option> options = VerifierOptions();
  options.insert(options.begin() + 1,
                 {{"log", "ADDR", "read the log's verifiable index at this address instead"},
                  {"log_pub", "FILE", "with --log: the log's public key"}});
  return options;
}

}  // namespace

std::vector<Command> VerifierCommands() {
  return {
      {"apps",
       "list the apps the log's entries are about (from its verified index), or those a "
       "verifier knows, with their claim in force",
       "(--log ADDR --log_pub FILE | --verifier ADDR)", IndexOrVerifierOptions(), Apps},
      {"findings",
       "list the findings published about an app (from the log's verified index, or as a "
       "verifier lists them)",
       "(--log ADDR --log_pub FILE | --verifier ADDR) APP", IndexOrVerifierOptions(),
       Findings},
      {"finding bundle", "fetch a finding's inconsistency proof (JSON)",
       "--verifier ADDR --index I [--out FILE]",
       VerifierOptions({{"index", "I", "the finding's log entry"},
                        {"out", "FILE", "write here instead of stdout"}}),
       FindingBundle},
      {"verify finding",
       "check an inconsistency proof offline and explain it; exit 0 only if it holds",
       "FILE (--log_pub FILE | --policy FILE) [--admin_pub FILE]",
       WitnessOptions(
           {{"log_pub", "FILE", "the log's key: the only thing trusted"},
            {"admin_pub", "FILE", "also check registrations against the operator's admin key"},
            {"psl", "FILE", "the Public Suffix List (default: Debian's)"}}),
       VerifyFinding},
      {"verifier status", "a verifier's view of the log: size followed, equivocation",
       "--verifier ADDR", VerifierOptions(), VerifierStatus},
  };
}

}  // namespace candor::cli
