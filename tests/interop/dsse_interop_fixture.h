// What the DSSE interop tests share: a real candor-log on a fixed clock, the
// claim statements other tools sign, the admission story of one of their
// envelopes (refused until its key is registered, then admitted), and
// Candor's own signed envelopes for the other tool to verify.

#ifndef CANDOR_TESTS_INTEROP_DSSE_INTEROP_FIXTURE_H_
#define CANDOR_TESTS_INTEROP_DSSE_INTEROP_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "tests/support/log_fixture.h"

namespace candor::testing {

class DsseInteropTest : public ::testing::Test {
 protected:
  // Starts the log, in a directory named after the test.
  void StartLog();

  // An in-toto statement of a claim by `vendor` about `app`.
  std::string ClaimPayload(const std::string& vendor, const std::string& app) const;

  // `entry`, signed by another tool with the key `public_key_pem` and key id
  // `keyid` ("" for none), is refused while `vendor` is unregistered, with
  // the log's exact reason; then `vendor` is registered for `app` at index
  // `next`, and the entry admitted at `next` + 1. Advances `next` by two.
  void ExpectAdmittedOnceRegistered(const std::string& entry, const std::string& keyid,
                                    const std::string& vendor, const std::string& app,
                                    const std::string& public_key_pem, uint64_t& next);

  // Candor's envelope of a claim signed by `key`, written to TempPath(`name`
  // + ".candor.dsse.json"), and the key's PEM to `name` + ".candor.pem";
  // `tampered` writes the same envelope with a payload one byte longer.
  struct CandorEnvelope {
    std::string envelope_path;
    std::string pubkey_path;
    std::string entry;
  };
  CandorEnvelope WriteCandorEnvelope(const PrivateKey& key, const std::string& name) const;
  void WriteTampered(const CandorEnvelope& envelope) const;

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  std::unique_ptr<LogFixture> log_;
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_INTEROP_DSSE_INTEROP_FIXTURE_H_
