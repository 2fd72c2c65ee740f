// gRPC health checking of a real candor-log on 127.0.0.1, through a standard
// grpc.health.v1 client stub: every service name answers SERVING, an unknown
// name NOT_FOUND, and a draining server tells its watchers NOT_SERVING (for
// "" and every service) before it stops. The health service is describable
// through reflection: its descriptor is in the binary's generated pool, which
// is what the reflection service serves.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
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

}  // namespace
}  // namespace candor
