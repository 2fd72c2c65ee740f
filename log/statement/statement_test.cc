#include "log/statement/statement.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "google/protobuf/source_context.pb.h"
#include "google/protobuf/struct.pb.h"
#include "log/encoding/encoding.h"
#include "log/statement/dsse.h"

namespace candor {
namespace {

Statement ExampleStatement() {
  Statement st;
  st.subjects.push_back(NamedSubject("android:com.example.app"));
  st.predicate_type = "https://candor.dev/test/v1";
  st.predicate_json = R"({"b": 1, "a": "x"})";
  return st;
}

TEST(Dsse, PaeMatchesSpecExample) {
  // From the DSSE protocol specification.
  EXPECT_EQ(dsse::Pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(SignedStatement, RoundTripBothKeyTypes) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    auto key = PrivateKey::Generate(type);
    ASSERT_TRUE(key.ok());
    auto entry = SignStatement(ExampleStatement(), *key);
    ASSERT_TRUE(entry.ok()) << entry.status();
    auto parsed = ParseSignedStatement(*entry);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->statement.predicate_type, "https://candor.dev/test/v1");
    // The predicate text is kept verbatim, whitespace and member order included.
    EXPECT_EQ(parsed->statement.predicate_json, R"({"b": 1, "a": "x"})");
    ASSERT_EQ(parsed->statement.subjects.size(), 1u);
    EXPECT_EQ(parsed->statement.subjects[0].name, "android:com.example.app");
    ASSERT_EQ(parsed->envelope.signatures.size(), 1u);
    EXPECT_EQ(parsed->envelope.signatures[0].keyid,
              dsse::KeyId(key->public_key()));
    EXPECT_TRUE(dsse::VerifySignature(parsed->envelope, 0, key->public_key()));
    // Re-serializing gives back the same bytes.
    EXPECT_EQ(dsse::SerializeEnvelope(parsed->envelope), *entry);

    dsse::Envelope tampered = parsed->envelope;
    tampered.payload[10] ^= 1;
    EXPECT_FALSE(dsse::VerifySignature(tampered, 0, key->public_key()));
  }
}

TEST(Dsse, RejectsMalformedEnvelopes) {
  const std::string payload = Base64Encode("{}");
  struct Case {
    std::string json;
    std::string message;
  } cases[] = {
      {"[]", "DSSE envelope must be a JSON object"},
      {"{", "DSSE envelope: invalid JSON at offset 1: unexpected end of input"},
      {R"({"payload":")" + payload + R"(","signatures":[{"sig":"AA=="}]})",
       "DSSE envelope: payloadType is missing"},
      {R"({"payloadType":"t","signatures":[{"sig":"AA=="}]})",
       "DSSE envelope: payload is missing"},
      {R"({"payloadType":"t","payload":")" + payload + R"("})",
       "DSSE envelope: signatures is missing"},
      {R"({"payloadType":"t","payload":")" + payload + R"(","signatures":[]})",
       "DSSE envelope: signatures is empty"},
      {R"({"payloadType":"t","payload":"e30","signatures":[{"sig":"AA=="}]})",
       "DSSE envelope: payload is not invalid base64: length is not a "
       "multiple of 4"},
      {R"({"payloadType":"t","payload":")" + payload +
           R"(","signatures":[{"keyid":"k"}]})",
       "DSSE envelope: signatures[0].sig is missing"},
      {R"({"payloadType":"t","payload":")" + payload +
           R"(","signatures":[{"sig":"AA==","extra":1}]})",
       "DSSE envelope: signatures[0] has unknown field \"extra\""},
      {R"({"payloadType":"t","payload":")" + payload +
           R"(","signatures":[{"sig":"AA=="}],"x":1})",
       "DSSE envelope has unknown field \"x\""},
      {R"({"payloadType":"t","payloadType":"u"})",
       "DSSE envelope: invalid JSON at offset 19: duplicate key "
       "\"payloadType\""},
  };
  for (const Case& c : cases) {
    auto env = dsse::ParseEnvelope(c.json);
    EXPECT_EQ(env.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_EQ(env.status().message(), c.message) << c.json;
  }
  std::string many = R"({"payloadType":"t","payload":")" + payload +
                     R"(","signatures":[)";
  for (int i = 0; i < 9; ++i) many += std::string(i ? "," : "") + R"({"sig":"AA=="})";
  many += "]}";
  EXPECT_EQ(dsse::ParseEnvelope(many).status().message(),
            "DSSE envelope: signatures has more than 8 entries");
}

