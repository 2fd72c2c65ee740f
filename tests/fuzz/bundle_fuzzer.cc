// Fuzzes inconsistency-proof bundles all the way through `candor verify
// finding`'s checks, against the log key of the demo bundle in the corpus,
// so mutations of a real proof reach every check.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/note/note.h"
#include "verifier/bundle/bundle.h"
#include "verifier/reference/psl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* log_key = new candor::note::Verifier(*candor::note::Verifier::FromKey(
      "demo.candor.example/log+1a7f9ef4+AVY7FT783ybDoX4R8UEIPIPh6zeAJraU+3zHAaBeZElz"));
  static const auto* psl =
      new candor::reference::PublicSuffixList(*candor::reference::PublicSuffixList::Load());
  std::string json(reinterpret_cast<const char*>(data), size);
  auto bundle = candor::bundle::BundleFromJson(json);
  if (!bundle.ok()) return 0;
  (void)candor::bundle::CheckBundle(*bundle, *log_key, std::nullopt, *psl);
  return 0;
}
