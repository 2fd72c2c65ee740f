// The PostgreSQL engine (record_store.h), through libpq: every record is a
// row of one table,
//
//   candor_records (family smallint, key bytea, value bytea,
//                   primary key (family, key))
//
// so that a log moved between engines keeps the same records, and the
// sequencer lease is the one row of candor_lease (epoch, holder,
// expires_at). The server creates both tables (and candor_schema, holding
// the version of this layout) when they are missing, in one transaction
// under an advisory lock, so that instances starting together agree.
//
// Each Commit is one INSERT ... ON CONFLICT statement, i.e. one transaction,
// fed by arrays, whose first step locks the lease row for share and writes
// nothing unless this process's fencing epoch is still the lease's: a new
// holder raises the epoch under an exclusive lock, so it waits for a commit
// in flight and every later commit of the old holder writes nothing and
// fails with FAILED_PRECONDITION. The session forces synchronous_commit =
// on, so a commit returns only once it is flushed on the primary and on the
// synchronous standbys the primary waits for (synchronous_standby_names).
//
// Connections come from a bounded pool, each with its statements prepared
// once. Every call has a deadline: waiting for a free connection, connecting
// (connect_timeout), and each statement (statement_timeout on the server,
// tcp_user_timeout for a peer that vanished). Errors are UNAVAILABLE for
// connection loss, timeouts, a read-only server (a standby not yet
// promoted), lack of resources (a full disk), locks not granted in time and
// serialization failures; DATA_LOSS for
// anything else the server refuses (corrupt data, a schema that is not
// ours); both carry the server's message. A connection that failed is
// dropped, so after a failover the next call connects to whichever host
// accepts writes (libpq's target_session_attrs=read-write over a list of
// hosts); a read that finds its pooled connection closed by the server is
// run once more on a new one (a commit never is: it may have committed).
//
// A Scan of more than one page (4,096 records) outside ReadSnapshot may see
// commits made between its pages; the log scans only records that never
// change once written (entries, index keys) or reads the registry before
// it writes.
//
// Thread-safe.

#ifndef CANDOR_LOG_STORAGE_POSTGRES_STORE_H_
#define CANDOR_LOG_STORAGE_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/storage/record_store.h"

namespace candor::storage {

struct PostgresOptions {
  // Connections open at most at once.
  size_t pool_size = 8;
  // The deadline of every call: connecting, waiting for a free connection,
  // and each statement on the server.
  absl::Duration call_timeout = absl::Seconds(10);
  // How long the sequencer lease lasts without renewal.
  absl::Duration lease_ttl = absl::Seconds(5);
  // Records written, if absent, when the tables are created (the log's
  // schema version: a new log needs it before anyone holds the lease).
  std::vector<RecordWrite> initial_records;
};

// True for "postgresql://..." and "postgres://..." locations.
bool IsPostgresUri(absl::string_view location);

// Connects to `uri` (a libpq URI or key=value string; its parameters win
// over the defaults this adds: target_session_attrs=read-write,
// connect_timeout from the call timeout, TCP keepalives) and creates the
// tables if they are missing. FAILED_PRECONDITION if the database holds
// another version of the layout; UNAVAILABLE if it cannot be reached.
absl::StatusOr<std::unique_ptr<RecordStore>> OpenPostgresStore(
    const std::string& uri, const PostgresOptions& options);

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_POSTGRES_STORE_H_
