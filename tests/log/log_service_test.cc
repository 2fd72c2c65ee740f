// Integration tests of candor-log through its real gRPC API on 127.0.0.1,
// with RocksDB in a temporary directory.

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "grpcpp/client_context.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/statement/statement.h"
#include "log/tiles/tiles.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::testing {
namespace {

namespace pb = ::candor::log::v1;

note::SignedCheckpoint Open(const LogFixture& log, const std::string& text) {
  auto cp = note::OpenCheckpoint(text, log.log_signer().verifier());
  EXPECT_THAT(cp, IsOk());
  return *cp;
}

std::vector<merkle::Hash> Hashes(
    const google::protobuf::RepeatedPtrField<std::string>& list) {
  auto h = merkle::HashesFromBytes(std::vector<std::string>(list.begin(), list.end()));
  EXPECT_THAT(h, IsOk());
  return h.ok() ? *h : std::vector<merkle::Hash>{};
}

uint64_t TreeSize(LogFixture& log) {
  auto cp = log.client().GetCheckpoint();
  EXPECT_THAT(cp, IsOk());
  return cp->tree_size();
}

TEST(LogService, EmptyLogServesSignedCheckpointOfEmptyTree) {
  LogFixture log({.name = "empty"});
  ASSERT_THAT(log.Start(), IsOk());
  auto cp = log.client().GetCheckpoint();
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(cp->tree_size(), 0u);
  note::SignedCheckpoint opened = Open(log, cp->checkpoint());
  EXPECT_EQ(opened.checkpoint.origin, "example.com/candor-test");
  EXPECT_EQ(opened.checkpoint.size, 0u);
  EXPECT_EQ(opened.checkpoint.root, merkle::EmptyRoot());
}

// Thousands of entries over unary calls and a stream, from several threads;
// every inclusion proof and the consistency proofs between every pair of
// checkpoints seen along the way verify.
TEST(LogService, AppendsThousandsAndProvesEverything) {
  LogFixture log({.name = "thousands"});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(log.WaitForSize(1), IsOk());

  constexpr int kUnaryThreads = 4;
  constexpr int kUnaryPerThread = 250;
  constexpr int kStreamed = 1000;
  absl::Mutex mu;
  std::map<uint64_t, std::string> by_index;  // index -> entry
  std::set<std::string> checkpoints;

  std::vector<std::thread> threads;
  for (int t = 0; t < kUnaryThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUnaryPerThread; ++i) {
        std::string entry = LogFixture::TestEntry(*key, t * 100000 + i);
        auto added = log.client().AddEntry(entry, false);
        ASSERT_THAT(added, IsOk());
        EXPECT_FALSE(added->duplicate());
        EXPECT_EQ(added->leaf_hash(), merkle::AsBytes(merkle::HashLeaf(entry)));
        absl::MutexLock lock(&mu);
        EXPECT_TRUE(by_index.emplace(added->index(), entry).second);
        if (i % 50 == 0) checkpoints.insert(log.client().GetCheckpoint()->checkpoint());
      }
    });
  }
  threads.emplace_back([&] {
    grpc::ClientContext context;
    log.client().SetDeadline(context);
    auto stream = log.client().stub().AddEntries(&context);
    std::vector<std::string> sent;
    for (int i = 0; i < kStreamed; ++i) {
      pb::AddEntryRequest request;
      sent.push_back(LogFixture::TestEntry(*key, 900000 + i));
      request.set_entry(sent.back());
      ASSERT_TRUE(stream->Write(request));
    }
    stream->WritesDone();
    pb::AddEntriesResponse response;
    int received = 0;
    while (stream->Read(&response)) {
      ASSERT_TRUE(response.has_added()) << response.error().message();
      EXPECT_EQ(response.added().leaf_hash(),
                merkle::AsBytes(merkle::HashLeaf(sent[received])));
      absl::MutexLock lock(&mu);
      EXPECT_TRUE(by_index.emplace(response.added().index(), sent[received]).second);
      ++received;
    }
    EXPECT_TRUE(stream->Finish().ok());
    EXPECT_EQ(received, kStreamed);
  });
  for (auto& t : threads) t.join();

  const uint64_t total = 1 + kUnaryThreads * kUnaryPerThread + kStreamed;
  ASSERT_EQ(by_index.size(), total - 1);
  EXPECT_EQ(by_index.begin()->first, 1u);
  EXPECT_EQ(by_index.rbegin()->first, total - 1);  // dense indices
  ASSERT_THAT(log.WaitForSize(total), IsOk());
  auto latest = log.client().GetCheckpoint();
  ASSERT_THAT(latest, IsOk());
  checkpoints.insert(latest->checkpoint());
  note::SignedCheckpoint head = Open(log, latest->checkpoint());
  ASSERT_EQ(head.checkpoint.size, total);

  for (const auto& [index, entry] : by_index) {
    pb::GetInclusionProofRequest request;
    if (index % 2) {
      request.set_index(index);
    } else {
      request.set_leaf_hash(std::string(merkle::AsBytes(merkle::HashLeaf(entry))));
    }
    auto proof = log.client().GetInclusionProof(request);
    ASSERT_THAT(proof, IsOk());
    ASSERT_EQ(proof->index(), index);
    ASSERT_EQ(proof->tree_size(), total);
    ASSERT_THAT(merkle::VerifyInclusion(index, total,
                                        merkle::AsBytes(merkle::HashLeaf(entry)),
                                        Hashes(proof->proof()),
                                        merkle::AsBytes(head.checkpoint.root)),
                IsOk())
        << "entry " << index;
  }

  std::vector<note::SignedCheckpoint> seen;
  for (const std::string& text : checkpoints) seen.push_back(Open(log, text));
  ASSERT_GE(seen.size(), 3u);
  int pairs = 0;
  for (const auto& a : seen) {
    for (const auto& b : seen) {
      if (a.checkpoint.size == 0 || a.checkpoint.size > b.checkpoint.size) continue;
      auto proof = log.client().GetConsistencyProof(a.checkpoint.size, b.checkpoint.size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_THAT(merkle::VerifyConsistency(a.checkpoint.size, b.checkpoint.size,
                                            Hashes(proof->proof()),
                                            merkle::AsBytes(a.checkpoint.root),
                                            merkle::AsBytes(b.checkpoint.root)),
                  IsOk());
      // The log serves each checkpoint it signed, verbatim.
      auto again = log.client().GetCheckpoint(b.checkpoint.size);
      ASSERT_THAT(again, IsOk());
      EXPECT_EQ(again->checkpoint(), b.note);
      ++pairs;
    }
  }
  EXPECT_GE(pairs, 3);

  // Entries come back byte for byte.
  auto entries = log.client().GetEntries(1, 10);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->entries_size(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(entries->entries(i), by_index[1 + i]);
}

TEST(LogService, DuplicateReturnsExistingIndexAndWaitGivesReceipt) {
  LogFixture log({.name = "dedup"});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  std::string entry = LogFixture::TestEntry(*key, 7);
  auto first = log.client().AddEntry(entry, /*wait_for_inclusion=*/true);
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->duplicate());
  note::SignedCheckpoint cp = Open(log, first->checkpoint());
  EXPECT_EQ(cp.checkpoint.size, first->tree_size());
  EXPECT_THAT(merkle::VerifyInclusion(first->index(), cp.checkpoint.size,
                                      merkle::AsBytes(merkle::HashLeaf(entry)),
                                      Hashes(first->inclusion_proof()),
                                      merkle::AsBytes(cp.checkpoint.root)),
              IsOk());

  auto again = log.client().AddEntry(entry, true);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->index(), first->index());
  EXPECT_EQ(TreeSize(log), 2u);

  auto found = log.client().LookupLeafHash(first->leaf_hash());
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->index(), first->index());
  EXPECT_TRUE(found->integrated());
}

