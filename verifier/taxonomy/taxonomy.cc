#include "verifier/taxonomy/taxonomy.h"

#include <algorithm>

#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace candor::taxonomy {
namespace {

constexpr Category kCategories[] = {
    {"location", "Location"},
    {"personal_info", "Personal info"},
    {"financial_info", "Financial info"},
    {"health_and_fitness", "Health and fitness"},
    {"messages", "Messages"},
    {"photos_and_videos", "Photos and videos"},
    {"audio", "Audio files"},
    {"files_and_docs", "Files and docs"},
    {"calendar", "Calendar"},
    {"contacts", "Contacts"},
    {"app_activity", "App activity"},
    {"web_browsing", "Web browsing"},
    {"app_info_and_performance", "App info and performance"},
    {"device_or_other_ids", "Device or other IDs"},
    {"biometrics", "Biometric data"},
};

constexpr DataType kTypes[] = {
    {"location.approximate", "location", "Approximate location", true},
    {"location.precise", "location", "Precise location", true},
    {"personal_info.name", "personal_info", "Name", true},
    {"personal_info.email_address", "personal_info", "Email address", true},
    {"personal_info.user_ids", "personal_info", "User IDs", true},
    {"personal_info.address", "personal_info", "Address", true},
    {"personal_info.phone_number", "personal_info", "Phone number", true},
    {"personal_info.race_and_ethnicity", "personal_info", "Race and ethnicity", true},
    {"personal_info.political_or_religious_beliefs", "personal_info",
     "Political or religious beliefs", true},
    {"personal_info.sexual_orientation", "personal_info", "Sexual orientation", true},
    {"personal_info.other_info", "personal_info", "Other personal info", true},
    {"financial_info.user_payment_info", "financial_info", "User payment info", true},
    {"financial_info.purchase_history", "financial_info", "Purchase history", true},
    {"financial_info.credit_score", "financial_info", "Credit score", true},
    {"financial_info.other_financial_info", "financial_info", "Other financial info", true},
    {"health_and_fitness.health_info", "health_and_fitness", "Health info", true},
    {"health_and_fitness.fitness_info", "health_and_fitness", "Fitness info", true},
    {"messages.emails", "messages", "Emails", true},
    {"messages.sms_or_mms", "messages", "SMS or MMS", true},
    {"messages.other_in_app_messages", "messages", "Other in-app messages", true},
    {"photos_and_videos.photos", "photos_and_videos", "Photos", true},
    {"photos_and_videos.videos", "photos_and_videos", "Videos", true},
    {"audio.voice_or_sound_recordings", "audio", "Voice or sound recordings", true},
    {"audio.music_files", "audio", "Music files", true},
    {"audio.other_audio_files", "audio", "Other audio files", true},
    {"files_and_docs.files_and_docs", "files_and_docs", "Files and docs", true},
    {"calendar.calendar_events", "calendar", "Calendar events", true},
    {"contacts.contacts", "contacts", "Contacts", true},
    {"app_activity.app_interactions", "app_activity", "App interactions", true},
    {"app_activity.in_app_search_history", "app_activity", "In-app search history", true},
    {"app_activity.installed_apps", "app_activity", "Installed apps", true},
    {"app_activity.other_user_generated_content", "app_activity",
     "Other user-generated content", true},
    {"app_activity.other_actions", "app_activity", "Other actions", true},
    {"web_browsing.web_browsing_history", "web_browsing", "Web browsing history", true},
    {"app_info_and_performance.crash_logs", "app_info_and_performance", "Crash logs", true},
    {"app_info_and_performance.diagnostics", "app_info_and_performance", "Diagnostics", true},
    {"app_info_and_performance.other_app_performance_data",
     "app_info_and_performance", "Other app performance data", true},
    {"device_or_other_ids.device_or_other_ids", "device_or_other_ids",
     "Device or other IDs", true},
    {"biometrics.face_data", "biometrics", "Face data (face prints, face photos)", false},
    {"biometrics.voice_print", "biometrics", "Voice prints", false},
};


const std::vector<AppleMapping>& AppleTable() {
  static const auto* table = new std::vector<AppleMapping>{
      {"Contact Info/Name", {"personal_info.name"}},
      {"Contact Info/Email Address", {"personal_info.email_address"}},
      {"Contact Info/Phone Number", {"personal_info.phone_number"}},
      {"Contact Info/Physical Address", {"personal_info.address"}},
      {"Contact Info/Other User Contact Info", {"personal_info.other_info"}},
      {"Health & Fitness/Health", {"health_and_fitness.health_info"}},
      {"Health & Fitness/Fitness", {"health_and_fitness.fitness_info"}},
      {"Financial Info/Payment Info", {"financial_info.user_payment_info"}},
      {"Financial Info/Credit Info", {"financial_info.credit_score"}},
      {"Financial Info/Other Financial Info", {"financial_info.other_financial_info"}},
      {"Location/Precise Location", {"location.precise"}},
      {"Location/Coarse Location", {"location.approximate"}},
      {"Sensitive Info/Sensitive Info",
       {"personal_info.race_and_ethnicity",
        "personal_info.political_or_religious_beliefs",
        "personal_info.sexual_orientation", "biometrics.face_data",
        "biometrics.voice_print"}},
      {"Contacts/Contacts", {"contacts.contacts"}},
      {"User Content/Emails or Text Messages",
       {"messages.emails", "messages.sms_or_mms"}},
      {"User Content/Photos or Videos",
       {"photos_and_videos.photos", "photos_and_videos.videos"}},
      {"User Content/Audio Data",
       {"audio.voice_or_sound_recordings", "audio.music_files",
        "audio.other_audio_files"}},
      {"User Content/Gameplay Content", {"app_activity.other_user_generated_content"}},
      {"User Content/Customer Support", {"messages.other_in_app_messages"}},
      {"User Content/Other User Content",
       {"app_activity.other_user_generated_content", "files_and_docs.files_and_docs"}},
      {"Browsing History/Browsing History", {"web_browsing.web_browsing_history"}},
      {"Search History/Search History", {"app_activity.in_app_search_history"}},
      {"Identifiers/User ID", {"personal_info.user_ids"}},
      {"Identifiers/Device ID", {"device_or_other_ids.device_or_other_ids"}},
      {"Purchases/Purchase History", {"financial_info.purchase_history"}},
      {"Usage Data/Product Interaction", {"app_activity.app_interactions"}},
      {"Usage Data/Advertising Data", {"app_activity.other_actions"}},
      {"Usage Data/Other Usage Data", {"app_activity.other_actions"}},
      {"Diagnostics/Crash Data", {"app_info_and_performance.crash_logs"}},
      {"Diagnostics/Performance Data",
       {"app_info_and_performance.other_app_performance_data"}},
      {"Diagnostics/Other Diagnostic Data", {"app_info_and_performance.diagnostics"}},
      {"Surroundings/Environment Scanning", {"app_activity.other_actions"}},
      {"Body/Hands", {"biometrics.face_data"}},
      {"Body/Head", {"biometrics.face_data"}},
      {"Other Data/Other Data Types", {"personal_info.other_info"}},
  };
  return *table;
}

}  // namespace

