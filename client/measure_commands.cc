// The auditor's workflow: measure har (capture + identities -> measurement),
// measure sign (a measurement written by other tools), measure submit.

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_commands.h"
#include "client/verifier_client.h"
#include "google/protobuf/util/json_util.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "log/proofs/tlog_proof.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/measure.h"
#include "verifier/measurement/measurement.h"
#include "verifier/subject/app_subject.h"

namespace candor::cli {
namespace {

namespace mpb = ::candor::measurement::v1;

absl::StatusOr<mpb::ConsentState> ParseConsent(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "no_interaction") return mpb::NO_INTERACTION;
  if (t == "tracking_accepted" || t == "accepted") return mpb::TRACKING_ACCEPTED;
  if (t == "tracking_declined" || t == "declined") return mpb::TRACKING_DECLINED;
  return absl::InvalidArgumentError(absl::StrCat(
      "--consent must be no_interaction, accepted or declined, got \"", text, "\""));
}

// "412 requests, 398 bodies examined; 14 not: 9 omitted by the exporter, 5
// unknown content coding; 37 detections, 2 skipped".
std::string CoverageSummary(const mpb::Measurement& m, int detections) {
  const mpb::Coverage& c = m.coverage();
  std::string out = absl::StrCat(c.requests(), " requests, ", c.bodies(),
                                 " with a body, ", c.bodies_examined(),
                                 " bodies examined");
  const uint32_t not_examined = c.bodies() - c.bodies_examined();
  if (not_examined > 0) {
    absl::StrAppend(&out, "; ", not_examined, " not: ");
    for (int i = 0; i < c.not_examined_size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", c.not_examined(i).requests(), " ",
                      c.not_examined(i).reason());
    }
  }
  if (c.websocket_messages() > 0) {
    absl::StrAppend(&out, "; ", c.websocket_messages(), " WebSocket messages examined");
  }
  absl::StrAppend(&out, "; ", detections, " detections, ", m.skipped_size(),
                  " skipped");
  return out;
}

// The same as one JSON object.
std::string CoverageJson(const mpb::Measurement& m, int detections) {
  const mpb::Coverage& c = m.coverage();
  std::string reasons;
  for (int i = 0; i < c.not_examined_size(); ++i) {
    absl::StrAppend(&reasons, i == 0 ? "" : ", ", json::Quote(c.not_examined(i).reason()),
                    ": ", c.not_examined(i).requests());
  }
  return absl::StrCat("{\"entries\": ", c.entries(), ", \"requests\": ", c.requests(),
                      ", \"bodies\": ", c.bodies(), ", \"bodies_examined\": ",
                      c.bodies_examined(), ", \"not_examined\": {", reasons,
                      "}, \"websocket_messages\": ", c.websocket_messages(),
                      ", \"detections\": ", detections, ", \"skipped\": ",
                      m.skipped_size(), "}");
}

// Validates a measurement as the log will, then signs it (or writes its
// JSON when no key is given).
int Finish(const Args& args, Io& io, absl::string_view command,
           const mpb::Measurement& m) {
  if (absl::Status s = measurement::ValidateMeasurement(m, absl::Now()); !s.ok()) {
    return Fail(io, command, s);
  }
  std::string json = PredicateToJson(m);
  if (!args.Has("key")) {
    return WriteOutput(io, args.Get("out"), json + "\n").ok() ? kExitOk : kExitUsage;
  }
  absl::StatusOr<PrivateKey> key = keyfile::ReadPrivateKey(args.Get("key"));
  if (!key.ok()) return Fail(io, command, key.status());
  Statement st;
  if (m.binary_sha256().empty()) {
    st.subjects.push_back(NamedSubject(m.app()));
  } else {
    absl::StatusOr<Subject> binary =
        subject::BinarySubject(m.app(), m.app_version(), m.binary_sha256());
    if (!binary.ok()) return Fail(io, command, binary.status());
    st.subjects.push_back(*std::move(binary));
  }
  st.predicate_type = std::string(kMeasurementType);
  st.predicate_json = std::move(json);
  absl::StatusOr<std::string> entry = SignStatement(st, *key);
  if (!entry.ok()) return Fail(io, command, entry.status());
  if (entry->size() > kMaxEntrySize) {
    return Fail(io, command,
                absl::ResourceExhaustedError(absl::StrCat(
                    "the signed measurement is ", entry->size(),
                    " bytes; the log takes at most ", kMaxEntrySize, " (", m.flows_size(),
                    " flows): split the capture into shorter runs (e.g. by time) and "
                    "measure each")));
  }
  if (absl::Status s = WriteOutput(io, args.Get("out"), *entry + "\n"); !s.ok()) {
    return Fail(io, command, s);
  }
  return kExitOk;
}

