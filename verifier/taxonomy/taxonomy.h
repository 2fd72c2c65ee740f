// Candor's data types: Google Play's Data safety taxonomy (14 categories, 38
// types) plus biometric data, with the mapping from Apple's App Privacy data
// types.
//
// Ids are "<category>.<type>", e.g. "location.precise",
// "personal_info.phone_number", "contacts.contacts"; a category id
// ("location") stands for all of its types wherever a claim lists data types.
//
// Static tables; all functions are pure and thread-safe.

#ifndef CANDOR_VERIFIER_TAXONOMY_TAXONOMY_H_
#define CANDOR_VERIFIER_TAXONOMY_TAXONOMY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace candor::taxonomy {

struct DataType {
  absl::string_view id;        // "location.precise"
  absl::string_view category;  // "location"
  absl::string_view label;     // "Precise location"
  // Play lists it; false for Candor's additions (biometrics).
  bool in_play_data_safety;
};

struct Category {
  absl::string_view id;     // "location"
  absl::string_view label;  // "Location"
};

absl::Span<const Category> Categories();
absl::Span<const DataType> DataTypes();

// The type with this id, or nullptr.
const DataType* FindType(absl::string_view id);
const Category* FindCategory(absl::string_view id);

// Expands type and category ids into the sorted, de-duplicated list of type
// ids they cover. INVALID_ARGUMENT names the first unknown id.
absl::StatusOr<std::vector<std::string>> Expand(
    absl::Span<const std::string> ids);

// Whether `type_id` is `id` or belongs to category `id`.
bool Covers(absl::string_view id, absl::string_view type_id);

// A human label for a type or category id ("Precise location"); the id itself
// if unknown.
std::string Label(absl::string_view id);

// Apple App Privacy data types, e.g. "Contact Info/Phone Number",
// "Location/Precise Location", "Identifiers/Device ID".
struct AppleMapping {
  absl::string_view apple;          // "Category/Type" as Apple names them
  std::vector<absl::string_view> candor;  // the Candor type ids it maps to
};
absl::Span<const AppleMapping> AppleMappings();
// The Candor types for an Apple data type; NOT_FOUND if Apple has no such
// type.
absl::StatusOr<std::vector<std::string>> FromApple(absl::string_view apple);

}  // namespace candor::taxonomy

#endif  // CANDOR_VERIFIER_TAXONOMY_TAXONOMY_H_
