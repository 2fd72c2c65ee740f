// Structured logs: one JSON object per line on stderr, e.g.
//   {"time":"2026-11-28T16:00:00.123Z","level":"info","msg":"listening",
//    "address":"127.0.0.1:4000"}
// so that operators can filter them with jq. Never pass secrets here.
// Thread-safe.

#ifndef CANDOR_LOG_LOGGING_LOGGING_H_
#define CANDOR_LOG_LOGGING_LOGGING_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace candor::logging {

using Field = std::pair<absl::string_view, std::string>;

void Info(absl::string_view message, std::initializer_list<Field> fields = {});
void Warning(absl::string_view message,
             std::initializer_list<Field> fields = {});
void Error(absl::string_view message, std::initializer_list<Field> fields = {});

}  // namespace candor::logging

#endif  // CANDOR_LOG_LOGGING_LOGGING_H_
