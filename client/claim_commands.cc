// The vendor's workflow: claim init, lint, sign, submit, show; claims; and
// claim types, the taxonomy claims are written in.

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_commands.h"
#include "client/log_scan.h"
#include "log/keyfile/keyfile.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/history.h"
#include "verifier/claim/lint.h"
#include "verifier/claim/render.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::cli {
namespace {

absl::StatusOr<absl::Time> AtTime(const Args& args) {
  if (!args.Has("at")) return absl::Now();
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, args.Get("at"), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--at must be an RFC 3339 time such as 2026-01-01T00:00:00Z: ", err));
  }
  return t;
}

int ClaimInit(const Args& args, Io& io) {
  const std::string out = args.Get("out");
  if (!out.empty() && std::filesystem::exists(out)) {
    return Fail(io, "claim init", absl::AlreadyExistsError(absl::StrCat(
                                      out, " already exists; not overwriting it")));
  }
  if (absl::Status s = WriteOutput(io, out, claim::ExampleClaim()); !s.ok()) {
    return Fail(io, "claim init", s);
  }
  return kExitOk;
}

int ClaimLint(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "claim lint", absl::InvalidArgumentError("give one claim file"));
  }
  absl::StatusOr<std::string> text = ReadInput(args.positional()[0]);
  if (!text.ok()) return Fail(io, "claim lint", text.status());
  std::vector<std::string> problems = claim::LintClaim(*text, {absl::Now(), nullptr});
  if (problems.empty()) {
    io.out << "OK: " << args.positional()[0] << " has no problems\n";
    return kExitOk;
  }
  for (const std::string& p : problems) io.out << p << "\n";
  io.err << "candor claim lint: " << problems.size() << " problem(s)\n";
  return kExitVerificationFailed;
}

int ClaimSign(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "claim sign", absl::InvalidArgumentError("give one claim file"));
  }
  absl::StatusOr<std::string> key_path = args.Required("key");
  if (!key_path.ok()) return Fail(io, "claim sign", key_path.status());
  absl::StatusOr<std::string> text = ReadInput(args.positional()[0]);
  if (!text.ok()) return Fail(io, "claim sign", text.status());
  std::vector<std::string> problems = claim::LintClaim(*text, {absl::Now(), nullptr});
  if (!problems.empty()) {
    for (const std::string& p : problems) io.err << p << "\n";
    return Fail(io, "claim sign",
                absl::InvalidArgumentError(absl::StrCat(
                    "refusing to sign a claim with ", problems.size(),
                    " problem(s); fix them (see `candor claim lint`)")),
                kExitVerificationFailed);
  }
  std::string json(absl::StripAsciiWhitespace(claim::StripComments(*text)));
  claim::v1::Claim parsed;
  if (absl::Status s = ParsePredicate(json, parsed); !s.ok()) {
    return Fail(io, "claim sign", s);
  }
  absl::StatusOr<PrivateKey> key = keyfile::ReadPrivateKey(*key_path);
  if (!key.ok()) return Fail(io, "claim sign", key.status());
  Statement st;
  st.subjects.push_back(NamedSubject(parsed.app().id()));
  st.predicate_type = std::string(kClaimType);
  st.predicate_json = std::move(json);
  absl::StatusOr<std::string> entry = SignStatement(st, *key);
  if (!entry.ok()) return Fail(io, "claim sign", entry.status());
  if (absl::Status s = WriteOutput(io, args.Get("out"), *entry + "\n"); !s.ok()) {
    return Fail(io, "claim sign", s);
  }
  return kExitOk;
}

int ClaimSubmit(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "claim submit",
                absl::InvalidArgumentError("give one signed claim (from claim sign)"));
  }
  absl::StatusOr<std::string> entry = ReadInput(args.positional()[0]);
  if (!entry.ok()) return Fail(io, "claim submit", entry.status());
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(*entry);
  if (!st.ok()) return Fail(io, "claim submit", st.status());
  if (st->statement.predicate_type != kClaimType) {
    return Fail(io, "claim submit",
                absl::InvalidArgumentError(absl::StrCat(
                    "this is a ", st->statement.predicate_type,
                    " statement, not a claim; use `candor submit`")));
  }
  return SubmitAndReport(args, io, "claim submit", *entry);
}

