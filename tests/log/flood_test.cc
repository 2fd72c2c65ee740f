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
  // The rate limits' clock stands still: every connection may add exactly its
  // burst, however fast or slow this machine is, and then is throttled.
  options.limits.per_client = {.per_second = 300, .burst = 300};
  options.limits.rate_limit_clock = [] { return absl::FromUnixSeconds(1'800'000'000); };
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  PrivateKey stranger = *PrivateKey::Generate(KeyType::kEd25519);

  // Each flooder sends until it has been throttled kThrottledEach times (at
  // most kMaxAddsEach adds), then keeps flooding until the valid writer is
  // done.
  constexpr int kFlooders = 4;
  constexpr long kThrottledEach = 20;
  constexpr int kMaxAddsEach = 5000;
  absl::Mutex mu;
  bool stop = false;
  int flooders_throttled = 0;  // flooders that reached kThrottledEach
  std::atomic<long> refused_rate{0}, refused_other{0}, flood_sent{0};
  std::string hint;
  std::vector<std::thread> flooders;
  for (int t = 0; t < kFlooders; ++t) {
    flooders.emplace_back([&, t] {
      client::LogClient flooder(log.address(), client::ClientOptions());
      std::string junk = LogFixture::TestEntry(stranger, t);  // unknown key
      long throttled = 0;
      for (int i = 0; i < kMaxAddsEach; ++i) {
        {
          absl::MutexLock lock(&mu);
          if (stop) break;
        }
        auto r = flooder.AddEntry(i % 2 ? junk : "{\"garbage\": true}", false);
        ++flood_sent;
        if (absl::IsResourceExhausted(r.status())) {
          ++refused_rate;
          absl::MutexLock lock(&mu);
          hint = std::string(r.status().message());
          if (++throttled == kThrottledEach) ++flooders_throttled;
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
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    auto stream = client.stub().AddEntries(&context);
    for (int i = 0; i < 2000; ++i) {
      log::v1::AddEntryRequest request;
      request.set_entry(LogFixture::TestEntry(stranger, 100000 + i));
      if (!stream->Write(request)) break;
      absl::MutexLock lock(&mu);
      if (stop) break;
    }
    mu.LockWhen(absl::Condition(&stop));
    mu.Unlock();
    context.TryCancel();
  });

  // The valid writer starts once every flooder is being throttled.
  bool flood_throttled = false;
  {
    absl::MutexLock lock(&mu);
    auto all_throttled = [&] { return flooders_throttled == kFlooders; };
    flood_throttled =
        mu.AwaitWithTimeout(absl::Condition(&all_throttled), absl::Minutes(5));
  }
  EXPECT_TRUE(flood_throttled) << "the flooders were never throttled";
  client::LogClient writer(log.address(), client::ClientOptions());
  absl::Duration worst;
  int succeeded = 0;
  for (int i = 0; flood_throttled && i < 100; ++i) {
    absl::Time start = absl::Now();
    auto added = writer.AddEntry(LogFixture::TestEntry(*key, i), false);
    EXPECT_THAT(added, IsOk()) << "valid add " << i << " failed during the flood";
    if (added.ok()) ++succeeded;
    worst = std::max(worst, absl::Now() - start);
  }
  {
    absl::MutexLock lock(&mu);
    stop = true;
  }
  for (auto& t : flooders) t.join();
  slow.join();
  EXPECT_EQ(succeeded, 100);

  EXPECT_GE(refused_rate.load(), kFlooders * kThrottledEach);
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
