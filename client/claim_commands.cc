// The vendor's workflow: claim init, lint, sign, submit, show; claims; and
// claim types, the taxonomy claims are written in.

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_commands.h"
#include "client/index_read.h"
#include "client/indexed_reads.h"
#include "client/log_scan.h"
#include "log/index/index_keys.h"
#include "log/keyfile/keyfile.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "google/protobuf/util/json_util.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/data_safety.h"
#include "verifier/claim/history.h"
#include "verifier/claim/lint.h"
#include "verifier/claim/recording.h"
#include "verifier/claim/render.h"
#include "verifier/measurement/measurement.h"
#include "verifier/subject/app_subject.h"
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

// With --apk, the build the claim is to be about: the file's SHA-256, and
// the app and version given with it (read from flags: Candor does not parse
// APKs or IPAs, so it cannot take them from the file).
absl::StatusOr<std::optional<claim::ExampleBuild>> InitBuild(const Args& args) {
  if (!args.Has("apk")) {
    if (args.Has("app") || args.Has("version")) {
      return absl::InvalidArgumentError(
          "--app and --version describe the binary given with --apk; give "
          "--apk FILE too (without --apk the example covers every version of "
          "a placeholder app)");
    }
    return std::nullopt;
  }
  absl::StatusOr<std::string> app = args.Required("app");
  if (!app.ok()) {
    return absl::InvalidArgumentError(
        "--apk needs --app android:<package> (or ios:<bundle id>): the "
        "package is not read from the file");
  }
  if (absl::Status s = subject::PackageName(*app).status(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--app: ", s.message()));
  }
  const std::string version = args.Get("version");
  if (!version.empty()) {
    if (absl::Status s = claim::ParseVersion(version).status(); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--version: ", s.message()));
    }
  }
  absl::StatusOr<std::string> hex = FileSha256Hex(args.Get("apk"));
  if (!hex.ok()) return hex.status();
  return claim::ExampleBuild{*app, version, *hex};
}

int ClaimInit(const Args& args, Io& io) {
  const std::string out = args.Get("out");
  if (!out.empty() && std::filesystem::exists(out)) {
    return Fail(io, "claim init", absl::AlreadyExistsError(absl::StrCat(
                                      out, " already exists; not overwriting it")));
  }
  absl::StatusOr<std::optional<claim::ExampleBuild>> build = InitBuild(args);
  if (!build.ok()) return Fail(io, "claim init", build.status());
  const std::string text =
      claim::ExampleClaim(absl::Now(), build->has_value() ? &**build : nullptr);
  if (absl::Status s = WriteOutput(io, out, text); !s.ok()) {
    return Fail(io, "claim init", s);
  }
  return kExitOk;
}

// A time given as RFC 3339 or as a date (midnight UTC).
absl::StatusOr<absl::Time> ParseDateOrTime(absl::string_view flag, const std::string& text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err) ||
      absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " must be a date such as 2026-11-01 or an RFC 3339 time: ", err));
}

// `claim import --play-data-safety`: the claim a Play Data safety form makes
// (verifier/claim/data_safety.h), written as JSON for `claim lint` and `claim
// sign`. The answers that carry no assertion are listed on stderr.
int ClaimImport(const Args& args, Io& io) {
  constexpr absl::string_view kCommand = "claim import";
  absl::StatusOr<std::string> csv_path = args.Required("play-data-safety");
  if (!csv_path.ok()) return Fail(io, kCommand, csv_path.status());
  absl::StatusOr<std::string> app = args.Required("app");
  if (!app.ok()) return Fail(io, kCommand, app.status());
  absl::StatusOr<std::string> issuer = args.Required("issuer");
  if (!issuer.ok()) return Fail(io, kCommand, issuer.status());
  const std::string out = args.Get("out");
  if (!out.empty() && std::filesystem::exists(out)) {
    return Fail(io, kCommand, absl::AlreadyExistsError(absl::StrCat(
                                  out, " already exists; not overwriting it")));
  }
  absl::StatusOr<std::string> csv = ReadInput(*csv_path);
  if (!csv.ok()) return Fail(io, kCommand, csv.status());
  const absl::Time now = absl::Now();
  absl::StatusOr<claim::DataSafetyImport> imported =
      claim::ImportDataSafety(*csv, {*app, *issuer, now});
  if (!imported.ok()) {
    return Fail(io, kCommand,
                absl::InvalidArgumentError(absl::StrCat(*csv_path, ": ",
                                                        imported.status().message())));
  }
  if (args.Has("published")) {
    // What findings on the claim call it: "the Data-safety label published
    // on <date>" (claim/recording.h).
    absl::StatusOr<absl::Time> published = ParseDateOrTime("published", args.Get("published"));
    if (!published.ok()) return Fail(io, kCommand, published.status());
    for (claim::v1::Document& d : *imported->claim.mutable_documents()) {
      if (d.kind() == claim::v1::Document::DATA_SAFETY_FORM) {
        *d.mutable_published_at() = claim::ToTimestamp(*published);
      }
    }
  }
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  std::string json;
  if (auto s = google::protobuf::util::MessageToJsonString(imported->claim, &json, print);
      !s.ok()) {
    return Fail(io, kCommand, absl::InternalError(std::string(s.message())),
                kExitVerificationFailed);
  }
  // What `claim sign` would refuse (a malformed --app or --issuer).
  std::vector<std::string> problems = claim::LintClaim(json, {now, nullptr});
  if (!problems.empty()) {
    return Fail(io, kCommand, absl::InvalidArgumentError(absl::StrJoin(problems, "; ")));
  }
  if (absl::Status s = WriteOutput(io, out, json); !s.ok()) return Fail(io, kCommand, s);
  io.err << "candor claim import: " << imported->claim.assertions_size()
         << " assertion(s); " << imported->document_only.size()
         << " answer(s) carry none and are kept only by the form's sha256 on the claim:\n";
  for (const std::string& line : imported->document_only) io.err << "  " << line << "\n";
  return kExitOk;
}