// Every claim in the log about one app (named, or that of the claim at
// `index`), read and verified from the log's start, and the vendors now in
// scope for the app.
struct AppClaims {
  std::string app;
  std::vector<claim::ClaimRecord> records;
  std::map<uint64_t, claim::v1::Claim> claims;
  std::vector<std::string> vendors;
};

absl::StatusOr<AppClaims> ReadClaims(const Args& args, std::string app,
                                     std::optional<uint64_t> index) {
  absl::StatusOr<std::string> pub = args.Required("log_pub");
  if (!pub.ok()) return pub.status();
  absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(*pub);
  if (!key.ok()) return key.status();
  auto log = ConnectLog(args);
  if (!log.ok()) return log.status();
  absl::StatusOr<std::unique_ptr<client::LogScanner>> scanner =
      client::LogScanner::Start(log->get(), *key);
  if (!scanner.ok()) return scanner.status();

  std::vector<std::pair<claim::ClaimRecord, claim::v1::Claim>> all;
  auto visit = [&](uint64_t i, absl::string_view entry, const SignedStatement& st,
                   const std::string& signer) {
    if (st.statement.predicate_type != kClaimType) return;
    absl::StatusOr<claim::ClaimRecord> record = claim::ClaimRecordFromEntry(i, entry);
    absl::StatusOr<claim::v1::Claim> c = claim::ClaimFromEntry(entry);
    // A claim counts as its issuer's only if its issuer signed it (admission
    // checks this; it is not taken on trust here).
    if (record.ok() && c.ok() && record->signer == signer) {
      all.emplace_back(*std::move(record), *std::move(c));
    }
  };
  absl::StatusOr<uint64_t> read = (*scanner)->Poll(visit);
  if (!read.ok()) return read.status();

  AppClaims out;
  out.app = std::move(app);
  if (index) {
    for (const auto& [record, c] : all) {
      if (record.index == *index) out.app = c.app().id();
    }
    if (out.app.empty()) {
      return absl::NotFoundError(absl::StrCat("entry ", *index, " is not a claim"));
    }
  }
  const registry::RegistryState& registry = (*scanner)->registry();
  for (auto& [record, c] : all) {
    if (c.app().id() != out.app) continue;
    const registry::PrincipalRecord* p = registry.FindPrincipal(record.signer);
    if (p != nullptr && !p->registration().revoked()) {
      const auto& apps = p->registration().scope().apps();
      if (std::find(apps.begin(), apps.end(), out.app) != apps.end() &&
          std::find(out.vendors.begin(), out.vendors.end(), record.signer) ==
              out.vendors.end()) {
        out.vendors.push_back(record.signer);
      }
    }
    out.claims[record.index] = std::move(c);
    out.records.push_back(std::move(record));
  }
  return out;
}

claim::ClaimListing Listing(const claim::ClaimState& state, absl::Time at) {
  claim::ClaimListing l;
  l.log_index = state.claim->index;
  l.status = state.status;
  l.as_of = at;
  if (state.superseded_by != nullptr) l.superseded_by = state.superseded_by->index;
  if (state.repeats != nullptr) l.repeats = state.repeats->index;
  return l;
}

int ClaimShow(const Args& args, Io& io) {
  absl::StatusOr<std::string> index_text = args.Required("index");
  if (!index_text.ok()) return Fail(io, "claim show", index_text.status());
  absl::StatusOr<uint64_t> index = args.GetUint("index", 0);
  if (!index.ok()) return Fail(io, "claim show", index.status());
  absl::StatusOr<absl::Time> at = AtTime(args);
  if (!at.ok()) return Fail(io, "claim show", at.status());
  absl::StatusOr<AppClaims> claims = ReadClaims(args, "", *index);
  if (!claims.ok()) {
    return Fail(io, "claim show", claims.status(),
                absl::IsFailedPrecondition(claims.status()) ? kExitVerificationFailed
                                                            : kExitUsage);
  }
  for (const claim::ClaimState& state :
       claim::ClaimStatesAt(claims->records, claims->vendors, *at)) {
    if (state.claim->index != *index) continue;
    io.out << claim::RenderClaim(claims->claims[*index], Listing(state, *at));
  }
  return kExitOk;
}

