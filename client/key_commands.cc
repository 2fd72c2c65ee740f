// Commands for identities and statements: keygen, sign, register, version.

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli.h"
#include "client/common.h"
#include "client/log_commands.h"
#include "google/protobuf/util/json_util.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"

namespace candor::cli {
namespace {

constexpr char kVersion[] = "candor 0.1.0";

int Keygen(const Args& args, Io& io) {
  absl::StatusOr<std::string> name = args.Required("name");
  absl::StatusOr<std::string> dir = args.Required("out");
  if (!name.ok()) return Fail(io, "keygen", name.status());
  if (!dir.ok()) return Fail(io, "keygen", dir.status());
  absl::StatusOr<KeyType> type = ParseKeyType(args.Get("type", "ed25519"));
  if (!type.ok()) return Fail(io, "keygen", type.status());

  std::string secret, pub;
  if (*type == KeyType::kEd25519) {
    absl::StatusOr<note::Signer> signer = note::Signer::Generate(*name);
    if (!signer.ok()) return Fail(io, "keygen", signer.status());
    secret = signer->EncodedKey() + "\n";
    pub = signer->verifier().EncodedKey() + "\n";
  } else {
    if (!note::IsValidKeyName(*name)) {
      return Fail(io, "keygen", absl::InvalidArgumentError(absl::StrCat(
                                    "invalid key name \"", *name, "\"")));
    }
    absl::StatusOr<PrivateKey> key = PrivateKey::Generate(*type);
    if (!key.ok()) return Fail(io, "keygen", key.status());
    secret = key->Pkcs8Pem();
    pub = key->public_key().Pem();
  }
  const std::string key_path = absl::StrCat(*dir, "/", *name, ".key");
  const std::string pub_path = absl::StrCat(*dir, "/", *name, ".pub");
  // Names such as "example.com/log" put the files in a subdirectory.
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(key_path).parent_path(), ec);
  if (ec) {
    return Fail(io, "keygen", absl::UnavailableError(absl::StrCat(
                                  "cannot create ", *dir, ": ", ec.message())));
  }
  if (absl::Status s = keyfile::WriteSecretFile(key_path, secret); !s.ok()) {
    return Fail(io, "keygen", s);
  }
  if (absl::Status s = keyfile::WritePublicFile(pub_path, pub); !s.ok()) {
    return Fail(io, "keygen", s);
  }
  io.out << "wrote " << key_path << " (secret, mode 0600) and " << pub_path
         << "\n";
  return kExitOk;
}

absl::StatusOr<std::string> SignFromArgs(const Args& args) {
  absl::StatusOr<std::string> key_path = args.Required("key");
  absl::StatusOr<std::string> type = args.Required("predicate_type");
  absl::StatusOr<std::string> subject = args.Required("subject");
  absl::StatusOr<std::string> predicate_path = args.Required("predicate");
  for (const auto* s : {&key_path, &type, &subject, &predicate_path}) {
    if (!s->ok()) return s->status();
  }
  absl::StatusOr<PrivateKey> key = keyfile::ReadPrivateKey(*key_path);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> predicate = ReadInput(*predicate_path);
  if (!predicate.ok()) return predicate.status();
  std::string text(absl::StripAsciiWhitespace(*predicate));
  absl::StatusOr<json::Value> parsed = json::Parse(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(*predicate_path, ": ", parsed.status().message()));
  }
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(*predicate_path, ": a predicate must be a JSON object"));
  }
  Statement st;
  st.subjects.push_back(NamedSubject(*subject));
  st.predicate_type = *type;
  st.predicate_json = std::move(text);
  absl::StatusOr<std::string> entry = SignStatement(st, *key);
  if (!entry.ok()) return entry.status();
  if (entry->size() > kMaxEntrySize) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the signed envelope is ", entry->size(), " bytes; the log takes at most ",
        kMaxEntrySize));
  }
  return entry;
}

int Sign(const Args& args, Io& io) {
  absl::StatusOr<std::string> entry = SignFromArgs(args);
  if (!entry.ok()) return Fail(io, "sign", entry.status());
  if (absl::Status s = WriteOutput(io, args.Get("out"), *entry + "\n"); !s.ok()) {
    return Fail(io, "sign", s);
  }
  return kExitOk;
}

