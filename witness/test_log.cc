#include "witness/test_log.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/merkle/reference.h"
#include "log/note/checkpoint.h"

namespace candor::witness::testing {
namespace {

note::Signer MustGenerate(const std::string& origin) {
  absl::StatusOr<note::Signer> s = note::Signer::Generate(origin);
  if (!s.ok()) {
    std::cerr << "TestLog: " << s.status() << "\n";
    std::abort();
  }
  return *std::move(s);
}

}  // namespace

TestLog::TestLog(const std::string& origin) : signer_(MustGenerate(origin)) {}

void TestLog::GrowTo(uint64_t size, const std::string& tag) {
  while (leaves_.size() < size) {
    leaves_.push_back(merkle::HashLeaf(absl::StrCat(tag, " ", leaves_.size())));
  }
}

merkle::Hash TestLog::Root(uint64_t size) const {
  return merkle::reference::Root(absl::MakeConstSpan(leaves_).subspan(0, size));
}

std::string TestLog::CheckpointText(uint64_t size) const {
  note::Checkpoint cp;
  cp.origin = origin();
  cp.size = size;
  cp.root = Root(size);
  return note::FormatCheckpoint(cp);
}

std::string TestLog::SignedCheckpoint(uint64_t size) const {
  absl::StatusOr<std::string> signed_note =
      note::Sign(CheckpointText(size), {signer_});
  if (!signed_note.ok()) {
    std::cerr << "TestLog: " << signed_note.status() << "\n";
    std::abort();
  }
  return *signed_note;
}

std::vector<merkle::Hash> TestLog::Proof(uint64_t old_size, uint64_t size) const {
  if (old_size == 0 || old_size == size) return {};
  return merkle::reference::ConsistencyProof(
      old_size, absl::MakeConstSpan(leaves_).subspan(0, size));
}

std::string TestLog::Body(uint64_t old_size, uint64_t size) const {
  return MakeBody(old_size, Proof(old_size, size), SignedCheckpoint(size));
}

std::string MakeBody(uint64_t old_size, const std::vector<merkle::Hash>& proof,
                     const std::string& signed_checkpoint) {
  std::string body = absl::StrCat("old ", old_size, "\n");
  for (const merkle::Hash& h : proof) {
    absl::StrAppend(&body, Base64Encode(DigestBytes(h)), "\n");
  }
  absl::StrAppend(&body, "\n", signed_checkpoint);
  return body;
}

}  // namespace candor::witness::testing
