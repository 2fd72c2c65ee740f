#include "log/note/policy.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace candor::note {
namespace {

constexpr absl::string_view kNone = "none";

absl::Status LineError(size_t number, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("policy line ", number, ": ", why));
}

// Tab, newline, printable ASCII and any octet with the high bit set.
bool AllowedOctet(unsigned char c) {
  return c == '\t' || c == '\n' || (c >= 0x20 && c <= 0x7E) || c >= 0x80;
}

bool SameKey(const Verifier& a, const Verifier& b) {
  return a.public_key().Ed25519Bytes() == b.public_key().Ed25519Bytes();
}

absl::StatusOr<size_t> ParseThreshold(absl::string_view word, size_t members) {
  if (word == "all") return members;
  if (word == "any") return 1;
  size_t k = 0;
  if (word.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(word[0])) ||
      !absl::SimpleAtoi(word, &k)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "threshold \"", word, "\" is not all, any or a decimal number"));
  }
  if (k < 1 || k > members) {
    return absl::InvalidArgumentError(absl::StrCat(
        "threshold ", k, " is outside 1..", members, " (the member count)"));
  }
  return k;
}

}  // namespace

absl::StatusOr<Policy> Policy::Parse(absl::string_view text) {
  if (text.size() > kMaxPolicySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy is larger than ", kMaxPolicySize, " bytes"));
  }
  Policy policy;
  // Witnesses and groups share one namespace; "none" is reserved.
  absl::flat_hash_map<std::string, int> names;
  // A name may be a member once in the whole file, so that no witness can
  // count twice toward the quorum through two groups.
  absl::flat_hash_map<std::string, std::string> member_of;
  bool have_quorum = false;
  size_t number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    for (char c : line) {
      if (!AllowedOctet(static_cast<unsigned char>(c))) {
        return LineError(number, absl::StrCat("control character 0x",
                                              absl::Hex(static_cast<unsigned char>(c))));
      }
    }
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.empty() || absl::StartsWith(words[0], "#")) continue;
    const absl::string_view keyword = words[0];
    if (keyword == "log") {
      if (words.size() < 2 || words.size() > 3) {
        return LineError(number, "want: log <vkey> [<url>]");
      }
      absl::StatusOr<Verifier> key = Verifier::FromKey(words[1]);
      if (!key.ok()) return LineError(number, key.status().message());
      for (const PolicyLog& log : policy.logs_) {
        if (SameKey(log.key, *key)) {
          return LineError(number, "the same log key is listed twice");
        }
      }
      if (policy.logs_.size() == kMaxPolicyLogs) {
        return LineError(number, absl::StrCat("more than ", kMaxPolicyLogs, " logs"));
      }
      policy.logs_.push_back(
          PolicyLog{*std::move(key), words.size() == 3 ? std::string(words[2]) : ""});
    } else if (keyword == "witness") {
      if (words.size() < 3 || words.size() > 4) {
        return LineError(number, "want: witness <name> <vkey> [<url>]");
      }
      const std::string name(words[1]);
      if (name == kNone || names.contains(name)) {
        return LineError(number, absl::StrCat("name \"", name, "\" is already defined"));
      }
      absl::StatusOr<Verifier> key = Verifier::FromCosignerKey(words[2]);
      if (!key.ok()) return LineError(number, key.status().message());
      for (const PolicyWitness& w : policy.witnesses_) {
        if (SameKey(w.key, *key)) {
          return LineError(number, absl::StrCat("witness \"", name,
                                                "\" has the same key as \"", w.name, "\""));
        }
      }
      if (policy.witnesses_.size() == kMaxPolicyWitnesses) {
        return LineError(number, absl::StrCat("more than ", kMaxPolicyWitnesses, " witnesses"));
      }
      names[name] = -1 - static_cast<int>(policy.witnesses_.size());
      policy.witnesses_.push_back(PolicyWitness{
          name, *std::move(key), words.size() == 4 ? std::string(words[3]) : ""});
    } else if (keyword == "group") {
      if (words.size() < 4) {
        return LineError(number, "want: group <name> all|any|<k> <member>...");
      }
      const std::string name(words[1]);
      if (name == kNone || names.contains(name)) {
        return LineError(number, absl::StrCat("name \"", name, "\" is already defined"));
      }
      if (policy.groups_.size() == kMaxPolicyGroups) {
        return LineError(number, absl::StrCat("more than ", kMaxPolicyGroups, " groups"));
      }
      Group group;
      group.name = name;
      for (size_t i = 3; i < words.size(); ++i) {
        auto it = names.find(words[i]);
        if (it == names.end()) {
          return LineError(number, absl::StrCat("member \"", words[i],
                                                "\" is not defined on an earlier line"));
        }
        auto [prior, added] = member_of.emplace(std::string(words[i]), name);
        if (!added) {
          return LineError(number, absl::StrCat("\"", words[i],
                                                "\" is already a member of group \"",
                                                prior->second, "\""));
        }
        group.members.push_back(it->second);
      }
      absl::StatusOr<size_t> k = ParseThreshold(words[2], group.members.size());
      if (!k.ok()) return LineError(number, k.status().message());
      group.threshold = *k;
      names[name] = static_cast<int>(policy.groups_.size());
      policy.groups_.push_back(std::move(group));
    } else if (keyword == "quorum") {
      if (words.size() != 2) return LineError(number, "want: quorum <name>");
      if (have_quorum) return LineError(number, "a second quorum line");
      have_quorum = true;
      if (words[1] == kNone) continue;
      auto it = names.find(words[1]);
      if (it == names.end()) {
        return LineError(number, absl::StrCat("quorum \"", words[1],
                                              "\" is not defined on an earlier line"));
      }
      policy.requires_cosignatures_ = true;
      policy.quorum_node_ = it->second;
    } else {
      return LineError(number, absl::StrCat("unknown keyword \"", keyword, "\""));
    }
  }
  if (!have_quorum) {
    return absl::InvalidArgumentError("policy has no quorum line");
  }
  return policy;
}

