// Requests whose protobuf does not parse, sent as raw bytes through a generic
// stub to every RPC of both services (read from their descriptors, so a new
// RPC is covered without a change here): each answers INVALID_ARGUMENT naming
// the method, and both servers go on serving.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "proto/candor/log/v1/log.pb.h"
#include "proto/candor/verifier/v1/verifier.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/ip_address.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/reference_data.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"

namespace candor {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;

// Long: every wait ends on the server's answer.
constexpr absl::Duration kPatience = absl::Minutes(2);

// Bytes that are no protobuf message: an invalid wire type, a field longer
// than the message, a varint of eleven bytes, an end-group tag alone.
const std::vector<std::string>& Garbage() {
  static const auto* garbage = new std::vector<std::string>{
      std::string("\xff\xff\xff\xff", 4), std::string("\x0a\x05" "ab", 4),
      std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),
      std::string("\x0c", 1)};
  return *garbage;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Expected(const std::string& method) {
  return absl::StrCat("the request to ", method,
                      " is not a protobuf message of the method's request type; "
                      "send one encoded as the service's .proto defines it");
}

// A unary call with raw bytes.
grpc::Status Unary(grpc::GenericStub& stub, const std::string& method,
                   const std::string& bytes) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  grpc::ByteBuffer request = Buffer(bytes), response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();  // the context's deadline bounds it
  return status;
}

// A stream carrying `messages` (raw), then closed by the client; the
// responses read and the final status.
struct StreamResult {
  int responses = 0;
  grpc::Status status;
};
StreamResult Stream(grpc::GenericStub& stub, const std::string& method,
                    const std::vector<std::string>& messages) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&context, method, &cq);
  auto step = [&](auto start) {
    void* tag = nullptr;
    bool ok = false;
    start(reinterpret_cast<void*>(1));
    EXPECT_EQ(cq.AsyncNext(&tag, &ok, absl::ToChronoTime(absl::Now() + kPatience)),
              grpc::CompletionQueue::GOT_EVENT);
    return ok;
  };
  StreamResult result;
  step([&](void* tag) { call->StartCall(tag); });
  for (const std::string& m : messages) {
    grpc::ByteBuffer buffer = Buffer(m);
    if (!step([&](void* tag) { call->Write(buffer, tag); })) break;
  }
  step([&](void* tag) { call->WritesDone(tag); });
  grpc::ByteBuffer response;
  while (step([&](void* tag) { call->Read(&response, tag); })) ++result.responses;
  step([&](void* tag) { call->Finish(&result.status, tag); });
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return result;
}

std::unique_ptr<reference::PartsResolver> Tables() {
  absl::StatusOr<reference::PublicSuffixList> psl = reference::PublicSuffixList::Load();
  EXPECT_THAT(psl, IsOk());
  absl::StatusOr<reference::LoadedOrganisations> orgs =
      reference::LoadOrganisations("", "", reference::OperatorMode::kExtend, *psl);
  EXPECT_THAT(orgs, IsOk());
  absl::StatusOr<reference::IpCountryTable> ips = reference::IpCountryTable::FromRanges(
      {reference::IpCountryRange{*reference::ParseIpAddress("1.0.1.0"),
                                 *reference::ParseIpAddress("1.0.3.255"), "CN"}});
  EXPECT_THAT(ips, IsOk());
  std::vector<reference::v1::ReferenceData> parts = *reference::SplitOrganisations(
      orgs->table, reference::TableInfo{orgs->version, orgs->source});
  std::vector<reference::v1::ReferenceData> ip_parts =
      *reference::SplitIpCountries(*ips, reference::TableInfo{"test", "test"});
  parts.insert(parts.end(), ip_parts.begin(), ip_parts.end());
  return *reference::PartsResolver::Create(*std::move(psl), std::move(parts));
}

// Garbage to every method of `service` at `address`, then one valid call.
void SendGarbageToEveryMethod(const std::string& address, const std::string& service) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  ASSERT_NE(descriptor, nullptr) << service;
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = descriptor->method(i);
    const std::string method = absl::StrCat("/", service, "/", m->name());
    for (const std::string& bytes : Garbage()) {
      if (!m->client_streaming() && !m->server_streaming()) {
        grpc::Status s = Unary(stub, method, bytes);
        EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
        EXPECT_EQ(s.error_message(), Expected(method)) << method;
        continue;
      }
      StreamResult r = Stream(stub, method, {bytes});
      EXPECT_EQ(r.responses, 0) << method;
      EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
      EXPECT_EQ(r.status.error_message(),
                absl::StrCat("message 0 of the stream: ", Expected(method)))
          << method;
    }
  }
}

TEST(MalformedRequests, EveryRpcOfBothServicesAnswersInvalidArgument) {
  LogFixture log({.name = "malformed-log"});
  ASSERT_THAT(log.Start(), IsOk());
  verifier::VerifierServerConfig config;
  config.data_dir = absl::StrCat(::testing::TempDir(), "/malformed-verifier");
  config.log_address = log.address();
  config.core.name = "watchdog";
  config.core.key = *PrivateKey::Generate(KeyType::kEd25519);
  config.core.log_key = log.log_signer().verifier();
  config.core.admin_key = log.admin_key().public_key();
  config.tables = Tables();
  absl::StatusOr<std::unique_ptr<verifier::VerifierServer>> verifier =
      verifier::VerifierServer::Start(std::move(config));
  ASSERT_THAT(verifier, IsOk());

  SendGarbageToEveryMethod(log.address(), "candor.log.v1.Log");
  SendGarbageToEveryMethod((*verifier)->address(), "candor.verifier.v1.Verifier");

  // A stream ends at the message that does not parse, after answering the
  // ones before it.
  grpc::GenericStub stub(grpc::CreateChannel(log.address(), grpc::InsecureChannelCredentials()));
  log::v1::AddEntryRequest junk;
  junk.set_entry("{}");
  StreamResult r = Stream(stub, "/candor.log.v1.Log/AddEntries",
                          {junk.SerializeAsString(), junk.SerializeAsString(),
                           Garbage()[0], junk.SerializeAsString()});
  EXPECT_EQ(r.responses, 2);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(r.status.error_message(),
            absl::StrCat("message 2 of the stream: ",
                         Expected("/candor.log.v1.Log/AddEntries")));

  // Both still serve well-formed requests.
  EXPECT_THAT(log.client().GetCheckpoint(), IsOk());
  EXPECT_EQ(Unary(stub, "/candor.log.v1.Log/GetCheckpoint", "").error_code(),
            grpc::StatusCode::OK);
  grpc::GenericStub verifier_stub(
      grpc::CreateChannel((*verifier)->address(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(Unary(verifier_stub, "/candor.verifier.v1.Verifier/GetStatus", "").error_code(),
            grpc::StatusCode::OK);
}

}  // namespace
}  // namespace candor
