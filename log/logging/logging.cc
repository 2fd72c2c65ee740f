#include "log/logging/logging.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "log/json/json.h"

namespace candor::logging {
namespace {

void Write(absl::string_view level, absl::string_view message,
           std::initializer_list<Field> fields) {
  std::string line = absl::StrCat(
      "{\"time\":",
      json::Quote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                   absl::UTCTimeZone())),
      ",\"level\":", json::Quote(level), ",\"msg\":", json::Quote(message));
  for (const Field& f : fields) {
    absl::StrAppend(&line, ",", json::Quote(f.first), ":", json::Quote(f.second));
  }
  line += "}\n";
  // One write per line keeps lines whole when threads log at once.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void Info(absl::string_view message, std::initializer_list<Field> fields) {
  Write("info", message, fields);
}
void Warning(absl::string_view message, std::initializer_list<Field> fields) {
  Write("warning", message, fields);
}
void Error(absl::string_view message, std::initializer_list<Field> fields) {
  Write("error", message, fields);
}

}  // namespace candor::logging