// The subject of a claim's statement: its binary when it names one (stating
// the version when the claim covers exactly one), else the app.
absl::StatusOr<Subject> ClaimSubject(const claim::v1::Claim& c) {
  if (c.app().binary_sha256().empty()) return NamedSubject(c.app().id());
  const std::string version =
      c.app().min_version() == c.app().max_version() ? c.app().min_version() : "";
  return subject::BinarySubject(c.app().id(), version, c.app().binary_sha256());
}

// Signs `predicate_json` as a statement of `type` about `subject` with the
// key --key and writes the envelope to --out or stdout.
int SignAndWrite(const Args& args, Io& io, absl::string_view command, Subject subject,
                 absl::string_view type, std::string predicate_json) {
  absl::StatusOr<std::string> key_path = args.Required("key");
  if (!key_path.ok()) return Fail(io, command, key_path.status());
  absl::StatusOr<PrivateKey> key = keyfile::ReadPrivateKey(*key_path);
  if (!key.ok()) return Fail(io, command, key.status());
  Statement st;
  st.subjects.push_back(std::move(subject));
  st.predicate_type = std::string(type);
  st.predicate_json = std::move(predicate_json);
  absl::StatusOr<std::string> entry = SignStatement(st, *key);
  if (!entry.ok()) return Fail(io, command, entry.status());
  if (absl::Status s = WriteOutput(io, args.Get("out"), *entry + "\n"); !s.ok()) {
    return Fail(io, command, s);
  }
  return kExitOk;
}

// `claim record --statement FILE`: the recorder's JSON (speaker, source,
// quotes, reading, interpretations), completed with what the command knows
// better than a hand: the recorder, the archive's digest and the time.
absl::StatusOr<claim::v1::RecordedClaim> StatementRecording(const Args& args) {
  absl::StatusOr<std::string> text = ReadInput(args.Get("statement"));
  if (!text.ok()) return text.status();
  claim::v1::RecordedClaim r;
  if (absl::Status s = ParsePredicate(claim::StripComments(*text), r); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(args.Get("statement"), ": ", s.message()));
  }
  if (r.kind() == claim::v1::RecordedClaim::KIND_UNSPECIFIED) {
    r.set_kind(claim::v1::RecordedClaim::STATEMENT);
  }
  if (r.kind() != claim::v1::RecordedClaim::STATEMENT) {
    return absl::InvalidArgumentError(
        "--statement records a STATEMENT; record a store label with --play-data-safety");
  }
  if (!r.reading().has_effective_at() && r.source().has_published_at()) {
    *r.mutable_reading()->mutable_effective_at() = r.source().published_at();
  }
  return r;
}

// `claim record --play-data-safety FILE.csv`: a Data-safety label as the
// store showed it, read into assertions exactly as `claim import` reads a
// vendor's export.
absl::StatusOr<claim::v1::RecordedClaim> LabelRecording(const Args& args,
                                                        const std::string& recorder,
                                                        absl::Time now) {
  absl::StatusOr<std::string> app = args.Required("app");
  if (!app.ok()) return app.status();
  absl::StatusOr<std::string> url = args.Required("source");
  if (!url.ok()) return url.status();
  absl::StatusOr<std::string> published_text = args.Required("published");
  if (!published_text.ok()) return published_text.status();
  absl::StatusOr<absl::Time> published = ParseDateOrTime("published", *published_text);
  if (!published.ok()) return published.status();
  absl::StatusOr<std::string> speaker = args.Required("speaker");
  if (!speaker.ok()) return speaker.status();
  absl::StatusOr<std::string> csv = ReadInput(args.Get("play-data-safety"));
  if (!csv.ok()) return csv.status();
  absl::StatusOr<claim::DataSafetyImport> imported =
      claim::ImportDataSafety(*csv, {*app, recorder, now});
  if (!imported.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(args.Get("play-data-safety"), ": ", imported.status().message()));
  }
  claim::v1::RecordedClaim r;
  r.set_recorder(recorder);
  r.set_kind(claim::v1::RecordedClaim::STORE_LABEL);
  r.mutable_speaker()->set_name(*speaker);
  r.mutable_speaker()->set_principal(args.Get("speaker_principal"));
  r.mutable_source()->set_url(*url);
  r.mutable_source()->set_publication(args.Get("publication", "Google Play"));
  *r.mutable_source()->mutable_published_at() = claim::ToTimestamp(*published);
  *r.mutable_reading() = std::move(imported->claim);
  *r.mutable_reading()->mutable_effective_at() = claim::ToTimestamp(*published);
  for (claim::v1::Document& d : *r.mutable_reading()->mutable_documents()) {
    if (d.kind() == claim::v1::Document::DATA_SAFETY_FORM) {
      *d.mutable_published_at() = claim::ToTimestamp(*published);
    }
  }
  for (const std::string& o : args.GetAll("first_party_organisation")) {
    r.mutable_first_party()->add_organisations(o);
  }
  for (const std::string& d : args.GetAll("first_party_domain")) {
    r.mutable_first_party()->add_domains(d);
  }
  return r;
}