// The binary measured: the SHA-256 of --apk, or --binary_sha256 as given
// (ValidateMeasurement checks its form); both must agree.
absl::StatusOr<std::string> MeasuredBinary(const Args& args) {
  if (!args.Has("apk")) return args.Get("binary_sha256");
  absl::StatusOr<std::string> hex = FileSha256Hex(args.Get("apk"));
  if (!hex.ok()) return hex.status();
  if (args.Has("binary_sha256") && args.Get("binary_sha256") != *hex) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--binary_sha256 ", args.Get("binary_sha256"), " is not the SHA-256 of --apk ",
        args.Get("apk"), " (", *hex, "); give one of them"));
  }
  return *hex;
}

int MeasureHar(const Args& args, Io& io) {
  for (const char* required : {"har", "identities", "app", "auditor", "consent",
                               "vantage_country"}) {
    if (absl::StatusOr<std::string> v = args.Required(required); !v.ok()) {
      return Fail(io, "measure har", v.status());
    }
  }
  absl::StatusOr<std::string> identities_text = ReadInput(args.Get("identities"));
  if (!identities_text.ok()) return Fail(io, "measure har", identities_text.status());
  absl::StatusOr<detect::Identities> identities = detect::ParseIdentities(*identities_text);
  if (!identities.ok()) return Fail(io, "measure har", identities.status());
  absl::StatusOr<mpb::ConsentState> consent = ParseConsent(args.Get("consent"));
  if (!consent.ok()) return Fail(io, "measure har", consent.status());
  absl::StatusOr<std::unique_ptr<detect::FileByteSource>> har =
      detect::FileByteSource::Open(args.Get("har"));
  if (!har.ok()) return Fail(io, "measure har", har.status());
  if (args.Has("json") && args.Get("out").empty()) {
    return Fail(io, "measure har",
                absl::InvalidArgumentError(
                    "--json prints the coverage summary on standard output: give "
                    "--out for the measurement"));
  }
  absl::StatusOr<std::string> binary_sha256 = MeasuredBinary(args);
  if (!binary_sha256.ok()) return Fail(io, "measure har", binary_sha256.status());
  detect::MeasureOptions options;
  options.max_measurement_bytes = kMaxEntrySize;
  absl::StatusOr<mpb::Measurement> m =
      detect::MeasureHar(**har, *identities, options);
  if (!m.ok()) return Fail(io, "measure har", m.status());

  m->set_app(args.Get("app"));
  m->set_auditor(args.Get("auditor"));
  m->set_consent(*consent);
  m->set_vantage_country(args.Get("vantage_country"));
  m->set_app_version(args.Get("app_version"));
  m->set_binary_sha256(*binary_sha256);
  m->mutable_device()->set_model(args.Get("device_model"));
  m->mutable_device()->set_os(args.Get("os"));
  m->mutable_device()->set_os_version(args.Get("os_version"));
  m->mutable_harness()->set_name(args.Get("harness", "candor measure har"));
  m->mutable_harness()->set_version(args.Get("harness_version"));
  if (identities->salt_generated) {
    // Without the salt the commitments can never be opened.
    io.err << "candor measure har: generated salt " << identities->SaltHex()
           << "; keep it with the identities file, secretly\n";
  }
  int detections = 0;
  for (const mpb::Flow& f : m->flows()) detections += f.detections_size();
  if (args.Has("json")) {
    io.out << CoverageJson(*m, detections) << "\n";
  } else {
    io.err << "candor measure har: " << CoverageSummary(*m, detections) << "\n";
  }
  return Finish(args, io, "measure har", *m);
}

int MeasureSign(const Args& args, Io& io) {
  absl::StatusOr<std::string> path = args.Required("measurement");
  if (!path.ok()) return Fail(io, "measure sign", path.status());
  if (!args.Has("key")) {
    return Fail(io, "measure sign", absl::InvalidArgumentError("--key is required"));
  }
  absl::StatusOr<std::string> text = ReadInput(*path);
  if (!text.ok()) return Fail(io, "measure sign", text.status());
  mpb::Measurement m;
  if (absl::Status s = ParsePredicate(*text, m); !s.ok()) return Fail(io, "measure sign", s);
  return Finish(args, io, "measure sign", m);
}

