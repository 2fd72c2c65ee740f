// Fuzzes signed notes, checkpoints and note key text forms.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/note/checkpoint.h"
#include "log/note/note.h"

namespace {

const candor::note::Signer& TestSigner() {
  // A fixed key, so that seeds signed with it reach the signature checks.
  static const auto* signer = new candor::note::Signer(*candor::note::Signer::FromKey(
      "PRIVATE+KEY+example.com/candor-test-log+efc14479+"
      "AXZz3UIqI8h3cq3qZ2y0JibZzn2uJP3koaViqsOCUCJN"));
  return *signer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const candor::note::Verifier verifier = TestSigner().verifier();
  auto note = candor::note::Open(text, {verifier});
  auto cp = candor::note::OpenCheckpoint(text, verifier);
  if (cp.ok() && !note.ok()) __builtin_trap();
  (void)candor::note::ParseCheckpoint(text);
  (void)candor::note::Verifier::FromKey(text);
  (void)candor::note::Signer::FromKey(text);
  if (note.ok()) {
    // Re-signing what opened must open again.
    auto resigned = candor::note::Sign(note->text, {TestSigner()});
    if (!resigned.ok() || !candor::note::Open(*resigned, {verifier}).ok()) {
      __builtin_trap();
    }
  }
  return 0;
}
