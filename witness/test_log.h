// A test log for witness tests: an in-memory Merkle tree whose checkpoints
// it signs with a fresh note key, and add-checkpoint request bodies built
// from them with real consistency proofs. Not thread-safe. Tests only.

#ifndef CANDOR_WITNESS_TEST_LOG_H_
#define CANDOR_WITNESS_TEST_LOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "log/merkle/hash.h"
#include "log/note/note.h"

namespace candor::witness::testing {

class TestLog {
 public:
  // A log named `origin` with a fresh key; aborts the test binary if key
  // generation fails.
  explicit TestLog(const std::string& origin);
  // A log with this key (e.g. a second, forked tree of the same log).
  explicit TestLog(note::Signer signer) : signer_(std::move(signer)) {}

  const note::Signer& signer() const { return signer_; }
  note::Verifier verifier() const { return signer_.verifier(); }
  const std::string& origin() const { return signer_.name(); }

  // Appends leaves "<tag> <i>" until the tree has `size` leaves.
  void GrowTo(uint64_t size, const std::string& tag = "leaf");
  uint64_t size() const { return leaves_.size(); }
  // The root of the first `size` leaves.
  merkle::Hash Root(uint64_t size) const;
  // The checkpoint note text (unsigned) and the note signed by this log.
  std::string CheckpointText(uint64_t size) const;
  std::string SignedCheckpoint(uint64_t size) const;
  // The RFC 6962 consistency proof from old_size to size (empty if old_size
  // is 0 or equal to size).
  std::vector<merkle::Hash> Proof(uint64_t old_size, uint64_t size) const;
  // "old <old_size>\n" + proof lines + "\n" + the signed checkpoint.
  std::string Body(uint64_t old_size, uint64_t size) const;

 private:
  note::Signer signer_;
  std::vector<merkle::Hash> leaves_;
};

// An add-checkpoint body from its parts.
std::string MakeBody(uint64_t old_size, const std::vector<merkle::Hash>& proof,
                     const std::string& signed_checkpoint);

}  // namespace candor::witness::testing

#endif  // CANDOR_WITNESS_TEST_LOG_H_
