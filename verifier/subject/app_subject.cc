#include "verifier/subject/app_subject.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "log/json/json.h"
#include "log/registry/registry.h"

namespace candor::subject {
namespace {

std::string Quote(absl::string_view s) { return json::Quote(s); }

const std::string* Annotation(const Subject& s, absl::string_view key) {
  auto it = s.annotations.find(std::string(key));
  return it == s.annotations.end() ? nullptr : &it->second;
}

std::string NameFor(absl::string_view app_id, absl::string_view version) {
  return absl::StrCat(app_id, "@", version.empty() ? kUnstatedVersion : version);
}

}  // namespace

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::StatusOr<std::string> PackageName(absl::string_view app_id) {
  if (absl::Status s = registry::ValidateAppId(app_id); !s.ok()) return s;
  for (absl::string_view prefix : {"android:", "ios:"}) {
    if (absl::StartsWith(app_id, prefix)) {
      return std::string(absl::StripPrefix(app_id, prefix));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      Quote(app_id), " has no binary: only android: and ios: apps have an "
      "APK, AAB or IPA to name by digest"));
}

absl::StatusOr<Subject> BinarySubject(absl::string_view app_id,
                                      absl::string_view version,
                                      absl::string_view sha256_hex) {
  absl::StatusOr<std::string> package = PackageName(app_id);
  if (!package.ok()) return package.status();
  if (!IsSha256Hex(sha256_hex)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "binary digest ", Quote(sha256_hex),
        " must be 64 lower-case hex digits (SHA-256)"));
  }
  Subject s;
  s.name = NameFor(app_id, version);
  s.digest["sha256"] = std::string(sha256_hex);
  s.annotations[std::string(kAppAnnotation)] = std::string(app_id);
  s.annotations[std::string(kPackageAnnotation)] = *std::move(package);
  if (!version.empty()) {
    s.annotations[std::string(kVersionAnnotation)] = std::string(version);
  }
  return s;
}

bool IsBinarySubject(const Subject& s) {
  return !s.annotations.empty() || absl::StrContains(s.name, '@');
}

absl::StatusOr<Binary> ReadBinarySubject(const Subject& s) {
  auto invalid = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("binary subject ", Quote(s.name), " ", problem));
  };
  Binary b;
  auto digest = s.digest.find("sha256");
  if (digest == s.digest.end() || !IsSha256Hex(digest->second)) {
    return invalid("must have a sha256 digest of 64 hex digits: the "
                   "SHA-256 of the APK, AAB or IPA");
  }
  b.sha256 = digest->second;
  const std::string* app = Annotation(s, kAppAnnotation);
  if (app == nullptr) {
    return invalid(absl::StrCat("has no ", Quote(kAppAnnotation),
                                " annotation naming the app id"));
  }
  absl::StatusOr<std::string> package = PackageName(*app);
  if (!package.ok()) {
    return invalid(absl::StrCat("annotation ", Quote(kAppAnnotation), ": ",
                                package.status().message()));
  }
  b.app = *app;
  if (const std::string* p = Annotation(s, kPackageAnnotation);
      p != nullptr && *p != *package) {
    return invalid(absl::StrCat("annotation ", Quote(kPackageAnnotation), " ",
                                Quote(*p), " is not the package of ",
                                Quote(b.app), " (", Quote(*package), ")"));
  }
  if (const std::string* v = Annotation(s, kVersionAnnotation); v != nullptr) {
    if (v->empty()) {
      return invalid(absl::StrCat("annotation ", Quote(kVersionAnnotation),
                                  " is empty; leave it out when the version "
                                  "is not stated"));
    }
    b.version = *v;
  }
  const std::string want = NameFor(b.app, b.version);
  if (s.name != want) {
    return invalid(absl::StrCat("must be named ", Quote(want),
                                " (\"<app>@<version>\", or \"<app>@*\" "
                                "without a version annotation)"));
  }
  return b;
}

absl::StatusOr<std::string> CheckSubjects(absl::Span<const Subject> subjects,
                                          const About& about) {
  const std::string prefix = absl::StrCat("a ", about.kind, " statement");
  if (subjects.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, " must have exactly one subject, has ", subjects.size()));
  }
  const Subject& s = subjects[0];
  if (about.binary_sha256.empty()) {
    if (IsBinarySubject(s)) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, "'s subject ", Quote(s.name),
          " is a binary (it has annotations or an '@' in its name) but the ",
          about.kind, " names no ", about.binary_field,
          ": set it to the binary's digest, or make the subject the app, ",
          Quote(about.app_id)));
    }
    if (s.name != about.app_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, "'s subject must be named ", Quote(about.app_id),
          " after its app, not ", Quote(s.name)));
    }
    return std::string();
  }
  if (!IsBinarySubject(s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, " about the build ", about.binary_field, " ",
        about.binary_sha256, " must have that binary as its subject (",
        Quote(NameFor(about.app_id, "<version or *>")),
        " with that sha256 digest), not the app subject ", Quote(s.name)));
  }
  absl::StatusOr<Binary> b = ReadBinarySubject(s);
  if (!b.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, ": ", b.status().message()));
  }
  if (b->app != about.app_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "'s subject is a binary of ", Quote(b->app), ", not of the ",
        about.kind, "'s app ", Quote(about.app_id)));
  }
  if (b->sha256 != about.binary_sha256) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "'s subject has digest sha256 ", b->sha256, " but ",
        about.binary_field, " is ", about.binary_sha256));
  }
  return b->version;
}

}  // namespace candor::subject