int MeasureSubmit(const Args& args, Io& io) {
  if (args.positional().size() != 1) {
    return Fail(io, "measure submit",
                absl::InvalidArgumentError("give one signed measurement"));
  }
  absl::StatusOr<std::string> entry = ReadInput(args.positional()[0]);
  if (!entry.ok()) return Fail(io, "measure submit", entry.status());
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(*entry);
  if (!st.ok()) return Fail(io, "measure submit", st.status());
  if (st->statement.predicate_type != kMeasurementType) {
    return Fail(io, "measure submit",
                absl::InvalidArgumentError("this envelope is not a measurement"));
  }
  if (!args.Has("verifier")) return SubmitAndReport(args, io, "measure submit", *entry);

  // The verifier waits for the log to include the entry and to read it.
  absl::StatusOr<std::unique_ptr<client::VerifierClient>> verifier =
      ConnectVerifier(args, absl::Seconds(90));
  if (!verifier.ok()) return Fail(io, "measure submit", verifier.status());
  absl::StatusOr<verifier::v1::SubmitMeasurementResponse> r =
      (*verifier)->SubmitMeasurement(*entry);
  if (!r.ok()) return Fail(io, "measure submit", r.status());
  proofs::TlogProof receipt;
  receipt.index = r->index();
  receipt.checkpoint = r->checkpoint();
  absl::StatusOr<std::vector<merkle::Hash>> hashes = merkle::HashesFromBytes(
      std::vector<std::string>(r->inclusion_proof().begin(), r->inclusion_proof().end()));
  if (!hashes.ok()) return Fail(io, "measure submit", hashes.status(), kExitVerificationFailed);
  receipt.hashes = *hashes;
  if (args.Has("log_pub")) {
    absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(args.Get("log_pub"));
    if (!key.ok()) return Fail(io, "measure submit", key.status());
    if (absl::StatusOr<note::SignedCheckpoint> ok =
            proofs::VerifyTlogProof(receipt, *key, merkle::HashLeaf(*entry));
        !ok.ok()) {
      return Fail(io, "measure submit",
                  absl::DataLossError(absl::StrCat("the receipt does not verify: ",
                                                   ok.status().message())),
                  kExitVerificationFailed);
    }
  }
  if (args.Has("proof_out")) {
    if (absl::Status s = WriteOutput(io, args.Get("proof_out"),
                                     proofs::FormatTlogProof(receipt));
        !s.ok()) {
      return Fail(io, "measure submit", s);
    }
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(*r, &json, print);
  io.out << json;
  return kExitOk;
}

}  // namespace

std::vector<Command> MeasureCommands() {
  std::vector<Option> submit = SubmitOptions();
  submit.push_back({"verifier", "ADDR",
                    "submit through a candor-verifier: also returns the evaluation"});
  return {
      {"measure har",
       "turn a HAR capture and the planted honey identities into a signed measurement",
       "--har FILE --identities FILE --app APP --auditor NAME --consent C "
       "--vantage_country CC [--apk FILE] [--app_version V] [--key FILE] [--out FILE]",
       {{"har", "FILE", "the capture (HAR 1.2: mitmproxy, browsers, HTTP Toolkit)"},
        {"identities", "FILE", "the honey values planted (see IDENTITIES.md)"},
        {"app", "APP", "android:<package>, ios:<bundle id> or web:https://<host>"},
        {"auditor", "NAME", "your registered auditor name"},
        {"consent", "C", "no_interaction, accepted or declined (tracking)"},
        {"vantage_country", "CC", "ISO 3166-1 alpha-2 code of where you captured"},
        {"app_version", "V", "the app's version"},
        {"apk", "FILE",
         "the APK, AAB or IPA measured: its SHA-256 becomes binary_sha256 and the "
         "signed statement's subject"},
        {"binary_sha256", "HEX", "SHA-256 of the APK/IPA measured (or give --apk)"},
        {"device_model", "M", "the test device"},
        {"os", "OS", "android, ios, ..."},
        {"os_version", "V", "the OS version"},
        {"harness", "NAME", "the capture tool"},
        {"harness_version", "V", "its version"},
        {"key", "FILE", "sign with this auditor key (else print the measurement JSON)"},
        {"out", "FILE", "write here instead of stdout"},
        {"json", "",
         "print the coverage summary (requests, bodies examined and why not) as "
         "JSON on stdout; needs --out"}},
       MeasureHar},
      {"measure sign", "validate and sign a measurement written by other tools",
       "--measurement FILE.json --key FILE [--out FILE]",
       {{"measurement", "FILE", "the measurement (protobuf JSON of Measurement)"},
        {"key", "FILE", "your auditor key"},
        {"out", "FILE", "write here instead of stdout"}},
       MeasureSign},
      {"measure submit",
       "submit a signed measurement to the log, or through a verifier to get its evaluation",
       "(--log ADDR | --verifier ADDR) ENVELOPE [--wait] [--log_pub FILE] [--proof_out FILE]",
       submit, MeasureSubmit},
  };
}

}  // namespace candor::cli