int Register(const Args& args, Io& io) {
  absl::StatusOr<std::string> admin_path = args.Required("admin_key");
  absl::StatusOr<std::string> name = args.Required("name");
  absl::StatusOr<std::string> role_name = args.Required("role");
  for (const auto* s : {&admin_path, &name, &role_name}) {
    if (!s->ok()) return Fail(io, "register", s->status());
  }
  registry::Registration r;
  r.set_name(*name);
  if (*role_name == "vendor") {
    r.set_role(registry::v1::VENDOR);
  } else if (*role_name == "auditor") {
    r.set_role(registry::v1::AUDITOR);
  } else if (*role_name == "verifier") {
    r.set_role(registry::v1::VERIFIER);
  } else if (*role_name == "recorder") {
    r.set_role(registry::v1::RECORDER);
  } else {
    return Fail(io, "register", absl::InvalidArgumentError(absl::StrCat(
                                    "--role must be vendor, auditor, verifier or recorder, got \"",
                                    *role_name, "\"")));
  }
  r.set_revoked(args.Has("revoke"));
  r.set_display_name(args.Get("display_name"));
  for (const std::string& path : args.GetAll("pub")) {
    absl::StatusOr<PublicKey> key = keyfile::ReadPublicKey(path);
    if (!key.ok()) return Fail(io, "register", key.status());
    r.add_public_keys(key->Pem());
  }
  for (const std::string& app : args.GetAll("app")) r.mutable_scope()->add_apps(app);
  for (const std::string& org : args.GetAll("org")) {
    r.mutable_scope()->add_organisations(org);
  }
  for (const std::string& d : args.GetAll("domain")) r.mutable_scope()->add_domains(d);
  // Catch mistakes here, before anything is signed.
  if (absl::Status s = registry::ValidateRegistration(r); !s.ok()) {
    return Fail(io, "register", s);
  }

  // The admin key signs here, on the operator's machine; only the signed
  // statement travels.
  absl::StatusOr<PrivateKey> admin = keyfile::ReadPrivateKey(*admin_path);
  if (!admin.ok()) return Fail(io, "register", admin.status());
  // Issued now: the log admits it only within its time window.
  absl::StatusOr<std::string> entry = registry::SignRegistration(r, absl::Now(), *admin);
  if (!entry.ok()) return Fail(io, "register", entry.status());

  bool wait = args.Has("wait");
  auto log = ConnectLog(args, wait ? absl::Seconds(60) : absl::Seconds(10));
  if (!log.ok()) return Fail(io, "register", log.status());
  absl::StatusOr<log::v1::AddEntryResponse> added = (*log)->AddEntry(*entry, wait);
  if (!added.ok()) return Fail(io, "register", added.status());
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(*added, &out, options);
  io.out << out;
  return kExitOk;
}

int Version(const Args&, Io& io) {
  io.out << kVersion << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> KeyCommands() {
  return {
      {"keygen", "create a key pair: NAME.key (secret, 0600) and NAME.pub",
       "--name NAME --out DIR [--type ed25519|ecdsa-p256]",
       {{"name", "NAME", "the key's name (for note keys, the signer name)"},
        {"out", "DIR", "directory to write the two files to"},
        {"type", "TYPE", "ed25519 (default; note key form) or ecdsa-p256 (PEM)"}},
       Keygen},
      {"sign", "sign a predicate as an in-toto statement in a DSSE envelope",
       "--key FILE --predicate_type URI --subject NAME --predicate FILE.json "
       "[--out FILE]",
       {{"key", "FILE", "the signer's private key"},
        {"predicate_type", "URI", "e.g. https://candor.dev/claim/v1"},
        {"subject", "NAME", "what the statement is about, e.g. android:com.example"},
        {"predicate", "FILE", "the predicate, a JSON object"},
        {"out", "FILE", "write the envelope here instead of stdout"}},
       Sign},
      {"register", "register or update a principal (signed with the admin key)",
       "--log ADDR --admin_key FILE --role ROLE --name NAME --pub FILE... "
       "[--app APP]... [--org ORG]... [--domain DOMAIN]... [--revoke] [--wait]",
       LogOptions({{"admin_key", "FILE", "the operator's admin private key"},
                   {"role", "ROLE", "vendor, auditor, verifier or recorder"},
                   {"name", "NAME", "the principal's name"},
                   {"display_name", "TEXT", "a human-readable name"},
                   {"pub", "FILE", "a public key of the principal", true},
                   {"app", "APP", "vendors: an app they speak for", true},
                   {"org", "ORG", "vendors: a first-party organisation", true},
                   {"domain", "DOMAIN", "vendors: a first-party domain", true},
                   {"revoke", "", "retire the principal and all its keys"},
                   {"wait", "", "wait until the registration is in a checkpoint"}}),
       Register},
      {"version", "print the version", "", {}, Version},
  };
}

}  // namespace candor::cli
