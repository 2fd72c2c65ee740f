// A deliberately naive RFC 6962 Merkle tree, written straight from the RFC's
// recursive definitions, to cross-check the real implementation in tests.
// O(n) work per root or proof: for tests only.

#ifndef CANDOR_LOG_MERKLE_REFERENCE_H_
#define CANDOR_LOG_MERKLE_REFERENCE_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "log/merkle/hash.h"

namespace candor::merkle::reference {

// MTH(D[n]) over leaf hashes.
Hash Root(absl::Span<const Hash> leaves);
// PATH(m, D[n]).
std::vector<Hash> InclusionProof(uint64_t m, absl::Span<const Hash> leaves);
// PROOF(m, D[n]), 0 < m <= n.
std::vector<Hash> ConsistencyProof(uint64_t m, absl::Span<const Hash> leaves);

}  // namespace candor::merkle::reference

#endif  // CANDOR_LOG_MERKLE_REFERENCE_H_
