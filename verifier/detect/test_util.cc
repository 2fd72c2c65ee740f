#include "verifier/detect/test_util.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace candor::detect::testing {

namespace v1 = ::candor::measurement::v1;

bool D::operator==(const D& o) const {
  return where == o.where && name == o.name && data_type == o.data_type &&
         encodings == o.encodings && honey == o.honey && evidence == o.evidence;
}

void PrintTo(const D& d, std::ostream* os) {
  *os << "\n{v1::" << v1::Where_Name(d.where) << ", \"" << d.name << "\", \""
      << d.data_type << "\", {"
      << absl::StrJoin(d.encodings, ", ",
                       [](std::string* out, v1::Encoding e) {
                         absl::StrAppend(out, "v1::", v1::Encoding_Name(e));
                       })
      << "}, " << d.honey << ", \"" << d.evidence << "\"}";
}

D ToD(const v1::Detection& d, const Identities& identities) {
  int honey = -1;
  for (size_t i = 0; i < identities.values.size(); ++i) {
    if (identities.values[i].commitment == d.honey_commitment()) {
      honey = static_cast<int>(i);
    }
  }
  std::vector<v1::Encoding> encodings;
  for (int e : d.encodings()) encodings.push_back(static_cast<v1::Encoding>(e));
  return D{d.where(), d.name(),    d.data_type(), std::move(encodings),
           honey,     d.evidence()};
}

std::vector<D> ToD(const google::protobuf::RepeatedPtrField<v1::Detection>& ds,
                   const Identities& identities) {
  std::vector<D> out;
  for (const v1::Detection& d : ds) out.push_back(ToD(d, identities));
  return out;
}

std::vector<D> ToD(const std::vector<v1::Detection>& ds,
                   const Identities& identities) {
  std::vector<D> out;
  for (const v1::Detection& d : ds) out.push_back(ToD(d, identities));
  return out;
}

}  // namespace candor::detect::testing
