// Runs every Merkle proof vector in ../shared/testdata/merkle: each happy path
// must verify (and be reproduced by our proof generation over the RFC 6962
// reference leaves); every tampered case must be rejected.

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "log/merkle/vectors.pb.h"
#include "tests/support/testdata.h"

namespace candor::merkle {
namespace {

using testing::ConsistencyVector;
using testing::InclusionVector;

// The leaves the vectors' happy-path trees are built from (RFC 6962 test
// data, as used by transparency-dev/merkle).
const char* const kReferenceLeavesHex[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

InMemoryTree ReferenceTree(uint64_t size) {
  InMemoryTree tree;
  for (uint64_t i = 0; i < size; ++i) {
    tree.Append(HashLeaf(absl::HexStringToBytes(kReferenceLeavesHex[i])));
  }
  return tree;
}

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && absl::EndsWith(e.path().string(), ".json")) {
      files.push_back(e.path().string());
    }
  }
  return files;
}

template <typename Message>
Message ParseVector(const std::string& path) {
  Message m;
  auto text = candor::testing::ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  auto status = google::protobuf::util::JsonStringToMessage(*text, &m);
  EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  return m;
}

std::vector<std::string> Proof(const google::protobuf::RepeatedPtrField<std::string>& p) {
  return std::vector<std::string>(p.begin(), p.end());
}

absl::Status VerifyInclusionVector(const InclusionVector& v) {
  absl::StatusOr<std::vector<Hash>> proof = HashesFromBytes(Proof(v.proof()));
  if (!proof.ok()) return proof.status();
  return VerifyInclusion(v.leaf_idx(), v.tree_size(), v.leaf_hash(), *proof,
                         v.root());
}

absl::Status VerifyConsistencyVector(const ConsistencyVector& v) {
  absl::StatusOr<std::vector<Hash>> proof = HashesFromBytes(Proof(v.proof()));
  if (!proof.ok()) return proof.status();
  return VerifyConsistency(v.size1(), v.size2(), *proof, v.root1(), v.root2());
}

TEST(MerkleVectors, Inclusion) {
  std::vector<std::string> files =
      JsonFiles(candor::testing::SharedTestDataPath("merkle/inclusion"));
  ASSERT_GE(files.size(), 80u) << "inclusion vectors missing";
  int happy = 0;
  for (const std::string& path : files) {
    InclusionVector v = ParseVector<InclusionVector>(path);
    absl::Status status = VerifyInclusionVector(v);
    if (v.want_err()) {
      EXPECT_FALSE(status.ok()) << path << " (" << v.desc() << ") verified";
      continue;
    }
    EXPECT_TRUE(status.ok()) << path << ": " << status;
    if (absl::EndsWith(path, "happy-path.json")) {
      ++happy;
      InMemoryTree tree = ReferenceTree(v.tree_size());
      EXPECT_EQ(AsBytes(tree.Root()), v.root()) << path;
      auto proof = InclusionProof(v.leaf_idx(), v.tree_size(), tree);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(proof->size(), static_cast<size_t>(v.proof_size())) << path;
      for (size_t i = 0; i < proof->size(); ++i) {
        EXPECT_EQ(AsBytes((*proof)[i]), v.proof(i)) << path << " hash " << i;
      }
    }
  }
  EXPECT_GE(happy, 5);
}

TEST(MerkleVectors, Consistency) {
  std::vector<std::string> files =
      JsonFiles(candor::testing::SharedTestDataPath("merkle/consistency"));
  ASSERT_GE(files.size(), 80u) << "consistency vectors missing";
  int happy = 0;
  for (const std::string& path : files) {
    ConsistencyVector v = ParseVector<ConsistencyVector>(path);
    absl::Status status = VerifyConsistencyVector(v);
    if (v.want_err()) {
      EXPECT_FALSE(status.ok()) << path << " (" << v.desc() << ") verified";
      continue;
    }
    EXPECT_TRUE(status.ok()) << path << ": " << status;
    if (absl::EndsWith(path, "happy-path.json")) {
      ++happy;
      InMemoryTree tree = ReferenceTree(v.size2());
      auto proof = ConsistencyProof(v.size1(), v.size2(), tree);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(proof->size(), static_cast<size_t>(v.proof_size())) << path;
      for (size_t i = 0; i < proof->size(); ++i) {
        EXPECT_EQ(AsBytes((*proof)[i]), v.proof(i)) << path << " hash " << i;
      }
    }
  }
  EXPECT_GE(happy, 5);
}

TEST(MerkleVectors, EightLeafRoot) {
  EXPECT_EQ(absl::BytesToHexString(AsBytes(ReferenceTree(8).Root())),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

}  // namespace
}  // namespace candor::merkle