TEST(LogService, RefusalsArePreciseAndChangeNothing) {
  LogFixture log({.name = "refusals"});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(log.WaitForSize(1), IsOk());
  const uint64_t sequenced = 1;

  PrivateKey stranger = *PrivateKey::Generate(KeyType::kEd25519);
  std::string good = LogFixture::TestEntry(*key, 1);
  auto tampered = *dsse::ParseEnvelope(good);
  tampered.payload += " ";
  Statement unknown_type;
  unknown_type.subjects.push_back(NamedSubject("x"));
  unknown_type.predicate_type = "https://candor.dev/nope/v1";
  unknown_type.predicate_json = "{}";
  registry::Registration not_by_admin;
  not_by_admin.set_name("mallory");
  not_by_admin.set_role(registry::v1::VENDOR);
  not_by_admin.add_public_keys(stranger.public_key().Pem());
  Statement self_registration;
  self_registration.subjects.push_back(NamedSubject("principal:mallory"));
  self_registration.predicate_type = std::string(registry::kRegistrationPredicateType);
  self_registration.predicate_json = PredicateToJson(not_by_admin);

  struct Case {
    std::string entry;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"", absl::StatusCode::kInvalidArgument,
       "DSSE envelope: invalid JSON at offset 0: unexpected end of input"},
      {"{\"payloadType\": 1}", absl::StatusCode::kInvalidArgument,
       "DSSE envelope: payloadType must be a string"},
      {std::string(70000, ' '), absl::StatusCode::kResourceExhausted,
       "entry is 70000 bytes; the limit is 65535"},
      {LogFixture::TestEntry(stranger, 1), absl::StatusCode::kPermissionDenied,
       "key " + dsse::KeyId(stranger.public_key()) + " is not registered"},
      {dsse::SerializeEnvelope(tampered), absl::StatusCode::kPermissionDenied,
       "signature 0 by key " + dsse::KeyId(key->public_key()) +
           " of \"example\" does not verify"},
      {*SignStatement(unknown_type, *key), absl::StatusCode::kInvalidArgument,
       "unknown predicate type \"https://candor.dev/nope/v1\""},
      {*SignStatement(self_registration, stranger),
       absl::StatusCode::kPermissionDenied,
       "a https://candor.dev/registration/v1 statement must be signed by the "
       "operator's admin key " +
           dsse::KeyId(log.admin_key().public_key()) +
           "; signature 0 has key id \"" + dsse::KeyId(stranger.public_key()) +
           "\""},
  };
  for (const Case& c : cases) {
    auto added = log.client().AddEntry(c.entry, false);
    EXPECT_THAT(added, StatusIs(c.code, c.message));
  }
  // Nothing was sequenced or integrated, and the server still serves: the
  // next good entry takes the next index, and the tree holds it and nothing
  // more.
  auto ok = log.client().AddEntry(good, true);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->index(), sequenced);
  EXPECT_EQ(TreeSize(log), sequenced + 1);

  // Read-side refusals.
  pb::GetInclusionProofRequest beyond;
  beyond.set_index(99);
  EXPECT_THAT(log.client().GetInclusionProof(beyond),
              StatusIs(absl::StatusCode::kOutOfRange,
                       "entry 99 is not in the tree of size 2"));
  EXPECT_THAT(log.client().GetConsistencyProof(0, 2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "need 0 < from_size <= to_size; got from_size 0, to_size 2"));
  EXPECT_THAT(log.client().GetConsistencyProof(1, 5),
              StatusIs(absl::StatusCode::kOutOfRange,
                       "to_size 5 is beyond the latest checkpoint (size 2)"));
  EXPECT_THAT(log.client().LookupLeafHash("short"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "leaf_hash: hash must be 32 bytes, got 5"));
  EXPECT_THAT(log.client().GetTile(0, 0, 0),
              StatusIs(absl::StatusCode::kNotFound,
                       "no tile tile/0/000 in the tree of size 2"));
  EXPECT_THAT(log.client().GetEntries(2, 1),
              StatusIs(absl::StatusCode::kOutOfRange,
                       "start 2 is not below the tree size 2"));
}