// `claim record`: a recorder logs a claim someone else made (a statement or
// a store label) with its provenance and reading (verifier/claim/
// recording.h), signed, ready for `candor submit`.
int ClaimRecord(const Args& args, Io& io) {
  constexpr absl::string_view kCommand = "claim record";
  if (args.Has("statement") == args.Has("play-data-safety")) {
    return Fail(io, kCommand,
                absl::InvalidArgumentError(
                    "give --statement FILE.json (words someone said, with your reading) "
                    "or --play-data-safety FILE.csv (a store label as the store shows it)"));
  }
  absl::StatusOr<std::string> recorder = args.Required("recorder");
  if (!recorder.ok()) return Fail(io, kCommand, recorder.status());
  absl::StatusOr<std::string> archive = args.Required("archive");
  if (!archive.ok()) return Fail(io, kCommand, archive.status());
  absl::StatusOr<std::string> archive_hex = FileSha256Hex(*archive);
  if (!archive_hex.ok()) return Fail(io, kCommand, archive_hex.status());
  const absl::Time now = absl::Now();
  absl::StatusOr<claim::v1::RecordedClaim> r =
      args.Has("statement") ? StatementRecording(args) : LabelRecording(args, *recorder, now);
  if (!r.ok()) return Fail(io, kCommand, r.status());
  if (!r->recorder().empty() && r->recorder() != *recorder) {
    return Fail(io, kCommand,
                absl::InvalidArgumentError(absl::StrCat(
                    "the recording names recorder \"", r->recorder(), "\", not --recorder \"",
                    *recorder, "\"")));
  }
  if (!r->source().archive_sha256().empty() &&
      r->source().archive_sha256() != *archive_hex) {
    return Fail(io, kCommand,
                absl::InvalidArgumentError(absl::StrCat(
                    "the recording's source.archiveSha256 is ", r->source().archive_sha256(),
                    " but --archive ", *archive, " has SHA-256 ", *archive_hex)));
  }
  r->set_recorder(*recorder);
  r->mutable_reading()->set_issuer(*recorder);
  *r->mutable_reading()->mutable_issued_at() = claim::ToTimestamp(now);
  r->mutable_source()->set_archive_sha256(*archive_hex);
  std::vector<absl::Status> problems =
      claim::RecordingProblems(*r, now, admission::kDefaultMaxTimeSkew);
  if (!problems.empty()) {
    for (const absl::Status& p : problems) io.err << p.message() << "\n";
    return Fail(io, kCommand,
                absl::InvalidArgumentError(absl::StrCat("refusing to sign a recording with ",
                                                        problems.size(), " problem(s)")),
                kExitVerificationFailed);
  }
  absl::StatusOr<Subject> subject = ClaimSubject(r->reading());
  if (!subject.ok()) return Fail(io, kCommand, subject.status());
  return SignAndWrite(args, io, kCommand, *std::move(subject), kRecordedClaimType,
                      PredicateToJson(*r));
}

// A leaf hash as a receipt gives it (base64) or as 64 hex digits.
absl::StatusOr<std::string> LeafHashArg(absl::string_view flag, const std::string& text) {
  std::string bytes;
  if (subject::IsSha256Hex(text)) {
    bytes = absl::HexStringToBytes(text);
  } else if (!absl::Base64Unescape(text, &bytes)) {
    bytes.clear();
  }
  if (bytes.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be a leaf hash: base64, as a receipt gives it, or 64 hex digits"));
  }
  return bytes;
}

