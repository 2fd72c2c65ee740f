#include "log/index/index_keys.h"

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace candor::index {

std::vector<std::string> IndexKeysOf(const Statement& statement) {
  std::vector<std::string> keys;
  for (const Subject& subject : statement.subjects) {
    auto app = subject.annotations.find("app");
    if (app != subject.annotations.end()) {
      keys.push_back(app->second);
      auto digest = subject.digest.find("sha256");
      if (digest != subject.digest.end()) {
        keys.push_back(absl::StrCat(kBinaryKeyPrefix, digest->second));
      }
    } else {
      keys.push_back(subject.name);
    }
  }
  const std::string signer = NamedSignerOf(statement);
  if (!signer.empty()) keys.push_back(SignerKey(signer));
  keys.erase(std::remove(keys.begin(), keys.end(), kNewKeysKey), keys.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string SignerKey(absl::string_view principal) {
  return absl::StrCat(kSignerKeyPrefix, principal);
}

std::vector<std::string> IndexKeysOfEntry(absl::string_view entry) {
  absl::StatusOr<SignedStatement> parsed = ParseSignedStatement(entry);
  if (!parsed.ok()) return {};
  return IndexKeysOf(parsed->statement);
}

}  // namespace candor::index
