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

}  // namespace candor::storage