// `claim dispute`: a vendor's signed answer to a recording about its app.
int ClaimDispute(const Args& args, Io& io) {
  constexpr absl::string_view kCommand = "claim dispute";
  claim::v1::Dispute d;
  for (const char* flag : {"app", "issuer", "recording", "text"}) {
    if (absl::Status s = args.Required(flag).status(); !s.ok()) return Fail(io, kCommand, s);
  }
  absl::StatusOr<std::string> recording = LeafHashArg("recording", args.Get("recording"));
  if (!recording.ok()) return Fail(io, kCommand, recording.status());
  d.set_app(args.Get("app"));
  d.set_issuer(args.Get("issuer"));
  d.set_recording(*recording);
  d.set_text(args.Get("text"));
  *d.mutable_issued_at() = claim::ToTimestamp(absl::Now());
  return SignAndWrite(args, io, kCommand, NamedSubject(d.app()), kDisputeType,
                      PredicateToJson(d));
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
  absl::StatusOr<Subject> subject = ClaimSubject(parsed);
  if (!subject.ok()) return Fail(io, "claim sign", subject.status());
  return SignAndWrite(args, io, "claim sign", *std::move(subject), kClaimType,
                      std::move(json));
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

// Which claims ReadClaims reads: those about `app`, or about the app of the
// claim at `index`, or (binary lookup) about the apps of the binary whose
// SHA-256 is `binary_sha256`.
struct ClaimSelection {
  std::string app;
  std::optional<uint64_t> index;
  std::string binary_sha256;
};

// Every claim in the log about one app, read and verified from the log's
// start, and the vendors now in scope for the app. For a binary lookup, also
// the versions the statements naming the binary state ("" for none).
struct AppClaims {
  std::string app;
  std::vector<claim::ClaimRecord> records;
  // By log index: each claim, or a recording's reading.
  std::map<uint64_t, claim::v1::Claim> claims;
  // By log index: the recordings among them.
  std::map<uint64_t, claim::v1::RecordedClaim> recordings;
  // By log index: what a finding on each would stand against.
  std::map<uint64_t, std::string> provenance;
  // The disputes of the app's vendors, by the leaf hash of the recording
  // each answers.
  std::map<std::string, std::vector<claim::RecordingDispute>> disputes;
  std::vector<std::string> vendors;
  std::set<std::string> binary_versions;
  // Every verified statement read about the app, by predicate type; and the
  // findings among them, by log index.
  std::map<std::string, int> statements_by_type;
  std::map<uint64_t, finding::v1::Finding> findings;
};

// For a binary lookup: the app and stated version of a claim or measurement
// statement whose subject is the binary `hex` (checked against its predicate
// as admission checks it, so a subject alone cannot attach a digest to an
// app), or nullopt.
std::optional<std::pair<std::string, std::string>> NamesBinary(
    const SignedStatement& st, const std::string& hex) {
  if (st.statement.subjects.size() != 1 ||
      !subject::IsBinarySubject(st.statement.subjects[0])) {
    return std::nullopt;
  }
  auto digest = st.statement.subjects[0].digest.find("sha256");
  if (digest == st.statement.subjects[0].digest.end() || digest->second != hex) {
    return std::nullopt;
  }
  subject::About about;
  std::string app_version;
  claim::v1::Claim c;
  measurement::v1::Measurement m;
  if (st.statement.predicate_type == kClaimType) {
    if (!ParsePredicate(st.statement.predicate_json, c).ok()) return std::nullopt;
    about = {"claim", c.app().id(), "app.binarySha256", c.app().binary_sha256()};
  } else if (st.statement.predicate_type == kMeasurementType) {
    if (!ParsePredicate(st.statement.predicate_json, m).ok()) return std::nullopt;
    about = {"measurement", m.app(), "binary_sha256", m.binary_sha256()};
  } else {
    return std::nullopt;
  }
  absl::StatusOr<std::string> version =
      subject::CheckSubjects(st.statement.subjects, about);
  if (!version.ok()) return std::nullopt;
  return std::make_pair(std::string(about.app_id), *version);
}

// ReadClaims's way of reading the log with --scan: every entry, verified
// as it is followed. Returns the registry of every principal.
absl::StatusOr<registry::RegistryState> ScanWholeLog(client::LogClient* log,
                                                     const note::Verifier& key,
                                                     client::LogScanner::Visit visit) {
  absl::StatusOr<std::unique_ptr<client::LogScanner>> scanner =
      client::LogScanner::Start(log, key);
  if (!scanner.ok()) return scanner.status();
  absl::StatusOr<uint64_t> read = (*scanner)->Poll(visit);
  if (!read.ok()) return read.status();
  return (*scanner)->registry();
}

// ReadClaims's way of reading the log by default: only the entries the
// verifiable index files under the app (or the binary's digest, then each of
// its apps), each answer proved complete for the log's tree, each entry's
// inclusion and signature checked. Every answer's tree must be of one
// history with the first's. Returns the registry of the signers met.
absl::StatusOr<registry::RegistryState> ReadThroughIndex(
    client::LogClient* log, const note::Verifier& key, const ClaimSelection& select,
    const std::map<std::string, std::set<std::string>>& binary_apps,
    client::IndexedReader::Visit visit, std::ostream& err) {
  client::IndexedReader reader(log, key);
  std::optional<index::IndexCheckpoint> first_tree;
  uint64_t entries = 0;
  auto read_key = [&](const std::string& k) -> absl::Status {
    absl::StatusOr<client::IndexAnswer> answer = client::LookUpVerified(*log, key, k);
    if (!answer.ok()) return answer.status();
    if (!first_tree.has_value()) {
      first_tree = answer->tree;
    } else if (absl::Status s = client::CheckTreeAgainst(
                   *log, answer->tree,
                   note::Checkpoint{first_tree->origin, first_tree->size,
                                    first_tree->log_root, {}});
               !s.ok()) {
      return s;
    }
    entries += answer->indices.size();
    err << "read " << answer->indices.size()
        << (answer->indices.size() == 1 ? " entry" : " entries") << " filed under \"" << k
        << "\" in the log's verifiable index, complete for its tree of " << answer->tree.size
        << " entries (proof " << answer->proof_bytes << " bytes)\n";
    return reader.Read(answer->tree, answer->indices, visit);
  };
  if (!select.binary_sha256.empty()) {
    if (absl::Status s = read_key(absl::StrCat(index::kBinaryKeyPrefix, select.binary_sha256));
        !s.ok()) {
      return s;
    }
    // binary_apps is filled by the visits above.
    std::vector<std::string> apps;
    for (const auto& [app, versions] : binary_apps) apps.push_back(app);
    for (const std::string& app : apps) {
      if (absl::Status s = read_key(app); !s.ok()) return s;
    }
  } else if (select.index.has_value()) {
    // The keys of the entry at that index say which app to read; the app's
    // verified answer must then list the entry.
    absl::StatusOr<log::v1::GetEntriesResponse> got = log->GetEntries(*select.index, 1);
    if (!got.ok()) return got.status();
    if (got->entries_size() == 1) {
      for (const std::string& k : index::IndexKeysOfEntry(got->entries(0))) {
        if (absl::StartsWith(k, index::kSignerKeyPrefix) ||
            absl::StartsWith(k, index::kBinaryKeyPrefix)) {
          continue;
        }
        if (absl::Status s = read_key(k); !s.ok()) return s;
      }
    }
  } else {
    if (absl::Status s = read_key(select.app); !s.ok()) return s;
  }
  return reader.Registry();
}

// The log's key (--log_pub) and a client for --log.
struct KeyedLog {
  note::Verifier key;
  std::unique_ptr<client::LogClient> client;
};
absl::StatusOr<KeyedLog> ConnectKeyedLog(const Args& args) {
  absl::StatusOr<std::string> pub = args.Required("log_pub");
  if (!pub.ok()) return pub.status();
  absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(*pub);
  if (!key.ok()) return key.status();
  auto log = ConnectLog(args);
  if (!log.ok()) return log.status();
  return KeyedLog{*std::move(key), *std::move(log)};
}

// Reads the claims `select` asks for from `keyed`: through its verifiable
// index, or with `scan` the whole log.
absl::StatusOr<std::vector<AppClaims>> ReadClaims(KeyedLog& keyed, bool scan,
                                                  const ClaimSelection& select,
                                                  std::ostream& io_err) {
  client::LogClient* log = keyed.client.get();
  const note::Verifier& key = keyed.key;

  std::vector<std::pair<claim::ClaimRecord, claim::v1::Claim>> all;
  std::map<uint64_t, claim::v1::RecordedClaim> recordings;
  std::vector<std::pair<uint64_t, claim::v1::Dispute>> disputes;
  std::map<std::string, std::set<std::string>> binary_apps;
  std::map<std::string, int> statements_by_type;
  std::map<uint64_t, finding::v1::Finding> findings;
  auto visit = [&](uint64_t i, absl::string_view entry, const SignedStatement& st,
                   const std::string& signer) {
    ++statements_by_type[st.statement.predicate_type];
    if (st.statement.predicate_type == kFindingType) {
      finding::v1::Finding f;
      if (ParsePredicate(st.statement.predicate_json, f).ok() && f.verifier() == signer) {
        findings[i] = std::move(f);
      }
      return;
    }
    if (!select.binary_sha256.empty()) {
      if (auto named = NamesBinary(st, select.binary_sha256)) {
        binary_apps[named->first].insert(named->second);
      }
    }
    if (st.statement.predicate_type == kDisputeType) {
      absl::StatusOr<claim::v1::Dispute> d = claim::DisputeFromEntry(entry);
      if (d.ok() && d->issuer() == signer) disputes.emplace_back(i, *std::move(d));
      return;
    }
    if (st.statement.predicate_type == kRecordedClaimType) {
      absl::StatusOr<claim::v1::RecordedClaim> r = claim::RecordingFromEntry(entry);
      if (r.ok() && r->recorder() == signer) recordings[i] = *std::move(r);
    } else if (st.statement.predicate_type != kClaimType) {
      return;
    }
    // A claim counts as its issuer's (a recording as its recorder's) only if
    // they signed it (admission checks this; it is not taken on trust here).
    absl::StatusOr<claim::ClaimRecord> record = claim::ClaimRecordFromEntry(i, entry);
    if (!record.ok() || record->signer != signer) return;
    absl::StatusOr<claim::v1::Claim> c = claim::ClaimFromEntry(entry);
    if (c.ok()) {
      all.emplace_back(*std::move(record), *std::move(c));
    } else if (auto r = recordings.find(i); r != recordings.end()) {
      all.emplace_back(*std::move(record), r->second.reading());
    }
  };
  absl::StatusOr<registry::RegistryState> read_registry =
      scan ? ScanWholeLog(log, key, visit)
                       : ReadThroughIndex(log, key, select, binary_apps, visit, io_err);
  if (!read_registry.ok()) return read_registry.status();

  std::vector<std::string> apps;
  if (!select.binary_sha256.empty()) {
    for (const auto& [app, versions] : binary_apps) apps.push_back(app);
  } else if (select.index) {
    for (const auto& [record, c] : all) {
      if (record.index == *select.index) apps = {c.app().id()};
    }
    if (apps.empty()) {
      return absl::NotFoundError(
          absl::StrCat("entry ", *select.index, " is not a claim"));
    }
  } else {
    apps = {select.app};
  }
  const registry::RegistryState& registry = *read_registry;
  std::vector<AppClaims> result;
  for (const std::string& app : apps) {
    AppClaims out;
    out.app = app;
    // Counted for the one app a plain --app read is about.
    if (apps.size() == 1 && select.binary_sha256.empty() && !select.index) {
      out.statements_by_type = statements_by_type;
      for (auto& [i, f] : findings) {
        if (f.app() == app) out.findings[i] = f;
      }
    }
    if (auto it = binary_apps.find(app); it != binary_apps.end()) {
      out.binary_versions = it->second;
    }
    for (const auto& [record, c] : all) {
      if (c.app().id() != out.app) continue;
      const registry::PrincipalRecord* p = registry.FindPrincipal(record.signer);
      if (p != nullptr && !p->registration().revoked()) {
        const auto& scope = p->registration().scope().apps();
        if (std::find(scope.begin(), scope.end(), out.app) != scope.end() &&
            std::find(out.vendors.begin(), out.vendors.end(), record.signer) ==
                out.vendors.end()) {
          out.vendors.push_back(record.signer);
        }
      }
      out.claims[record.index] = c;
      out.records.push_back(record);
      out.provenance[record.index] = claim::ProvenanceOfClaim(c);
      if (auto r = recordings.find(record.index); r != recordings.end()) {
        out.recordings[record.index] = r->second;
        const registry::PrincipalRecord* recorder = registry.FindPrincipal(record.signer);
        const std::string name =
            recorder == nullptr || recorder->registration().display_name().empty()
                ? record.signer
                : recorder->registration().display_name();
        out.provenance[record.index] = claim::ProvenanceOfRecording(r->second, name);
      }
    }
    for (const auto& [index, d] : disputes) {
      // Only a vendor now in scope answers for the app.
      const registry::PrincipalRecord* p = registry.FindPrincipal(d.issuer());
      if (d.app() != out.app || p == nullptr || p->registration().revoked()) continue;
      const auto& scope = p->registration().scope().apps();
      if (std::find(scope.begin(), scope.end(), out.app) != scope.end()) {
        out.disputes[d.recording()].push_back({index, d});
      }
    }
    result.push_back(std::move(out));
  }
  return result;
}

// The same, connecting to --log with --log_pub; --scan reads the whole log.
absl::StatusOr<std::vector<AppClaims>> ReadClaims(const Args& args,
                                                  const ClaimSelection& select,
                                                  std::ostream& io_err) {
  absl::StatusOr<KeyedLog> keyed = ConnectKeyedLog(args);
  if (!keyed.ok()) return keyed.status();
  return ReadClaims(*keyed, args.Has("scan"), select, io_err);
}

// A failed ReadClaims: a log that equivocates (FAILED_PRECONDITION) fails
// verification; anything else is a usage or connection problem.
int ReadFailed(Io& io, absl::string_view command, const absl::Status& status) {
  return Fail(io, command, status,
              absl::IsFailedPrecondition(status) ? kExitVerificationFailed : kExitUsage);
}

// For a binary lookup: whether `c` bears on the binary `hex` of an app whose
// statements state `versions` of it: a claim about that build, or a claim
// about every build whose version range covers a stated version (a claim
// without a range covers them all, even when no version is stated).
bool CoversBinary(const claim::v1::Claim& c, const std::string& hex,
                  const std::set<std::string>& versions) {
  if (!c.app().binary_sha256().empty()) return c.app().binary_sha256() == hex;
  return std::any_of(versions.begin(), versions.end(), [&](const std::string& v) {
    return claim::CoversVersion(c.app(), v);
  });
}

// One claim or recording of `app` as `candor claims` shows it, with its
// status at `at`, its provenance and (for a recording) the vendor's disputes.
std::string Render(AppClaims& app, const claim::ClaimState& state, absl::Time at) {
  claim::ClaimListing l;
  const uint64_t index = state.claim->index;
  l.log_index = index;
  l.status = state.status;
  l.as_of = at;
  if (state.superseded_by != nullptr) l.superseded_by = state.superseded_by->index;
  if (state.repeats != nullptr) l.repeats = state.repeats->index;
  l.provenance = app.provenance[index];
  auto recording = app.recordings.find(index);
  if (recording == app.recordings.end()) return claim::RenderClaim(app.claims[index], l);
  return claim::RenderRecording(
      recording->second, l,
      app.disputes[std::string(merkle::AsBytes(state.claim->leaf_hash))]);
}

int ClaimShow(const Args& args, Io& io) {
  absl::StatusOr<std::string> index_text = args.Required("index");
  if (!index_text.ok()) return Fail(io, "claim show", index_text.status());
  absl::StatusOr<uint64_t> index = args.GetUint("index", 0);
  if (!index.ok()) return Fail(io, "claim show", index.status());
  absl::StatusOr<absl::Time> at = AtTime(args);
  if (!at.ok()) return Fail(io, "claim show", at.status());
  absl::StatusOr<std::vector<AppClaims>> read = ReadClaims(args, {"", *index, ""}, io.err);
  if (!read.ok()) {
    return ReadFailed(io, "claim show", read.status());
  }
  AppClaims* claims = &read->front();
  for (const claim::ClaimState& state :
       claim::ClaimStatesAt(claims->records, claims->vendors, *at)) {
    if (state.claim->index != *index) continue;
    io.out << Render(*claims, state, *at);
  }
  return kExitOk;
}

// `candor claims --binary_sha256 HEX`: for each app whose claims or
// measurements name the binary, the claims that bear on it (CoversBinary),
// each with its status in the app's whole history.
int ClaimsOfBinary(const Args& args, Io& io, absl::Time at, const std::string& hex) {
  absl::StatusOr<std::vector<AppClaims>> read = ReadClaims(args, {"", std::nullopt, hex}, io.err);
  if (!read.ok()) {
    return ReadFailed(io, "claims", read.status());
  }
  if (read->empty()) {
    io.out << "no claim or measurement in the log names the binary " << hex << "\n";
    return kExitOk;
  }
  bool first_app = true;
  for (AppClaims& app : *read) {
    if (!first_app) io.out << "\n";
    first_app = false;
    std::vector<std::string> stated;
    for (const std::string& v : app.binary_versions) {
      if (!v.empty()) stated.push_back(v);
    }
    io.out << "binary " << hex << " is " << app.app
           << (stated.empty() ? std::string(", version not stated")
                              : absl::StrCat(" version ", absl::StrJoin(stated, ", ")))
           << "\n";
    bool any = false;
    for (const claim::ClaimState& state :
         claim::ClaimStatesAt(app.records, app.vendors, at)) {
      const claim::v1::Claim& c = app.claims[state.claim->index];
      if (!CoversBinary(c, hex, app.binary_versions)) continue;
      io.out << "\n" << Render(app, state, at);
      any = true;
    }
    if (!any) io.out << "no claim about " << app.app << " covers this binary\n";
  }
  return kExitOk;
}

int Claims(const Args& args, Io& io) {
  absl::StatusOr<absl::Time> at = AtTime(args);
  if (!at.ok()) return Fail(io, "claims", at.status());
  if (args.Has("binary_sha256") == args.Has("app")) {
    return Fail(io, "claims",
                absl::InvalidArgumentError(
                    "give --app APP, or --binary_sha256 HEX to look an app up by "
                    "the SHA-256 of its APK, AAB or IPA (not both)"));
  }
  if (args.Has("binary_sha256")) {
    const std::string hex = args.Get("binary_sha256");
    if (!subject::IsSha256Hex(hex)) {
      return Fail(io, "claims",
                  absl::InvalidArgumentError(absl::StrCat(
                      "--binary_sha256 \"", hex,
                      "\" must be 64 lower-case hex digits, as sha256sum prints "
                      "them")));
    }
    return ClaimsOfBinary(args, io, *at, hex);
  }
  const std::string app = args.Get("app");
  absl::StatusOr<std::vector<AppClaims>> read = ReadClaims(args, {app, std::nullopt, ""}, io.err);
  if (!read.ok()) {
    return ReadFailed(io, "claims", read.status());
  }
  AppClaims* claims = &read->front();
  if (claims->records.empty()) {
    io.out << "no claims about " << app << " in the log\n";
    return kExitOk;
  }
  bool first = true;
  for (const claim::ClaimState& state :
       claim::ClaimStatesAt(claims->records, claims->vendors, *at)) {
    if (!first) io.out << "\n";
    first = false;
    io.out << Render(*claims, state, *at);
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

absl::StatusOr<std::vector<verifier::v1::FindingSummary>> FindingsFromLog(
    const Args& args, const std::string& app, std::ostream& err) {
  absl::StatusOr<std::vector<AppClaims>> read = ReadClaims(args, {app, std::nullopt, ""}, err);
  if (!read.ok()) return read.status();
  std::vector<verifier::v1::FindingSummary> out;
  for (const auto& [index, f] : read->front().findings) {
    verifier::v1::FindingSummary& s = out.emplace_back();
    s.set_index(index);
    s.set_claim_index(f.claim().index());
    s.set_assertion_id(f.assertion().id());
    s.set_verdict(f.verdict());
    s.set_confirmed(f.confirmed());
    s.set_summary(f.summary());
    s.set_stands_against(f.stands_against());
  }
  return out;
}

absl::StatusOr<std::vector<verifier::v1::AppSummary>> AppsFromLog(const Args& args,
                                                                  std::ostream& err) {
  absl::StatusOr<KeyedLog> keyed = ConnectKeyedLog(args);
  if (!keyed.ok()) return keyed.status();
  // The entries that used a key first name every app.
  absl::StatusOr<client::IndexAnswer> contents = client::LookUpVerified(
      *keyed->client, keyed->key, std::string(index::kNewKeysKey));
  if (!contents.ok()) return contents.status();
  err << "read the " << contents->indices.size()
      << " entries that introduced a key in the log's verifiable index, complete for its "
         "tree of "
      << contents->tree.size << " entries\n";
  client::IndexedReader reader(keyed->client.get(), keyed->key);
  std::set<std::string> apps;
  absl::StatusOr<std::vector<std::string>> entries =
      reader.ReadEntries(contents->tree, contents->indices);
  if (!entries.ok()) return entries.status();
  for (const std::string& entry : *entries) {
    for (std::string& k : index::IndexKeysOfEntry(entry)) {
      if (registry::ValidateAppId(k).ok()) apps.insert(std::move(k));
    }
  }
  const absl::Time now = absl::Now();
  std::vector<verifier::v1::AppSummary> out;
  for (const std::string& app : apps) {
    absl::StatusOr<std::vector<AppClaims>> read =
        ReadClaims(*keyed, /*scan=*/false, {app, std::nullopt, ""}, err);
    if (!read.ok()) return read.status();
    const AppClaims& c = read->front();
    verifier::v1::AppSummary& s = out.emplace_back();
    s.set_app(app);
    if (const claim::ClaimRecord* in_force = claim::ClaimInForce(c.records, c.vendors, now)) {
      s.set_has_claim(true);
      s.set_claim_index(in_force->index);
    }
    s.set_claims(c.records.size());
    auto measurements = c.statements_by_type.find(std::string(kMeasurementType));
    s.set_measurements(measurements == c.statements_by_type.end() ? 0 : measurements->second);
    s.set_findings(c.findings.size());
  }
  return out;
}

std::vector<Command> ClaimCommands() {
  std::vector<Option> scan = LogOptions(
      {{"log_pub", "FILE", "the log's public key"},
       {"at", "TIME", "status as of this RFC 3339 time"},
       {"scan", "",
        "read and verify the whole log instead of its verifiable index (the "
        "independent check of the index's answer)"}});
  std::vector<Option> show = scan;
  show.push_back({"index", "I", "the claim's log index"});
  std::vector<Option> list = scan;
  list.push_back({"app", "APP", "the app, e.g. android:com.example.app"});
  list.push_back({"binary_sha256", "HEX",
                  "instead of --app: the SHA-256 of an APK, AAB or IPA; lists the "
                  "claims about that build and the claims about every build that "
                  "cover its version"});
  std::vector<Option> submit = SubmitOptions();
  return {
      {"claim init", "write a commented example claim to start from",
       "[--apk FILE --app APP [--version V]] [--out FILE]",
       {{"apk", "FILE",
         "make the claim about this one build (APK, AAB or IPA): its SHA-256 "
         "becomes app.binarySha256 and the signed statement's subject"},
        {"app", "APP", "with --apk: the app it is, android:<package> or ios:<bundle id>"},
        {"version", "V", "with --apk: the build's version (minVersion = maxVersion = V)"},
        {"out", "FILE", "write here instead of stdout (never overwrites)"}},
       ClaimInit},
      {"claim import", "write the claim a Google Play Data safety form makes (README.md)",
       "--play-data-safety FILE.csv --app android:<package> --issuer NAME [--published DATE] "
       "[--out FILE]",
       {{"play-data-safety", "FILE", "the form as Play Console exports it (CSV)"},
        {"published", "DATE", "when the label was published (findings name it by this date)"},
        {"app", "APP", "the app, android:<package>"},
        {"issuer", "NAME", "your registered vendor name"},
        {"out", "FILE", "write here instead of stdout (never overwrites)"}},
       ClaimImport},
      {"claim record",
       "record, signed as a recorder, a claim someone made: a statement or a store label",
       "--recorder NAME --key FILE --archive FILE (--statement FILE.json | "
       "--play-data-safety FILE.csv --app APP --source URL --published DATE --speaker "
       "NAME [--speaker_principal P] [--first_party_domain D]...) [--out FILE]",
       {{"recorder", "NAME", "your registered recorder name"},
        {"key", "FILE", "your private key"},
        {"archive", "FILE", "the source as you archived it (page, PDF, listing); only "
                            "its SHA-256 is logged"},
        {"statement", "FILE", "the recording as JSON: speaker, source, quotes, reading, "
                              "interpretations (README.md, \"Recorded claims\")"},
        {"play-data-safety", "FILE", "the label's answers as a Play Console CSV"},
        {"app", "APP", "with --play-data-safety: android:<package>"},
        {"source", "URL", "with --play-data-safety: the store page"},
        {"published", "DATE", "with --play-data-safety: when the label was published"},
        {"publication", "NAME", "with --play-data-safety: the store (default Google Play)"},
        {"speaker", "NAME", "with --play-data-safety: the developer as the store names it"},
        {"speaker_principal", "P", "the developer's registered vendor name, if any"},
        {"first_party_organisation", "ORG", "the developer's own organisation (repeatable)"},
        {"first_party_domain", "D", "the developer's own domain (repeatable)"},
        {"out", "FILE", "write the envelope here instead of stdout"}},
       ClaimRecord},
      {"claim dispute", "answer, signed as the app's vendor, a recorder's reading",
       "--app APP --issuer NAME --recording LEAF_HASH --text TEXT --key FILE [--out FILE]",
       {{"app", "APP", "the app the recording is about"},
        {"issuer", "NAME", "your registered vendor name"},
        {"recording", "HASH", "the recording's leaf hash (base64 or hex)"},
        {"text", "TEXT", "why the reading is wrong"},
        {"key", "FILE", "your private key"},
        {"out", "FILE", "write the envelope here instead of stdout"}},
       ClaimDispute},
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
      {"claim show", "show a claim with its status (reads the log through its verified index)",
       "--log ADDR --log_pub FILE --index I [--at TIME] [--scan]", show, ClaimShow},
      {"claims", "the history of an app's claims, newest first (through the log's verified index)",
       "--log ADDR --log_pub FILE (--app APP | --binary_sha256 HEX) [--at TIME] [--scan]",
       list,
       Claims},
      {"claim types", "the data types claims use (Play Data safety + biometrics)",
       "[--apple]", {{"apple", "", "show the mapping from Apple's App Privacy types"}},
       ClaimTypes},
  };
}

}  // namespace candor::cli