std::vector<Verifier> Policy::WitnessKeys() const {
  std::vector<Verifier> keys;
  keys.reserve(witnesses_.size());
  for (const PolicyWitness& w : witnesses_) keys.push_back(w.key);
  return keys;
}

bool Policy::Satisfied(int node, const std::vector<bool>& signed_by) const {
  if (node < 0) return signed_by[static_cast<size_t>(-1 - node)];
  const Group& group = groups_[static_cast<size_t>(node)];
  size_t count = 0;
  for (int member : group.members) {
    if (Satisfied(member, signed_by)) ++count;
  }
  return count >= group.threshold;
}

std::string Policy::NodeName(int node) const {
  if (node < 0) return witnesses_[static_cast<size_t>(-1 - node)].name;
  return groups_[static_cast<size_t>(node)].name;
}

absl::StatusOr<WitnessedCheckpoint> Policy::VerifyCheckpoint(
    absl::string_view signed_note, absl::Time now,
    const CosignatureWindow& window) const {
  if (logs_.empty()) {
    return absl::FailedPreconditionError(
        "the witness policy lists no log; give the log's key");
  }
  absl::StatusOr<Note> parsed = note::Parse(signed_note);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<Checkpoint> cp = ParseCheckpoint(parsed->text);
  if (!cp.ok()) return cp.status();
  for (const PolicyLog& log : logs_) {
    if (log.key.name() == cp->origin) {
      return VerifyCheckpoint(signed_note, log.key, now, window);
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the witness policy lists no log with origin \"", cp->origin, "\""));
}

absl::StatusOr<WitnessedCheckpoint> Policy::VerifyCheckpoint(
    absl::string_view signed_note, const Verifier& log_key, absl::Time now,
    const CosignatureWindow& window) const {
  if (!logs_.empty()) {
    bool listed = false;
    for (const PolicyLog& log : logs_) {
      listed = listed || (log.key.name() == log_key.name() && SameKey(log.key, log_key));
    }
    if (!listed) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the witness policy does not list the log key ", log_key.EncodedKey()));
    }
  }
  absl::StatusOr<SignedCheckpoint> cp = OpenCheckpoint(signed_note, log_key);
  if (!cp.ok()) return cp.status();

  std::vector<Verifier> known = WitnessKeys();
  known.push_back(log_key);
  absl::StatusOr<Note> opened = Open(signed_note, known);
  if (!opened.ok()) return opened.status();

  const int64_t now_seconds = absl::ToUnixSeconds(now);
  std::vector<bool> signed_by(witnesses_.size(), false);
  std::vector<uint64_t> times(witnesses_.size(), 0);
  std::vector<std::string> too_old;
  for (const Signature& sig : opened->verified) {
    for (size_t i = 0; i < witnesses_.size(); ++i) {
      const Verifier& key = witnesses_[i].key;
      if (key.name() != sig.name || key.key_hash() != sig.key_hash) continue;
      const absl::Time at = absl::FromUnixSeconds(static_cast<int64_t>(
          std::min<uint64_t>(sig.timestamp, uint64_t{1} << 62)));
      if (at > now + window.max_future) {
        return absl::InvalidArgumentError(absl::StrCat(
            "witness \"", witnesses_[i].name, "\" cosigned at ", sig.timestamp,
            ", more than ", absl::FormatDuration(window.max_future),
            " after now (", now_seconds, ")"));
      }
      if (at < now - window.max_age) {
        too_old.push_back(witnesses_[i].name);
        continue;
      }
      signed_by[i] = true;
      times[i] = sig.timestamp;
    }
  }

  WitnessedCheckpoint out;
  out.checkpoint = *std::move(cp);
  std::vector<std::string> signers, missing;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    if (signed_by[i]) {
      out.cosigned_by.emplace_back(witnesses_[i].name, times[i]);
      signers.push_back(witnesses_[i].name);
    } else {
      missing.push_back(witnesses_[i].name);
    }
  }
  if (requires_cosignatures() && !Satisfied(quorum_node_, signed_by)) {
    std::string why = absl::StrCat(
        "checkpoint ", out.checkpoint.checkpoint.origin, " at size ",
        out.checkpoint.checkpoint.size, " does not meet the witness quorum \"",
        NodeName(quorum_node_), "\": cosigned by ",
        signers.empty() ? "no witness" : absl::StrJoin(signers, ", "),
        "; missing ", absl::StrJoin(missing, ", "));
    if (!too_old.empty()) {
      absl::StrAppend(&why, " (cosignatures older than ",
                      absl::FormatDuration(window.max_age),
                      " do not count: ", absl::StrJoin(too_old, ", "), ")");
    }
    return absl::InvalidArgumentError(why);
  }
  return out;
}

}  // namespace candor::note