TEST(LogService, StreamReportsRefusalsInOrderAndGoesOn) {
  LogFixture log({.name = "stream"});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  grpc::ClientContext context;
  log.client().SetDeadline(context);
  auto stream = log.client().stub().AddEntries(&context);
  std::vector<std::string> entries = {LogFixture::TestEntry(*key, 1), "garbage",
                                      LogFixture::TestEntry(*key, 2),
                                      LogFixture::TestEntry(*key, 1)};
  for (const std::string& e : entries) {
    pb::AddEntryRequest request;
    request.set_entry(e);
    ASSERT_TRUE(stream->Write(request));
  }
  stream->WritesDone();
  std::vector<pb::AddEntriesResponse> responses;
  pb::AddEntriesResponse r;
  while (stream->Read(&r)) responses.push_back(r);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0].added().index(), 1u);
  EXPECT_EQ(responses[1].error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(responses[1].error().message(),
            "DSSE envelope: invalid JSON at offset 0: unexpected character");
  EXPECT_EQ(responses[2].added().index(), 2u);
  EXPECT_TRUE(responses[3].added().duplicate());
  EXPECT_EQ(responses[3].added().index(), 1u);
}

// A client that vanishes with entries in flight: the answers that complete
// after its stream broke are dropped, the stream finishes, and the server
// stops. (It used to keep them and wait for the client forever, so SIGTERM
// never stopped the log.)
TEST(LogService, AStreamWhoseClientVanishedDoesNotHoldUpShutdown) {
  LogFixture log({.name = "vanished"});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  for (int round = 0; round < 5; ++round) {
    grpc::ClientContext context;
    log.client().SetDeadline(context);
    auto stream = log.client().stub().AddEntries(&context);
    for (int i = 0; i < 200; ++i) {
      pb::AddEntryRequest request;
      request.set_entry(LogFixture::TestEntry(*key, 1000 * round + i));
      if (!stream->Write(request)) break;
    }
    context.TryCancel();
  }
  absl::Notification stopped;
  std::thread stopper([&] {
    log.Stop();
    stopped.Notify();
  });
  if (!stopped.WaitForNotificationWithTimeout(absl::Seconds(60))) {
    ADD_FAILURE() << "the log did not stop within 60 s of its clients vanishing";
    std::_Exit(1);  // the server cannot be destroyed; end the test binary
  }
  stopper.join();
}