TEST(SignedStatement, RejectsBadStatements) {
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  auto wrap = [&](const std::string& payload,
                  const std::string& type = std::string(dsse::kInTotoPayloadType)) {
    return dsse::SerializeEnvelope(*dsse::Sign(type, payload, *key));
  };
  const std::string subject =
      R"("subject":[{"name":"a","digest":{"sha256":"00"}}])";
  struct Case {
    std::string entry;
    std::string message;
  } cases[] = {
      {wrap("{}", "text/plain"),
       "DSSE envelope: payloadType must be \"application/vnd.in-toto+json\", "
       "got \"text/plain\""},
      {wrap("[]"), "in-toto statement must be a JSON object"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v0.1",)" + subject +
            R"(,"predicateType":"p","predicate":{}})"),
       "in-toto statement: _type must be \"https://in-toto.io/Statement/v1\""},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","predicate":{}})"),
       "in-toto statement: subject is missing"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"0G"}}],"predicateType":"p","predicate":{}})"),
       "in-toto statement: subject[0].digest.sha256 must be a lower-case hex "
       "string"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"},"annotations":{"version":2}}],"predicateType":"p","predicate":{}})"),
       "in-toto statement: subject[0].annotations.version must be a string "
       "(Candor reads string annotations only)"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"},"annotations":[]}],"predicateType":"p","predicate":{}})"),
       "in-toto statement: subject[0].annotations must be an object"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1",)" + subject +
            R"(,"predicate":{}})"),
       "in-toto statement: predicateType is missing"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1",)" + subject +
            R"(,"predicateType":"p","predicate":[]})"),
       "in-toto statement: predicate must be an object"},
      {wrap(R"({"_type":"https://in-toto.io/Statement/v1",)" + subject +
            R"(,"predicateType":"p","predicate":{},"more":1})"),
       "in-toto statement has unknown field \"more\""},
  };
  for (const Case& c : cases) {
    auto st = ParseSignedStatement(c.entry);
    EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument) << c.entry;
    EXPECT_EQ(st.status().message(), c.message) << c.entry;
  }
  std::string big(kMaxEntrySize + 1, ' ');
  EXPECT_EQ(ParseSignedStatement(big).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseSignedStatement(big).status().message(),
            "entry is 65536 bytes; the limit is 65535");
}

// Annotations, as in-toto's ResourceDescriptor has them, survive a round trip
// and are written after the digest, keys sorted; a subject without any is
// written without the member, so statements signed before annotations existed
// serialize as they did.
TEST(SignedStatement, SubjectAnnotationsRoundTrip) {
  Statement st = ExampleStatement();
  st.subjects[0].annotations = {{"version", "2.3.1"}, {"app", "android:x"}};
  const std::string json = SerializeStatement(st);
  EXPECT_TRUE(absl::StrContains(
      json, R"(},"annotations":{"app":"android:x","version":"2.3.1"}}])"))
      << json;
  absl::StatusOr<Statement> back = ParseStatement(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->subjects[0].annotations, st.subjects[0].annotations);
  EXPECT_FALSE(absl::StrContains(SerializeStatement(ExampleStatement()),
                                 "annotations"));
}

TEST(Predicate, ProtobufJsonMapping) {
  google::protobuf::Struct s;
  ASSERT_TRUE(ParsePredicate(R"({"a": [1, "x"]})", s).ok());
  EXPECT_EQ(PredicateToJson(s), R"({"a":[1,"x"]})");
  google::protobuf::SourceContext context;
  EXPECT_TRUE(ParsePredicate(R"({"fileName": "a"})", context).ok());
  EXPECT_EQ(context.file_name(), "a");
  absl::Status bad = ParsePredicate(R"({"unknownField": 1})", context);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(
      bad.message(), "predicate is not a valid google.protobuf.SourceContext: "))
      << bad.message();
}

}  // namespace
}  // namespace candor
