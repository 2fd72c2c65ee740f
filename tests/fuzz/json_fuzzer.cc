// Fuzzes the strict JSON reader, whole-buffer and streaming.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/json/json.h"

namespace {

class ChunkedSource : public candor::json::ByteSource {
 public:
  explicit ChunkedSource(const std::string& data) : data_(data) {}
  absl::Status Read(size_t max, std::string& out) override {
    size_t n = std::min({max, size_t{7}, data_.size() - pos_});
    out.append(data_, pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  const std::string& data_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  candor::json::Limits limits;
  limits.max_depth = 32;
  limits.max_token_bytes = 4096;
  auto whole = candor::json::Parse(text, limits);
  ChunkedSource source(text);
  candor::json::Reader reader(&source, limits);
  bool ok = true;
  while (true) {
    auto t = reader.Next();
    if (!t.ok()) {
      ok = false;
      break;
    }
    if (*t == candor::json::Token::kEnd) break;
  }
  // Both ways of reading must agree on whether the document is valid.
  if (ok != whole.ok()) __builtin_trap();
  return 0;
}
