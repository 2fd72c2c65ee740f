// Fuzzes what a witness reads from the network and from its configuration:
// add-checkpoint request bodies (witness/witness.h, with a real store),
// C2SP tlog-policy files, cosigner key text and cosigned notes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "witness/witness.h"
#include "witness/witness_store.h"

namespace {

// The log key of the note fuzzer's seeds, so that signed seeds reach the
// consistency checks; and a fixed witness key.
const candor::note::Signer& LogSigner() {
  static const auto* signer = new candor::note::Signer(*candor::note::Signer::FromKey(
      "PRIVATE+KEY+example.com/candor-test-log+efc14479+"
      "AXZz3UIqI8h3cq3qZ2y0JibZzn2uJP3koaViqsOCUCJN"));
  return *signer;
}

const candor::note::Signer& WitnessSigner() {
  static const auto* signer = new candor::note::Signer(*candor::note::Signer::FromCosignerKey(
      "PRIVATE+KEY+witness.example/w1+e75f6532+"
      "BAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"));
  return *signer;
}

candor::witness::Witness& TheWitness() {
  static candor::witness::Witness* witness = [] {
    const std::string dir =
        (std::filesystem::temp_directory_path() / absl::StrCat("witness-fuzz-", getpid()))
            .string();
    std::filesystem::remove_all(dir);
    static auto store = candor::witness::WitnessStore::Open(dir);
    if (!store.ok()) __builtin_trap();
    const candor::note::Verifier log = LogSigner().verifier();
    candor::witness::WitnessOptions options;
    options.clock = [] { return absl::FromUnixSeconds(1800000000); };
    auto w = candor::witness::Witness::Create(WitnessSigner(), {&log, 1}, store->get(), options);
    if (!w.ok()) __builtin_trap();
    return w->release();
  }();
  return *witness;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  candor::witness::WitnessResponse response = TheWitness().AddCheckpoint(text);
  if (response.status == 200) {
    // A cosignature must verify over the checkpoint it was given for: the
    // request's checkpoint is what follows its first blank line.
    const size_t blank = text.find("\n\n");
    if (blank == std::string::npos) __builtin_trap();
    auto cosigned =
        candor::note::AddSignatureLines(text.substr(blank + 2), response.body);
    if (!cosigned.ok() ||
        !candor::note::Open(*cosigned, {WitnessSigner().verifier()}).ok()) {
      __builtin_trap();
    }
  }
  (void)candor::note::Policy::Parse(text);
  (void)candor::note::Verifier::FromCosignerKey(text);
  (void)candor::note::Signer::FromCosignerKey(text);
  auto note = candor::note::Open(text, {LogSigner().verifier(), WitnessSigner().verifier()});
  if (note.ok()) {
    for (const candor::note::Signature& sig : note->verified) {
      if (sig.name == "witness.example/w1" && sig.timestamp > candor::note::kMaxCosignatureTime) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
