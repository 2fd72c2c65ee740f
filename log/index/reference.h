// A from-scratch computation of the verifiable index, written straight from
// the definitions in map_tree.h and index_keys.h with nothing stored: what a
// monitor does to check the index root the log signed. For tests; O(n) in
// the log and O(keys) in memory.

#ifndef CANDOR_LOG_INDEX_REFERENCE_H_
#define CANDOR_LOG_INDEX_REFERENCE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "log/index/map_tree.h"

namespace candor::index {

// The root of the map holding exactly `values` (key hash -> value).
Hash ReferenceMapRoot(const std::map<Hash, Value>& values);

// Key -> its log indices, for the entries [0, entries.size()) of a log.
std::map<std::string, std::vector<uint64_t>> ReferenceIndex(
    absl::Span<const std::string> entries);

// The index root of a log holding `entries`.
Hash ReferenceIndexRoot(absl::Span<const std::string> entries);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_REFERENCE_H_