absl::Span<const Category> Categories() { return kCategories; }
absl::Span<const DataType> DataTypes() { return kTypes; }

const DataType* FindType(absl::string_view id) {
  for (const DataType& t : kTypes) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const Category* FindCategory(absl::string_view id) {
  for (const Category& c : kCategories) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool Covers(absl::string_view id, absl::string_view type_id) {
  if (id == type_id) return true;
  const DataType* t = FindType(type_id);
  return t != nullptr && t->category == id;
}

absl::StatusOr<std::vector<std::string>> Expand(absl::Span<const std::string> ids) {
  absl::btree_set<std::string> out;
  for (const std::string& id : ids) {
    if (FindType(id) != nullptr) {
      out.insert(id);
    } else if (FindCategory(id) != nullptr) {
      for (const DataType& t : kTypes) {
        if (t.category == id) out.insert(std::string(t.id));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown data type \"", id,
          "\"; use a Candor type such as \"contacts.contacts\" or a category "
          "such as \"location\" (see `candor claim types`)"));
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

std::string Label(absl::string_view id) {
  if (const DataType* t = FindType(id)) return std::string(t->label);
  if (const Category* c = FindCategory(id)) return std::string(c->label);
  return std::string(id);
}

absl::Span<const AppleMapping> AppleMappings() { return AppleTable(); }

absl::StatusOr<std::vector<std::string>> FromApple(absl::string_view apple) {
  for (const AppleMapping& m : AppleTable()) {
    if (m.apple == apple) {
      return std::vector<std::string>(m.candor.begin(), m.candor.end());
    }
  }
  return absl::NotFoundError(
      absl::StrCat("\"", apple, "\" is not an Apple App Privacy data type"));
}

}  // namespace candor::taxonomy