TEST(LogService, RestartKeepsTreeCheckpointsAndDedupIndex) {
  LogFixtureOptions options{.name = "restart"};
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  std::vector<std::string> entries;
  for (int i = 0; i < 300; ++i) {
    entries.push_back(LogFixture::TestEntry(*key, i));
    ASSERT_THAT(log.client().AddEntry(entries.back(), false), IsOk());
  }
  ASSERT_THAT(log.WaitForSize(301), IsOk());
  std::string before = log.client().GetCheckpoint()->checkpoint();

  ASSERT_THAT(log.Start(), IsOk());  // stops and reopens the same directory
  auto after = log.client().GetCheckpoint();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->checkpoint(), before);
  auto dup = log.client().AddEntry(entries[123], false);
  ASSERT_THAT(dup, IsOk());
  EXPECT_TRUE(dup->duplicate());
  EXPECT_EQ(dup->index(), 124u);
  // The registry survived too: the vendor's key still signs.
  auto next = log.client().AddEntry(LogFixture::TestEntry(*key, 1000), true);
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->index(), 301u);
  note::SignedCheckpoint old_cp = Open(log, before);
  note::SignedCheckpoint new_cp = Open(log, next->checkpoint());
  auto proof = log.client().GetConsistencyProof(301, new_cp.checkpoint.size);
  ASSERT_THAT(proof, IsOk());
  EXPECT_THAT(merkle::VerifyConsistency(301, new_cp.checkpoint.size,
                                        Hashes(proof->proof()),
                                        merkle::AsBytes(old_cp.checkpoint.root),
                                        merkle::AsBytes(new_cp.checkpoint.root)),
              IsOk());
}

// Tiles read back from the published files, as a client of a static web
// server would, rebuild the checkpoint's root and prove inclusion.
class FileTiles : public tiles::TileSource {
 public:
  FileTiles(std::string dir, uint64_t size) : dir_(std::move(dir)), size_(size) {}
  absl::StatusOr<std::string> ReadTile(const tiles::TileId& t) override {
    uint32_t width = tiles::TileWidth(t.level, t.index, size_);
    return ReadFileToString(
        absl::StrCat(dir_, "/", tiles::TilePath(t.level, t.index, width)));
  }

