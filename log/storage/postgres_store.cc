#include "log/storage/postgres_store.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "log/logging/logging.h"
#include "postgresql/libpq-fe.h"

namespace candor::storage {
namespace {

// The version of the tables' layout, kept in candor_schema.
constexpr int kLayoutVersion = 1;
// Records per page of a Scan.
constexpr int kScanPage = 1024;
// Held while creating the tables, so that instances starting together do
// not race (a 64-bit constant: "candor" in ASCII).
constexpr char kCreateLock[] = "SELECT pg_advisory_xact_lock(109532293145970)";

// PostgreSQL type OIDs of prepared statements' parameters.
constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kText = 25, kBytea = 17;
constexpr Oid kInt2Array = 1005, kByteaArray = 1001;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

struct Statement {
  const char* name;
  const char* sql;
  std::vector<Oid> types;
};

const std::vector<Statement>& Statements() {
  static const auto* statements = new std::vector<Statement>{
      {"get", "SELECT value FROM candor_records WHERE family = $1 AND key = $2",
       {kInt2, kBytea}},
      {"scan_to",
       "SELECT key, value FROM candor_records WHERE family = $1 AND key >= $2 "
       "AND key < $3 ORDER BY key LIMIT $4",
       {kInt2, kBytea, kBytea, kInt4}},
      {"scan_open",
       "SELECT key, value FROM candor_records WHERE family = $1 AND key >= $2 "
       "ORDER BY key LIMIT $3",
       {kInt2, kBytea, kInt4}},
      // One index range scan per prefix: OFFSET 0 keeps the planner from
      // flattening the subquery into a join, which it plans as a scan of
      // the whole family (it cannot estimate the ranges).
      {"scan_prefixes",
       "SELECT q.i, r.key, r.value FROM unnest($2::bytea[], $3::bytea[]) "
       "WITH ORDINALITY AS q(lo, hi, i) CROSS JOIN LATERAL "
       "(SELECT key, value FROM candor_records WHERE family = $1 AND key >= q.lo "
       "AND key < q.hi ORDER BY key OFFSET 0) AS r ORDER BY q.i, r.key",
       {kInt2, kByteaArray, kByteaArray}},
      // The fence: the lease row, locked for share so that a new holder's
      // update waits for this commit, and only if it is still our epoch.
      {"commit",
       "WITH fence AS (SELECT epoch FROM candor_lease WHERE id = 1 AND epoch = $4 "
       "FOR SHARE) "
       "INSERT INTO candor_records (family, key, value) "
       "SELECT w.family, w.key, w.value FROM fence, "
       "unnest($1::smallint[], $2::bytea[], $3::bytea[]) AS w(family, key, value) "
       "ON CONFLICT (family, key) DO UPDATE SET value = EXCLUDED.value",
       {kInt2Array, kByteaArray, kByteaArray, kInt8}},
      // Renews our lease, or takes an expired one with a new epoch.
      {"acquire",
       "UPDATE candor_lease SET "
       "epoch = CASE WHEN epoch = $2 AND holder = $1 THEN epoch ELSE epoch + 1 END, "
       "holder = $1, expires_at = now() + $3::float8 * interval '1 millisecond' "
       "WHERE id = 1 AND ((epoch = $2 AND holder = $1) OR expires_at < now()) "
       "RETURNING epoch",
       {kText, kInt8, kInt8}},
      {"holder", "SELECT holder, epoch, expires_at > now() FROM candor_lease WHERE id = 1",
       {}},
      {"release",
       "UPDATE candor_lease SET expires_at = '-infinity' WHERE id = 1 AND epoch = $1",
       {kInt8}},
      {"size", "SELECT pg_total_relation_size('candor_records')", {}},
  };
  return *statements;
}

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

uint64_t ReadBigEndian(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// PostgreSQL's binary form of a one-dimensional array without nulls.
class BinaryArray {
 public:
  explicit BinaryArray(Oid element_type) : element_type_(element_type) {}
  void Add(absl::string_view element) {
    absl::StrAppend(&elements_, BigEndian(element.size(), 4), element);
    ++count_;
  }
  std::string Encode() const {
    return absl::StrCat(BigEndian(1, 4), BigEndian(0, 4), BigEndian(element_type_, 4),
                        BigEndian(count_, 4), BigEndian(1, 4), elements_);
  }

 private:
  Oid element_type_;
  size_t count_ = 0;
  std::string elements_;
};

// What the server said, as a status: UNAVAILABLE for what may pass,
// DATA_LOSS for the rest.
absl::Status StatusOf(const PGresult* result, PGconn* conn, absl::string_view what) {
  // The server's own sentence, without severity and context lines.
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? primary : "";
  if (message.empty() && result != nullptr) message = PQresultErrorMessage(result);
  if (message.empty()) message = PQerrorMessage(conn);
  message = std::string(absl::StripAsciiWhitespace(message));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const std::string text = absl::StrCat("PostgreSQL, ", what, ": ", message,
                                        sqlstate.empty() ? "" : absl::StrCat(" (SQLSTATE ", sqlstate, ")"));
  const bool passing =
      sqlstate.empty() || PQstatus(conn) != CONNECTION_OK ||
      absl::StartsWith(sqlstate, "08") ||  // connection exception
      absl::StartsWith(sqlstate, "53") ||  // insufficient resources
      absl::StartsWith(sqlstate, "57") ||  // operator intervention, timeouts
      absl::StartsWith(sqlstate, "58") ||  // system error
      absl::StartsWith(sqlstate, "40") ||  // serialization failure, deadlock
      absl::StartsWith(sqlstate, "55") ||  // lock not available (lock_timeout)
      sqlstate == "25006";                 // read-only transaction (a standby)
  return passing ? absl::UnavailableError(text) : absl::DataLossError(text);
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Runs a prepared statement; parameters are binary unless `text` says.
absl::StatusOr<Result> Run(PGconn* conn, const char* statement,
                           const std::vector<std::string>& params,
                           const std::vector<bool>& is_null = {},
                           const std::vector<bool>& text = {}) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const bool null = i < is_null.size() && is_null[i];
    values[i] = null ? nullptr : params[i].data();
    lengths[i] = static_cast<int>(params[i].size());
    formats[i] = i < text.size() && text[i] ? 0 : 1;
  }
  Result result(PQexecPrepared(conn, statement, static_cast<int>(params.size()),
                               values.data(), lengths.data(), formats.data(),
                               /*resultFormat=*/1));
  if (result == nullptr || !Succeeded(result.get())) {
    return StatusOf(result.get(), conn, statement);
  }
  return result;
}

absl::Status Exec(PGconn* conn, const std::string& sql, absl::string_view what) {
  Result result(PQexec(conn, sql.c_str()));
  if (result == nullptr || !Succeeded(result.get())) return StatusOf(result.get(), conn, what);
  return absl::OkStatus();
}

std::string Int2(Family family) { return BigEndian(static_cast<uint64_t>(family), 2); }

absl::StatusOr<std::optional<std::string>> GetOn(PGconn* conn, Family family,
                                                 absl::string_view key) {
  absl::StatusOr<Result> r = Run(conn, "get", {Int2(family), std::string(key)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::nullopt;
  return std::string(PQgetvalue(r->get(), 0, 0), PQgetlength(r->get(), 0, 0));
}

absl::Status ScanOn(PGconn* conn, Family family, absl::string_view start,
                    absl::string_view limit,
                    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) {
  std::string from(start);
  while (true) {
    absl::StatusOr<Result> r =
        limit.empty()
            ? Run(conn, "scan_open", {Int2(family), from, BigEndian(kScanPage, 4)})
            : Run(conn, "scan_to",
                  {Int2(family), from, std::string(limit), BigEndian(kScanPage, 4)});
    if (!r.ok()) return r.status();
    const int rows = PQntuples(r->get());
    for (int i = 0; i < rows; ++i) {
      absl::string_view key(PQgetvalue(r->get(), i, 0), PQgetlength(r->get(), i, 0));
      absl::string_view value(PQgetvalue(r->get(), i, 1), PQgetlength(r->get(), i, 1));
      if (!visit(key, value)) return absl::OkStatus();
      if (i == rows - 1) from = absl::StrCat(key, std::string(1, '\0'));
    }
    if (rows < kScanPage) return absl::OkStatus();
  }
}

class PostgresStore : public RecordStore, public Lease {
 public:
  PostgresStore(std::string uri, PostgresOptions options)
      : uri_(std::move(uri)), options_(std::move(options)) {}

  // Creates the tables if they are missing and checks their version.
  absl::Status Init() {
    absl::StatusOr<Conn> conn =
        Connect(absl::Now() + options_.call_timeout, /*prepare=*/false);
    if (!conn.ok()) return conn.status();
    PGconn* c = conn->get();
    std::string create = absl::StrCat(
        "BEGIN; ", kCreateLock, "; ",
        "CREATE TABLE IF NOT EXISTS candor_schema (version integer NOT NULL); "
        "CREATE TABLE IF NOT EXISTS candor_records (family smallint NOT NULL, "
        "key bytea NOT NULL, value bytea NOT NULL, PRIMARY KEY (family, key)); "
        "CREATE TABLE IF NOT EXISTS candor_lease (id integer PRIMARY KEY CHECK (id = 1), "
        "epoch bigint NOT NULL, holder text NOT NULL, expires_at timestamptz NOT NULL); "
        "INSERT INTO candor_lease VALUES (1, 0, '', '-infinity') ON CONFLICT DO NOTHING; "
        "INSERT INTO candor_schema SELECT ", kLayoutVersion,
        " WHERE NOT EXISTS (SELECT 1 FROM candor_schema); ");
    for (const RecordWrite& w : options_.initial_records) {
      // Literal bytes as hex: the records are small and ours.
      absl::StrAppend(&create, "INSERT INTO candor_records VALUES (",
                      static_cast<int>(w.family), ", '\\x", HexOf(w.key), "'::bytea, '\\x",
                      HexOf(w.value), "'::bytea) ON CONFLICT DO NOTHING; ");
    }
    absl::StrAppend(&create, "COMMIT;");
    if (absl::Status s = Exec(c, create, "creating the tables"); !s.ok()) return s;
    Result version(PQexec(c, "SELECT version FROM candor_schema"));
    if (version == nullptr || !Succeeded(version.get())) {
      return StatusOf(version.get(), c, "reading the layout version");
    }
    int v = 0;
    if (PQntuples(version.get()) != 1 ||
        !absl::SimpleAtoi(PQgetvalue(version.get(), 0, 0), &v) || v != kLayoutVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database's candor_schema does not say version ", kLayoutVersion,
          " (this build's table layout); refusing to use it"));
    }
    // Replication is the operator's to set up; say when there is none.
    Result standbys(PQexec(c, "SHOW synchronous_standby_names"));
    if (standbys != nullptr && Succeeded(standbys.get()) && PQntuples(standbys.get()) == 1 &&
        absl::string_view(PQgetvalue(standbys.get(), 0, 0)).empty()) {
      logging::Warning(
          "PostgreSQL has no synchronous standby (synchronous_standby_names is empty): "
          "a commit is durable on the primary alone, and a failover may lose acknowledged "
          "entries");
    }
    return absl::OkStatus();
  }

  // A clean stop gives the lease up, so the next holder need not wait for
  // it to expire; if the database cannot be reached, expiry does the same.
  ~PostgresStore() override { Release().IgnoreError(); }

  absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                 absl::string_view key) override {
    absl::StatusOr<std::optional<std::string>> value;
    absl::Status s = OnConnection(/*progressed=*/nullptr, [&](PGconn* c) {
      value = GetOn(c, family, key);
      return value.status();
    });
    if (!s.ok()) return s;
    return value;
  }

