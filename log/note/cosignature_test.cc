// tlog-cosignature v1 (c2sp.org/tlog-cosignature) in log/note: cosigner keys,
// Cosign, and Open's verification of cosignatures.

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/note/note.h"
#include "tests/support/status_matchers.h"

namespace candor::note {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// A known answer computed outside this code base, with Python's
// `cryptography` from the C2SP text: seed 00 01 .. 1f, name
// witness.example/w1, time 1700000000, over the checkpoint below.
constexpr char kWitnessSkey[] =
    "PRIVATE+KEY+witness.example/w1+e75f6532+"
    "BAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
constexpr char kWitnessVkey[] =
    "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr char kCheckpoint[] =
    "example.com/log\n5\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n";
constexpr uint64_t kTime = 1700000000;
constexpr char kCosignatureLine[] =
    "\xe2\x80\x94 witness.example/w1 "
    "519lMgAAAABlU/EAJo4Eg6q1KoHGUrVl+4DjCSpgPR7iMfQhKQWREiOCdvX6bcZigRf6tOif6Z9"
    "dA9luj0UX4BnwyFDDTBqJXoaCAg==\n";

Signer Log() {
  static const Signer* log = new Signer(*Signer::Generate("example.com/log"));
  return *log;
}

std::string LogSigned(absl::string_view text) {
  auto note = Sign(text, {Log()});
  EXPECT_THAT(note, IsOk());
  return note.ok() ? *note : "";
}

TEST(Cosignature, KnownAnswer) {
  auto cosigner = Signer::FromCosignerKey(kWitnessSkey);
  ASSERT_THAT(cosigner, IsOk());
  EXPECT_TRUE(cosigner->is_cosigner());
  EXPECT_EQ(cosigner->verifier().EncodedKey(), kWitnessVkey);
  EXPECT_EQ(cosigner->EncodedKey(), kWitnessSkey);
  auto line = Cosign(kCheckpoint, *cosigner, kTime);
  ASSERT_THAT(line, IsOk());
  EXPECT_EQ(*line, kCosignatureLine);  // Ed25519 is deterministic

  auto witness = Verifier::FromCosignerKey(kWitnessVkey);
  ASSERT_THAT(witness, IsOk());
  const std::string note = LogSigned(kCheckpoint) + kCosignatureLine;
  auto opened = Open(note, {Log().verifier(), *witness});
  ASSERT_THAT(opened, IsOk());
  EXPECT_THAT(opened->verified,
              ElementsAre(Field(&Signature::timestamp, 0),
                          Field(&Signature::timestamp, kTime)));
}

TEST(Cosignature, MessageIsHeaderTimeAndText) {
  EXPECT_EQ(CosignatureMessage("a\n", 42), "cosignature/v1\ntime 42\na\n");
}

TEST(Cosignature, KeysOfOneKindAreNotKeysOfTheOther) {
  // A witness key is never a log key, nor the reverse: the algorithm byte
  // (and so the key hash) differs.
  EXPECT_THAT(Verifier::FromKey(kWitnessVkey),
              StatusIs(kInvalid, "unknown verifier key algorithm 4; this is a witness cosigner key (4), not a note key (1)"));
  EXPECT_THAT(Signer::FromKey(kWitnessSkey),
              StatusIs(kInvalid, "unknown signer key algorithm 4; this is a witness cosigner key (4), not a note key (1)"));
  EXPECT_THAT(Verifier::FromCosignerKey(Log().verifier().EncodedKey()),
              StatusIs(kInvalid, "unknown cosigner verifier key algorithm 1; this is a note key (1), not a witness cosigner key (4)"));
  EXPECT_THAT(Signer::FromCosignerKey(Log().EncodedKey()),
              StatusIs(kInvalid, "unknown cosigner signer key algorithm 1; this is a note key (1), not a witness cosigner key (4)"));
  auto cosigner = Signer::FromCosignerKey(kWitnessSkey);
  ASSERT_THAT(cosigner, IsOk());
  EXPECT_THAT(Sign(kCheckpoint, {*cosigner}),
              StatusIs(kInvalid, "key witness.example/w1 is a witness cosigner key; it cosigns (Cosign) and does not sign notes"));
  EXPECT_THAT(Cosign(kCheckpoint, Log(), kTime),
              StatusIs(kInvalid, "key example.com/log is a note key, not a witness cosigner key"));
  // The same Ed25519 key as a note key and as a cosigner key has two hashes.
  auto as_note = Verifier::FromPublicKey("w", cosigner->verifier().public_key());
  auto as_cosigner =
      Verifier::CosignerFromPublicKey("w", cosigner->verifier().public_key());
  ASSERT_THAT(as_note, IsOk());
  ASSERT_THAT(as_cosigner, IsOk());
  EXPECT_NE(as_note->key_hash(), as_cosigner->key_hash());
}

TEST(Cosignature, TimeMustBeInRange) {
  auto cosigner = Signer::GenerateCosigner("w");
  ASSERT_THAT(cosigner, IsOk());
  EXPECT_THAT(Cosign(kCheckpoint, *cosigner, 0),
              StatusIs(kInvalid, "cosignature time 0 is outside 1..2^63-1"));
  EXPECT_THAT(Cosign(kCheckpoint, *cosigner, kMaxCosignatureTime + 1),
              StatusIs(kInvalid, "cosignature time 9223372036854775808 is outside 1..2^63-1"));
  EXPECT_THAT(Cosign(kCheckpoint, *cosigner, kMaxCosignatureTime), IsOk());
  EXPECT_THAT(Cosign("no newline", *cosigner, 1),
              StatusIs(kInvalid, "malformed note: text must end in a newline"));
}

TEST(Cosignature, TamperedTimeOrTextOrSizeFails) {
  auto witness = Verifier::FromCosignerKey(kWitnessVkey);
  ASSERT_THAT(witness, IsOk());
  // The time is part of the signed message: another time does not verify.
  std::string line = kCosignatureLine;
  const size_t b64 = line.find(' ', 4) + 1;
  std::string other_time = line;
  other_time[b64 + 10] = other_time[b64 + 10] == 'A' ? 'B' : 'A';
  EXPECT_THAT(Open(LogSigned(kCheckpoint) + other_time, {Log().verifier(), *witness}),
              StatusIs(kInvalid, "invalid cosignature for key witness.example/w1+e75f6532"));
  // A cosignature over another checkpoint does not verify over this one.
  const std::string other =
      "example.com/log\n6\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n";
  EXPECT_THAT(Open(LogSigned(other) + kCosignatureLine, {Log().verifier(), *witness}),
              StatusIs(kInvalid, "invalid cosignature for key witness.example/w1+e75f6532"));
  // A plain note signature under a cosigner key's name and hash lacks the
  // time: refused for its length, not misread.
  auto cosigner = Signer::FromCosignerKey(kWitnessSkey);
  ASSERT_THAT(cosigner, IsOk());
  auto plain = cosigner->Sign(kCheckpoint);
  ASSERT_THAT(plain, IsOk());
  const std::string untimed = absl::StrCat(
      "\xe2\x80\x94 witness.example/w1 ",
      absl::Base64Escape(absl::StrCat(std::string("\xe7\x5f\x65\x32", 4), *plain)),
      "\n");
  EXPECT_THAT(Open(LogSigned(kCheckpoint) + untimed, {Log().verifier(), *witness}),
              StatusIs(kInvalid, "invalid cosignature for key witness.example/w1+e75f6532: 64 bytes, want an 8-byte time and a 64-byte signature"));
  // Unknown cosigners are kept as unverified; Open does not fail on them.
  auto opened = Open(LogSigned(kCheckpoint) + kCosignatureLine, {Log().verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_THAT(opened->unverified,
              ElementsAre(Field(&Signature::name, "witness.example/w1")));
}

TEST(Cosignature, AddSignatureLinesSkipsRepeats) {
  const std::string note = LogSigned(kCheckpoint);
  auto once = AddSignatureLines(note, kCosignatureLine);
  ASSERT_THAT(once, IsOk());
  EXPECT_EQ(*once, note + kCosignatureLine);
  auto twice = AddSignatureLines(*once, kCosignatureLine);
  ASSERT_THAT(twice, IsOk());
  EXPECT_EQ(*twice, *once);
  // A second cosignature by the same key (a later time) is not added: the
  // first one stands, as Open would only read the first anyway.
  auto cosigner = Signer::FromCosignerKey(kWitnessSkey);
  ASSERT_THAT(cosigner, IsOk());
  auto later = Cosign(kCheckpoint, *cosigner, kTime + 1);
  ASSERT_THAT(later, IsOk());
  auto same_key = AddSignatureLines(*once, *later);
  ASSERT_THAT(same_key, IsOk());
  EXPECT_EQ(*same_key, *once);
  EXPECT_THAT(AddSignatureLines(note, "not a signature\n"),
              StatusIs(kInvalid, "malformed note: signature line 2 does not start with \"\xe2\x80\x94 \""));
  EXPECT_THAT(AddSignatureLines(note, "\xe2\x80\x94 w AAAAAAAA"),
              StatusIs(kInvalid, "malformed note: the last added signature line does not end in a newline"));
}

}  // namespace
}  // namespace candor::note
