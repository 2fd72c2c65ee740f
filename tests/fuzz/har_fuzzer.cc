// Fuzzes HAR captures (through the whole measurement: reading, decoding,
// detection) and identities files. What a capture yields must serialize to a
// measurement predicate that parses back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/statement/statement.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/measure.h"

namespace {

const candor::detect::Identities& Honey() {
  static const auto* identities = new candor::detect::Identities(*candor::detect::ParseIdentities(R"({
    "version": 1,
    "salt": "612dfac48aa2cd56451a5a6a41abf97c8153c8b06a87ec9bd8c7011495526a15",
    "default_country": "US",
    "values": [
      {"type": "personal_info.phone_number", "value": "+1 202 555 0173"},
      {"type": "personal_info.email_address", "value": "quentin.honey@lab-one.example"},
      {"type": "contacts.contacts", "kind": "phone", "value": "+1 202 555 0142"},
      {"type": "location.precise", "latitude": 52.520008, "longitude": 13.404954}
    ]})"));
  return *identities;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)candor::detect::ParseIdentities(text);
  candor::detect::StringByteSource har(text);
  auto m = candor::detect::MeasureHar(har, Honey());
  if (m.ok()) {
    candor::measurement::v1::Measurement back;
    if (!candor::ParsePredicate(candor::PredicateToJson(*m), back).ok()) __builtin_trap();
  }
  return 0;
}