 private:
  std::string dir_;
  uint64_t size_;
};

TEST(LogService, PublishedTilesVerifyAgainstCheckpoint) {
  LogFixture log({.name = "tiles", .with_tiles = true});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  std::vector<std::string> entries = {""};  // index 0: the registration
  for (int i = 1; i < 700; ++i) {
    entries.push_back(LogFixture::TestEntry(*key, i));
    ASSERT_THAT(log.client().AddEntry(entries.back(), false), IsOk());
  }
  ASSERT_THAT(log.WaitForSize(700), IsOk());
  // Files follow the commit.
  ASSERT_THAT(log.server().integrator()->WaitForPublishedFiles(
                  700, absl::Now() + absl::Minutes(3)),
              IsOk());

  auto text = ReadFileToString(log.tiles_dir() + "/checkpoint");
  ASSERT_THAT(text, IsOk());
  note::SignedCheckpoint cp = Open(log, *text);
  ASSERT_EQ(cp.checkpoint.size, 700u);
  FileTiles files(log.tiles_dir(), cp.checkpoint.size);
  tiles::TileNodeReader reader(files);
  auto root = merkle::RootFromNodes(cp.checkpoint.size, reader);
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(*root, cp.checkpoint.root);
  for (uint64_t i : {1, 255, 256, 511, 699}) {
    auto proof = merkle::InclusionProof(i, cp.checkpoint.size, reader);
    ASSERT_THAT(proof, IsOk());
    EXPECT_THAT(merkle::VerifyInclusion(i, 700,
                                        merkle::AsBytes(merkle::HashLeaf(entries[i])),
                                        *proof, merkle::AsBytes(cp.checkpoint.root)),
                IsOk());
  }
  // Entry bundles hold the entries byte for byte; the last is partial.
  auto bundle = ReadFileToString(log.tiles_dir() + "/tile/entries/002.p/188");
  ASSERT_THAT(bundle, IsOk());
  auto parsed = tiles::ParseEntryBundle(*bundle);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->size(), 188u);
  EXPECT_EQ((*parsed)[187], entries[699]);
  auto full = ReadFileToString(log.tiles_dir() + "/tile/entries/001");
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(tiles::ParseEntryBundle(*full)->size(), 256u);
  // The gRPC tile API serves the same bytes.
  auto tile = log.client().GetTile(0, 2, 188);
  ASSERT_THAT(tile, IsOk());
  EXPECT_EQ(tile->data(), *ReadFileToString(log.tiles_dir() + "/tile/0/002.p/188"));

  // Partial tiles and bundles of the tiles that became full are gone, so
  // the directory grows with the log and not with its number of checkpoints.
  for (const char* gone : {"tile/0/000.p", "tile/0/001.p", "tile/entries/000.p",
                           "tile/entries/001.p"}) {
    EXPECT_FALSE(std::filesystem::exists(log.tiles_dir() + "/" + gone)) << gone;
  }
  // What remains partial is the last, incomplete tile of each level, one
  // version per checkpoint that ended inside it; beside its newest version
  // the directory holds about the entries' own bytes.
  uint64_t entry_bytes = 0;
  for (const std::string& e : entries) entry_bytes += e.size();
  // The incomplete tiles at size 700, and their newest versions.
  const std::map<std::string, std::string> incomplete = {
      {"tile/0/002.p", "188"}, {"tile/entries/002.p", "188"}, {"tile/1/000.p", "2"}};
  uint64_t file_bytes = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(log.tiles_dir())) {
    if (!f.is_regular_file()) continue;
    const std::string dir =
        std::filesystem::relative(f.path().parent_path(), log.tiles_dir()).string();
    if (absl::EndsWith(dir, ".p")) {
      ASSERT_EQ(incomplete.count(dir), 1u) << "a partial of a full tile: " << f.path();
      if (f.path().filename() != incomplete.at(dir)) continue;
    }
    file_bytes += f.file_size();
  }
  EXPECT_LT(file_bytes, entry_bytes * 3 / 2)
      << "tiles directory " << file_bytes << " bytes for " << entry_bytes
      << " bytes of entries";
}

}  // namespace
}  // namespace candor::testing
