// gMock matchers for absl::Status and absl::StatusOr, so tests match an
// error's code and its exact message in one readable assertion:
//
//   EXPECT_THAT(Parse(text), StatusIs(absl::StatusCode::kInvalidArgument,
//                                     "invalid JSON at offset 0: ..."));
//   EXPECT_THAT(Parse(text), IsOk());

#ifndef CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace candor::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER_P2(StatusIs, code, message,
           std::string("has code ") + absl::StatusCodeToString(code) +
               " and message \"" + std::string(message) + "\"") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code && std::string(s.message()) == std::string(message);
}

// The code, and a message starting with `prefix`: for messages that end in
// values the test cannot know (e.g. a hash computed from a tampered proof).
MATCHER_P2(StatusIsWithPrefix, code, prefix,
           std::string("has code ") + absl::StatusCodeToString(code) +
               " and a message starting \"" + std::string(prefix) + "\"") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  const std::string message(s.message());
  return s.code() == code && message.rfind(std::string(prefix), 0) == 0;
}

MATCHER_P(StatusCodeIs, code,
          std::string("has code ") + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code;
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  return s.ok();
}

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_