int Claims(const Args& args, Io& io) {
  absl::StatusOr<std::string> app = args.Required("app");
  if (!app.ok()) return Fail(io, "claims", app.status());
  absl::StatusOr<absl::Time> at = AtTime(args);
  if (!at.ok()) return Fail(io, "claims", at.status());
  absl::StatusOr<AppClaims> claims = ReadClaims(args, *app, std::nullopt);
  if (!claims.ok()) {
    return Fail(io, "claims", claims.status(),
                absl::IsFailedPrecondition(claims.status()) ? kExitVerificationFailed
                                                            : kExitUsage);
  }
  if (claims->records.empty()) {
    io.out << "no claims about " << *app << " in the log\n";
    return kExitOk;
  }
  bool first = true;
  for (const claim::ClaimState& state :
       claim::ClaimStatesAt(claims->records, claims->vendors, *at)) {
    if (!first) io.out << "\n";
    first = false;
    io.out << claim::RenderClaim(claims->claims[state.claim->index], Listing(state, *at));
  }
  return kExitOk;
}

int ClaimTypes(const Args& args, Io& io) {
  if (args.Has("apple")) {
    for (const taxonomy::AppleMapping& m : taxonomy::AppleMappings()) {
      io.out << m.apple << " ->";
      for (absl::string_view id : m.candor) io.out << " " << id;
      io.out << "\n";
    }
    return kExitOk;
  }
  for (const taxonomy::Category& c : taxonomy::Categories()) {
    io.out << c.id << "  (" << c.label << ")\n";
    for (const taxonomy::DataType& t : taxonomy::DataTypes()) {
      if (t.category == c.id) io.out << "  " << t.id << "  (" << t.label << ")\n";
    }
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> ClaimCommands() {
  std::vector<Option> scan = LogOptions({{"log_pub", "FILE", "the log's public key"},
                                         {"at", "TIME", "status as of this RFC 3339 time"}});
  std::vector<Option> show = scan;
  show.push_back({"index", "I", "the claim's log index"});
  std::vector<Option> list = scan;
  list.push_back({"app", "APP", "the app, e.g. android:com.example.app"});
  std::vector<Option> submit = SubmitOptions();
  return {
      {"claim init", "write a commented example claim to start from", "[--out FILE]",
       {{"out", "FILE", "write here instead of stdout (never overwrites)"}}, ClaimInit},
      {"claim lint", "explain every problem in a claim before signing it", "FILE",
       {}, ClaimLint},
      {"claim sign", "sign a claim (comments stripped) as a DSSE envelope",
       "--key FILE CLAIM [--out FILE]",
       {{"key", "FILE", "the vendor's private key"},
        {"out", "FILE", "write the envelope here instead of stdout"}},
       ClaimSign},
      {"claim submit", "submit a signed claim; with --wait, keep the receipt",
       "--log ADDR ENVELOPE [--wait] [--log_pub FILE] [--proof_out FILE]", submit,
       ClaimSubmit},
      {"claim show", "show a claim with its status (reads and verifies the log)",
       "--log ADDR --log_pub FILE --index I [--at TIME]", show, ClaimShow},
      {"claims", "the history of an app's claims, newest first (reads and verifies the log)",
       "--log ADDR --log_pub FILE --app APP [--at TIME]", list, Claims},
      {"claim types", "the data types claims use (Play Data safety + biometrics)",
       "[--apple]", {{"apple", "", "show the mapping from Apple's App Privacy types"}},
       ClaimTypes},
  };
}

}  // namespace candor::cli
