#include "log/storage/record_store.h"

namespace candor::storage {

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string limit(prefix);
  while (!limit.empty()) {
    unsigned char last = static_cast<unsigned char>(limit.back());
    if (last != 0xff) {
      limit.back() = static_cast<char>(last + 1);
      return limit;
    }
    limit.pop_back();
  }
  return limit;
}

absl::Status RecordStore::ScanPrefixes(
    Family family, absl::Span<const std::string> prefixes,
    absl::FunctionRef<void(size_t, absl::string_view, absl::string_view)> visit) {
  for (size_t i = 0; i < prefixes.size(); ++i) {
    absl::Status s = Scan(family, prefixes[i], PrefixSuccessor(prefixes[i]),
                          [&](absl::string_view key, absl::string_view value) {
                            visit(i, key, value);
                            return true;
                          });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace candor::storage
