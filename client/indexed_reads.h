// `candor apps` and `candor findings` read from the log itself, through its
// verifiable index (client/index_read.h), with every answer verified: the
// alternative to asking a verifier, whose own index could leave something
// out unseen. Both take --log and --log_pub, print what they read to `err`
// and return what the verifier's ListApps and ListFindings would.

#ifndef CANDOR_CLIENT_INDEXED_READS_H_
#define CANDOR_CLIENT_INDEXED_READS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli.h"
#include "proto/candor/verifier/v1/verifier.pb.h"

namespace candor::cli {

// Every app any entry of the log is about (the index's table of contents),
// with its claims (the vendor's claim in force now), measurements and
// findings counted from its verified entries.
absl::StatusOr<std::vector<verifier::v1::AppSummary>> AppsFromLog(const Args& args,
                                                                  std::ostream& err);

// Every finding a registered verifier published about `app`, in log order.
absl::StatusOr<std::vector<verifier::v1::FindingSummary>> FindingsFromLog(
    const Args& args, const std::string& app, std::ostream& err);

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_INDEXED_READS_H_
