// gRPC health checking of a real candor-log on 127.0.0.1, through a standard
// grpc.health.v1 client stub: every service name answers SERVING, an unknown
// name NOT_FOUND, and a draining server tells its watchers NOT_SERVING (for
// "" and every service) before it stops. The health service is describable
// through reflection: its descriptor is in the binary's generated pool, which
// is what the reflection service serves, and the server's reflection
// service (v1alpha) lists it and returns its file.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/grpc/health/v1/health.grpc.pb.h"
#include "tests/support/log_fixture.h"

namespace candor {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

const std::vector<std::string> kNames = {
    "", "candor.log.v1.Log", "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection"};

std::unique_ptr<Health::Stub> Connect(const std::string& address) {
  return Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<grpc::ClientContext> WithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
  return context;
}

TEST(LogHealth, EveryServiceNameIsServing) {
  testing::LogFixture log;
  ASSERT_TRUE(log.Start().ok());
  auto stub = Connect(log.address());
  for (const std::string& name : kNames) {
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    auto context = WithDeadline();
    grpc::Status status = stub->Check(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << "\"" << name << "\": " << status.error_message();
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << "\"" << name << "\"";
  }
}

TEST(LogHealth, UnknownNameIsNotFound) {
  testing::LogFixture log;
  ASSERT_TRUE(log.Start().ok());
  auto stub = Connect(log.address());
  HealthCheckRequest request;
  request.set_service("candor.nothing.v1.Nothing");
  HealthCheckResponse response;
  auto context = WithDeadline();
  grpc::Status status = stub->Check(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "unknown service: candor.nothing.v1.Nothing");

  auto watch_context = WithDeadline();
  auto reader = stub->Watch(watch_context.get(), request);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);
}

TEST(LogHealth, DrainingServerReportsNotServingBeforeItStops) {
  testing::LogFixture log;
  ASSERT_TRUE(log.Start().ok());
  auto stub = Connect(log.address());
  struct Watcher {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader;
  };
  std::vector<Watcher> watchers;
  for (const std::string& name : kNames) {
    HealthCheckRequest request;
    request.set_service(name);
    Watcher w{WithDeadline(), nullptr};
    w.reader = stub->Watch(w.context.get(), request);
    HealthCheckResponse response;
    ASSERT_TRUE(w.reader->Read(&response)) << "\"" << name << "\"";
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << "\"" << name << "\"";
    watchers.push_back(std::move(w));
  }
  std::thread stopper([&log] { log.Stop(); });
  for (size_t i = 0; i < watchers.size(); ++i) {
    HealthCheckResponse response;
    ASSERT_TRUE(watchers[i].reader->Read(&response)) << "\"" << kNames[i] << "\"";
    EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING)
        << "\"" << kNames[i] << "\"";
    EXPECT_FALSE(watchers[i].reader->Read(&response));
    EXPECT_TRUE(watchers[i].reader->Finish().ok());
  }
  stopper.join();
}

TEST(LogHealth, HealthServiceIsDescribableThroughReflection) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "grpc.health.v1.Health");
  ASSERT_NE(service, nullptr);
  EXPECT_NE(service->FindMethodByName("Check"), nullptr);
  EXPECT_NE(service->FindMethodByName("Watch"), nullptr);
  EXPECT_EQ(service->file()->name(), "proto/grpc/health/v1/health.proto");
}

// One request on grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo
// (written as raw protobuf: Debian ships no reflection.proto for clients);
// the response's bytes.
std::string Reflect(const std::string& address, const std::string& request) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&](auto start) {
    void* tag = nullptr;
    bool ok = false;
    start(reinterpret_cast<void*>(1));
    EXPECT_EQ(cq.AsyncNext(&tag, &ok, absl::ToChronoTime(absl::Now() + absl::Minutes(2))),
              grpc::CompletionQueue::GOT_EVENT);
    return ok;
  };
  step([&](void* tag) { call->StartCall(tag); });
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  step([&](void* tag) { call->Write(buffer, tag); });
  grpc::ByteBuffer response;
  bool read = step([&](void* tag) { call->Read(&response, tag); });
  step([&](void* tag) { call->WritesDone(tag); });
  grpc::Status status;
  step([&](void* tag) { call->Finish(&status, tag); });
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  EXPECT_TRUE(read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  if (!read || !response.Dump(&slices).ok()) return "";
  std::string out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// The length-delimited values of field `number` in `bytes`.
std::vector<std::string> Fields(const std::string& bytes, int number) {
  google::protobuf::UnknownFieldSet set;
  EXPECT_TRUE(set.ParseFromString(bytes));
  std::vector<std::string> out;
  for (int i = 0; i < set.field_count(); ++i) {
    if (set.field(i).number() == number &&
        set.field(i).type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      out.push_back(set.field(i).length_delimited());
    }
  }
  return out;
}

TEST(LogHealth, ReflectionListsAndDescribesTheHealthService) {
  testing::LogFixture log;
  ASSERT_TRUE(log.Start().ok());
  // list_services (field 7) = "": ListServiceResponse (field 6) of
  // ServiceResponse (1) names (1).
  std::string listed = Reflect(log.address(), std::string("\x3a\x00", 2));
  std::vector<std::string> names;
  for (const std::string& list : Fields(listed, 6)) {
    for (const std::string& service : Fields(list, 1)) {
      for (const std::string& name : Fields(service, 1)) names.push_back(name);
    }
  }
  EXPECT_THAT(names, ::testing::IsSupersetOf({"candor.log.v1.Log", "grpc.health.v1.Health"}));

  // file_containing_symbol (field 4): FileDescriptorResponse (field 4) of
  // serialized FileDescriptorProtos (1).
  std::string symbol = "grpc.health.v1.Health";
  std::string request = std::string("\x22") + static_cast<char>(symbol.size()) + symbol;
  std::string described = Reflect(log.address(), request);
  bool found = false;
  for (const std::string& files : Fields(described, 4)) {
    for (const std::string& file : Fields(files, 1)) {
      google::protobuf::FileDescriptorProto proto;
      ASSERT_TRUE(proto.ParseFromString(file));
      if (proto.package() != "grpc.health.v1") continue;
      ASSERT_EQ(proto.service_size(), 1);
      EXPECT_EQ(proto.service(0).name(), "Health");
      ASSERT_EQ(proto.service(0).method_size(), 2);
      EXPECT_EQ(proto.service(0).method(0).name(), "Check");
      EXPECT_EQ(proto.service(0).method(1).name(), "Watch");
      EXPECT_TRUE(proto.service(0).method(1).server_streaming());
      found = true;
    }
  }
  EXPECT_TRUE(found) << "no grpc.health.v1 file in the reflection response";
}

}  // namespace
}  // namespace candor
