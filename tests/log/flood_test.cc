// Hostile clients: a flood of invalid envelopes from several connections and
// a stream that never reads its responses must not starve a valid writer.
// The flooders are throttled with RESOURCE_EXHAUSTED and a retry hint.

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "grpcpp/client_context.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"

namespace candor::testing {
namespace {

TEST(Flood, ValidWritersKeepSucceeding) {
  LogFixtureOptions options{.name = "flood"};
  options.limits.per_client = {.per_second = 300, .burst = 300};
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  PrivateKey stranger = *PrivateKey::Generate(KeyType::kEd25519);

  std::atomic<bool> stop{false};
  std::atomic<long> refused_rate{0}, refused_other{0}, flood_sent{0};
  std::string hint;
  absl::Mutex mu;
  std::vector<std::thread> flooders;
  for (int t = 0; t < 4; ++t) {
    flooders.emplace_back([&, t] {
      client::LogClient flooder(log.address(), client::ClientOptions());
      std::string junk = LogFixture::TestEntry(stranger, t);  // unknown key
      for (int i = 0; !stop; ++i) {
        auto r = flooder.AddEntry(i % 2 ? junk : "{\"garbage\": true}", false);
        ++flood_sent;
        if (absl::IsResourceExhausted(r.status())) {
          ++refused_rate;
          absl::MutexLock lock(&mu);
          hint = std::string(r.status().message());
        } else {
          ++refused_other;
        }
      }
    });
  }
  // A client that opens a stream, writes, and never reads.
  std::thread slow([&] {
    client::LogClient client(log.address(), client::ClientOptions());
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    auto stream = client.stub().AddEntries(&context);
    for (int i = 0; i < 2000 && !stop; ++i) {
      log::v1::AddEntryRequest request;
      request.set_entry(LogFixture::TestEntry(stranger, 100000 + i));
      if (!stream->Write(request)) break;
    }
    while (!stop) absl::SleepFor(absl::Milliseconds(10));
    context.TryCancel();
  });

  absl::SleepFor(absl::Milliseconds(300));  // let the flood build up
  client::LogClient writer(log.address(), client::ClientOptions());
  absl::Duration worst;
  int succeeded = 0;
  for (int i = 0; i < 100; ++i) {
    absl::Time start = absl::Now();
    auto added = writer.AddEntry(LogFixture::TestEntry(*key, i), false);
    EXPECT_THAT(added, IsOk()) << "valid add " << i << " failed during the flood";
    if (added.ok()) ++succeeded;
    worst = std::max(worst, absl::Now() - start);
    absl::SleepFor(absl::Milliseconds(10));
  }
  stop = true;
  for (auto& t : flooders) t.join();
  slow.join();
  EXPECT_EQ(succeeded, 100);

  EXPECT_GT(refused_rate.load(), 0);
  EXPECT_TRUE(absl::StartsWith(hint,
                               "rate limit: this client may add 300 entries per "
                               "second; retry in "))
      << hint;
  EXPECT_TRUE(absl::EndsWith(hint, " ms")) << hint;
  std::cerr << "flood: " << flood_sent << " junk adds, " << refused_rate
            << " throttled, " << refused_other
            << " refused on their merits; valid adds: " << succeeded << "/100 ok, worst "
            << absl::FormatDuration(worst) << "\n";
  // The valid entries are all there.
  ASSERT_THAT(log.WaitForSize(101), IsOk());
}

TEST(Flood, StreamsPerClientAreBounded) {
  LogFixtureOptions options{.name = "streams"};
  options.limits.max_streams_per_client = 2;
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  client::LogClient client(log.address(), client::ClientOptions());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<log::v1::AddEntryRequest,
                                                       log::v1::AddEntriesResponse>>>
      streams;
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    streams.push_back(client.stub().AddEntries(contexts.back().get()));
  }
  // The streams reach the server in any order: whichever comes third is
  // refused, the other two finish normally once the client is done. Every
  // stream's headers (sent when accepted, or with the refusal) show the
  // server has seen all three before any is closed.
  for (auto& stream : streams) stream->WaitForInitialMetadata();
  int ok = 0, refused = 0;
  for (auto& stream : streams) {
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    if (status.ok()) {
      ++ok;
    } else {
      ++refused;
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
      EXPECT_EQ(status.error_message(),
                "this client already has 2 AddEntries streams open; close one or "
                "retry later");
    }
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(refused, 1);
}

}  // namespace
}  // namespace candor::testing
