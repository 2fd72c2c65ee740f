// Fuzzes tlog-proof files, entry bundles and tiles.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/merkle/hash.h"
#include "log/note/note.h"
#include "log/proofs/tlog_proof.h"
#include "log/tiles/tiles.h"

namespace {

// Serves the input as every tile, and its first half as every middle row.
class InputTiles : public candor::tiles::TileSource {
 public:
  explicit InputTiles(const std::string& data) : data_(data) {}
  absl::StatusOr<std::string> ReadTile(const candor::tiles::TileId&) override {
    return data_;
  }
  absl::StatusOr<std::string> ReadMidRow(const candor::tiles::TileId&) override {
    return data_.substr(0, data_.size() / 2);
  }

 private:
  const std::string& data_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  static const auto* verifier = new candor::note::Verifier(*candor::note::Verifier::FromKey(
      "example.com/candor-test-log+efc14479+AbtqyukKNd9nFID9e/B+/IzrpvFDRfnm7MUCjOftwPqv"));
  auto proof = candor::proofs::ParseTlogProof(text);
  if (proof.ok()) {
    (void)candor::proofs::VerifyTlogProof(*proof, *verifier,
                                          candor::merkle::HashLeaf("entry"));
    auto again = candor::proofs::ParseTlogProof(candor::proofs::FormatTlogProof(*proof));
    if (!again.ok() || again->hashes != proof->hashes) __builtin_trap();
  }
  auto bundle = candor::tiles::ParseEntryBundle(text);
  if (bundle.ok() && !bundle->empty()) {
    auto encoded = candor::tiles::EncodeEntryBundle(*bundle);
    if (!encoded.ok() || *encoded != text) __builtin_trap();
  }
  InputTiles tiles(text);
  candor::tiles::TileNodeReader reader(tiles);
  candor::merkle::NodeId ids[] = {{0, 3}, {5, 1}, {7, 0}, {8, 0}};
  candor::merkle::Hash out[4];
  (void)reader.ReadNodes(ids, absl::MakeSpan(out));
  return 0;
}