  absl::Status Scan(Family family, absl::string_view start, absl::string_view limit,
                    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      override {
    bool progressed = false;
    return OnConnection(&progressed, [&](PGconn* c) {
      return ScanOn(c, family, start, limit, [&](absl::string_view k, absl::string_view v) {
        progressed = true;
        return visit(k, v);
      });
    });
  }

  absl::Status ScanPrefixes(
      Family family, absl::Span<const std::string> prefixes,
      absl::FunctionRef<void(size_t, absl::string_view, absl::string_view)> visit) override {
    BinaryArray lows(kBytea), highs(kBytea);
    for (const std::string& prefix : prefixes) {
      const std::string high = PrefixSuccessor(prefix);
      // A prefix of 0xff bytes only has no upper bound; scan it alone.
      if (high.empty()) return RecordStore::ScanPrefixes(family, prefixes, visit);
      lows.Add(prefix);
      highs.Add(high);
    }
    if (prefixes.empty()) return absl::OkStatus();
    absl::StatusOr<Result> r =
        RunPooled("scan_prefixes", {Int2(family), lows.Encode(), highs.Encode()});
    if (!r.ok()) return r.status();
    for (int row = 0; row < PQntuples(r->get()); ++row) {
      if (PQgetlength(r->get(), row, 0) != 8) {
        return absl::DataLossError("PostgreSQL answered a prefix scan in an unknown form");
      }
      const uint64_t i = ReadBigEndian(PQgetvalue(r->get(), row, 0), 8);
      if (i < 1 || i > prefixes.size()) {
        return absl::DataLossError("PostgreSQL answered a prefix scan out of range");
      }
      visit(i - 1,
            absl::string_view(PQgetvalue(r->get(), row, 1), PQgetlength(r->get(), row, 1)),
            absl::string_view(PQgetvalue(r->get(), row, 2), PQgetlength(r->get(), row, 2)));
    }
    return absl::OkStatus();
  }

  absl::Status ReadSnapshot(absl::FunctionRef<absl::Status(RecordReader&)> read) override {
    bool progressed = false;
    return OnConnection(&progressed, [&](PGconn* c) {
      absl::Status s =
          Exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a snapshot");
      if (!s.ok()) return s;
      progressed = true;
      SnapshotReader reader(c);
      s = read(reader);
      absl::Status end = Exec(c, s.ok() ? "COMMIT" : "ROLLBACK", "ending a snapshot");
      return s.ok() ? end : s;
    });
  }

  absl::Status Commit(absl::Span<const RecordWrite> writes, bool /*sync*/) override {
    // Every commit is synced: the session's synchronous_commit is on.
    const int64_t epoch = epoch_.load();
    if (epoch == 0) {
      return absl::FailedPreconditionError(
          "this instance does not hold the sequencer lease, so it writes nothing");
    }
    // ON CONFLICT may touch a row once per statement: the last write of a
    // key wins, as the contract says.
    absl::flat_hash_map<std::pair<int, absl::string_view>, size_t> last;
    for (size_t i = 0; i < writes.size(); ++i) {
      last[{static_cast<int>(writes[i].family), writes[i].key}] = i;
    }
    BinaryArray families(kInt2), keys(kBytea), values(kBytea);
    size_t rows = 0;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (last[{static_cast<int>(writes[i].family), writes[i].key}] != i) continue;
      families.Add(Int2(writes[i].family));
      keys.Add(writes[i].key);
      values.Add(writes[i].value);
      ++rows;
    }
    if (rows == 0) return absl::OkStatus();
    // Never retried: a commit whose connection died may have committed.
    absl::StatusOr<Result> r =
        RunPooled("commit",
                  {families.Encode(), keys.Encode(), values.Encode(), BigEndian(epoch, 8)},
                  /*retry_if_closed=*/false);
    if (!r.ok()) return r.status();
    uint64_t written = 0;
    if (!absl::SimpleAtoi(PQcmdTuples(r->get()), &written) || written != rows) {
      int64_t expected = epoch;
      epoch_.compare_exchange_strong(expected, 0);
      return absl::FailedPreconditionError(absl::StrCat(
          "the sequencer lease of epoch ", epoch,
          " was taken over by another instance; this one wrote nothing and no "
          "longer sequences"));
    }
    return absl::OkStatus();
  }

