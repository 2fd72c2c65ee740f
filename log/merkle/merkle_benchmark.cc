// Google Benchmark figures for the Merkle core: leaf hashing, appending with
// the compact range, and proof generation and verification in a tree of one
// million leaves.
//
//   bazel run -c opt //log/merkle:merkle_benchmark

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "log/merkle/compact_range.h"
#include "log/merkle/hash.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"

namespace candor::merkle {
namespace {

constexpr uint64_t kTreeSize = 1'000'000;

const InMemoryTree& MillionLeafTree() {
  static const InMemoryTree* tree = [] {
    auto* t = new InMemoryTree;
    for (uint64_t i = 0; i < kTreeSize; ++i) {
      t->Append(HashLeaf(std::to_string(i)));
    }
    return t;
  }();
  return *tree;
}

void BM_HashLeaf(benchmark::State& state) {
  std::string entry(state.range(0), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(HashLeaf(entry));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HashLeaf)->Arg(32)->Arg(1024)->Arg(16384);

void BM_HashChildren(benchmark::State& state) {
  Hash a = HashLeaf("a"), b = HashLeaf("b");
  for (auto _ : state) benchmark::DoNotOptimize(a = HashChildren(a, b));
}
BENCHMARK(BM_HashChildren);

void BM_CompactRangeAppend(benchmark::State& state) {
  CompactRange range;
  Hash leaf = HashLeaf("leaf");
  uint64_t nodes = 0;
  for (auto _ : state) {
    range.Append(leaf, [&](NodeId, const Hash&) { ++nodes; });
  }
  benchmark::DoNotOptimize(range.Root());
  state.counters["nodes/append"] =
      static_cast<double>(nodes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CompactRangeAppend);

void BM_InclusionProof(benchmark::State& state) {
  InMemoryTree& tree = const_cast<InMemoryTree&>(MillionLeafTree());
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto proof = InclusionProof(rng() % kTreeSize, kTreeSize, tree);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProof);

void BM_ConsistencyProof(benchmark::State& state) {
  InMemoryTree& tree = const_cast<InMemoryTree&>(MillionLeafTree());
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    auto proof = ConsistencyProof(1 + rng() % (kTreeSize - 1), kTreeSize, tree);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_ConsistencyProof);

void BM_VerifyInclusion(benchmark::State& state) {
  InMemoryTree& tree = const_cast<InMemoryTree&>(MillionLeafTree());
  const uint64_t index = 123457;
  std::vector<Hash> proof = *InclusionProof(index, kTreeSize, tree);
  Hash leaf = HashLeaf(std::to_string(index));
  Hash root = tree.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        VerifyInclusion(index, kTreeSize, AsBytes(leaf), proof, AsBytes(root)));
  }
}
BENCHMARK(BM_VerifyInclusion);

void BM_VerifyConsistency(benchmark::State& state) {
  InMemoryTree& tree = const_cast<InMemoryTree&>(MillionLeafTree());
  const uint64_t size1 = 654321;
  std::vector<Hash> proof = *ConsistencyProof(size1, kTreeSize, tree);
  Hash root1 = *RootFromNodes(size1, tree);
  Hash root2 = tree.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyConsistency(size1, kTreeSize, proof,
                                               AsBytes(root1), AsBytes(root2)));
  }
}
BENCHMARK(BM_VerifyConsistency);

}  // namespace
}  // namespace candor::merkle
