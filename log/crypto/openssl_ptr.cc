#include "log/crypto/openssl_ptr.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace candor {

absl::Status OpenSslError(absl::string_view what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return absl::InternalError(absl::StrCat(what, " failed"));
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return absl::InternalError(absl::StrCat(what, " failed: ", buf));
}

}  // namespace candor