  absl::Status Resume() override {
    absl::MutexLock lock(&mu_);
    opened_ -= idle_.size();
    idle_.clear();
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> EstimatedLiveBytes() override {
    absl::StatusOr<Result> r = RunPooled("size", {});
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) != 1 || PQgetlength(r->get(), 0, 0) != 8) {
      return absl::DataLossError("PostgreSQL answered the table size in an unknown form");
    }
    return ReadBigEndian(PQgetvalue(r->get(), 0, 0), 8);
  }

  Lease* lease() override { return this; }

  // Lease.
  absl::StatusOr<bool> Acquire(absl::string_view holder) override {
    const int64_t mine = epoch_.load();
    // A retry after a lost answer is safe: at worst the lease is ours
    // unknowingly and expires.
    absl::StatusOr<Result> r =
        RunPooled("acquire",
                  {std::string(holder), BigEndian(mine, 8),
                   BigEndian(absl::ToInt64Milliseconds(options_.lease_ttl), 8)},
                  /*retry_if_closed=*/true, /*text=*/{true, false, false});
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) {
      epoch_.store(0);
      return false;
    }
    epoch_.store(static_cast<int64_t>(ReadBigEndian(PQgetvalue(r->get(), 0, 0), 8)));
    return true;
  }

  absl::StatusOr<HolderInfo> Holder() override {
    absl::StatusOr<Result> r = RunPooled("holder", {});
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) != 1 || PQgetlength(r->get(), 0, 1) != 8) {
      return absl::DataLossError("the candor_lease table has no lease row");
    }
    HolderInfo info;
    info.holder.assign(PQgetvalue(r->get(), 0, 0), PQgetlength(r->get(), 0, 0));
    info.epoch = ReadBigEndian(PQgetvalue(r->get(), 0, 1), 8);
    info.live = PQgetlength(r->get(), 0, 2) == 1 && PQgetvalue(r->get(), 0, 2)[0] == 1;
    if (info.epoch == 0) return absl::NotFoundError("no instance has held the lease yet");
    return info;
  }

  absl::Status Release() override {
    const int64_t epoch = epoch_.exchange(0);
    if (epoch == 0) return absl::OkStatus();
    return RunPooled("release", {BigEndian(epoch, 8)}).status();
  }

  uint64_t epoch() const override { return static_cast<uint64_t>(epoch_.load()); }
  absl::Duration ttl() const override { return options_.lease_ttl; }

 private:
  class SnapshotReader : public RecordReader {
   public:
    explicit SnapshotReader(PGconn* conn) : conn_(conn) {}
    absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                   absl::string_view key) override {
      return GetOn(conn_, family, key);
    }
    absl::Status Scan(Family family, absl::string_view start, absl::string_view limit,
                      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
        override {
      return ScanOn(conn_, family, start, limit, visit);
    }

   private:
    PGconn* conn_;
  };

  static std::string HexOf(absl::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 15]);
    }
    return out;
  }

  // A new connection; with `prepare`, with every statement prepared.
  absl::StatusOr<Conn> Connect(absl::Time deadline, bool prepare = true) {
    const int64_t timeout_ms = absl::ToInt64Milliseconds(options_.call_timeout);
    const int64_t connect_s =
        std::max<int64_t>(2, absl::ToInt64Seconds(deadline - absl::Now()));
    const std::string connect_timeout = absl::StrCat(connect_s);
    const std::string user_timeout = absl::StrCat(timeout_ms);
    const std::string session = absl::StrCat(
        "-c synchronous_commit=on -c statement_timeout=", timeout_ms,
        " -c lock_timeout=", timeout_ms,
        " -c idle_in_transaction_session_timeout=", 2 * timeout_ms);
    // In order: defaults, then the operator's connection string (which
    // wins over them), then the session settings the store relies on.
    const char* keywords[] = {"target_session_attrs", "connect_timeout", "keepalives",
                              "keepalives_idle",      "keepalives_interval",
                              "keepalives_count",     "tcp_user_timeout",
                              "application_name",     "dbname",
                              "options",              nullptr};
    const char* values[] = {"read-write",    connect_timeout.c_str(), "1", "5", "2", "2",
                            user_timeout.c_str(), "candor-log", uri_.c_str(),
                            session.c_str(), nullptr};
    Conn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
    if (conn == nullptr) return absl::UnavailableError("PostgreSQL: out of memory connecting");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      return absl::UnavailableError(absl::StrCat(
          "PostgreSQL, connecting: ",
          absl::StripAsciiWhitespace(PQerrorMessage(conn.get()))));
    }
    // The server's notices ("relation already exists, skipping") are not
    // ours to print.
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    for (const Statement& s : Statements()) {
      if (!prepare) break;
      Result r(PQprepare(conn.get(), s.name, s.sql, static_cast<int>(s.types.size()),
                         s.types.empty() ? nullptr : s.types.data()));
      if (r == nullptr || !Succeeded(r.get())) {
        return StatusOf(r.get(), conn.get(), absl::StrCat("preparing ", s.name));
      }
    }
    return conn;
  }

  // Runs `call` on a pooled connection. If a connection that idled in the
  // pool turns out closed by the server (a restart, a failover) and nothing
  // was seen yet (`progressed` is null or false), runs it once more on a new
  // connection, the other idle ones being dropped too.
  absl::Status OnConnection(const bool* progressed,
                            absl::FunctionRef<absl::Status(PGconn*)> call) {
    for (int attempt = 0;; ++attempt) {
      bool reused = false;
      absl::StatusOr<Conn> conn = Take(&reused);
      if (!conn.ok()) return conn.status();
      absl::Status s = call(conn->get());
      const bool closed = PQstatus(conn->get()) != CONNECTION_OK;
      Give(*std::move(conn));
      if (s.ok() || !closed || !reused || attempt > 0 ||
          (progressed != nullptr && *progressed)) {
        return s;
      }
      Resume().IgnoreError();
    }
  }

  // Runs a prepared statement (parameters binary unless `text` says) on a
  // pooled connection, retried as OnConnection says unless not
  // `retry_if_closed` (a write whose outcome a lost connection leaves
  // unknown).
  absl::StatusOr<Result> RunPooled(const char* statement,
                                   const std::vector<std::string>& params,
                                   bool retry_if_closed = true,
                                   const std::vector<bool>& text = {}) {
    absl::StatusOr<Result> r;
    const bool never_retry = !retry_if_closed;
    absl::Status s = OnConnection(&never_retry, [&](PGconn* c) {
      r = Run(c, statement, params, {}, text);
      return r.status();
    });
    if (!s.ok()) return s;
    return r;
  }

  // A pooled connection (`reused`: it idled in the pool), waiting for one
  // until the call's deadline.
  absl::StatusOr<Conn> Take(bool* reused) {
    const absl::Time deadline = absl::Now() + options_.call_timeout;
    {
      absl::MutexLock lock(&mu_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || opened_ < options_.pool_size;
      };
      if (!mu_.AwaitWithDeadline(absl::Condition(&available), deadline)) {
        return absl::UnavailableError(absl::StrCat(
            "PostgreSQL: no connection of the pool (", options_.pool_size,
            ") came free within ", absl::FormatDuration(options_.call_timeout)));
      }
      if (!idle_.empty()) {
        Conn conn = std::move(idle_.back());
        idle_.pop_back();
        *reused = true;
        return conn;
      }
      ++opened_;
    }
    absl::StatusOr<Conn> conn = Connect(deadline);
    if (!conn.ok()) {
      absl::MutexLock lock(&mu_);
      --opened_;
    }
    return conn;
  }

  // Returns a connection to the pool, or closes it if it failed.
  void Give(Conn conn) {
    const bool healthy = PQstatus(conn.get()) == CONNECTION_OK &&
                         PQtransactionStatus(conn.get()) == PQTRANS_IDLE;
    absl::MutexLock lock(&mu_);
    if (healthy) {
      idle_.push_back(std::move(conn));
    } else {
      --opened_;
    }
  }

  const std::string uri_;
  const PostgresOptions options_;
  // The fencing epoch of the lease this process holds; 0 if none.
  std::atomic<int64_t> epoch_{0};
  absl::Mutex mu_;
  std::vector<Conn> idle_ ABSL_GUARDED_BY(mu_);
  size_t opened_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

bool IsPostgresUri(absl::string_view location) {
  return absl::StartsWith(location, "postgresql://") ||
         absl::StartsWith(location, "postgres://");
}

absl::StatusOr<std::unique_ptr<RecordStore>> OpenPostgresStore(
    const std::string& uri, const PostgresOptions& options) {
  if (options.pool_size == 0) {
    return absl::InvalidArgumentError("the PostgreSQL pool needs at least one connection");
  }
  auto store = std::make_unique<PostgresStore>(uri, options);
  if (absl::Status s = store->Init(); !s.ok()) return s;
  return store;
}

}  // namespace candor::storage
