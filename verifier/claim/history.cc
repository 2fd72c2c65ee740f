#include "verifier/claim/history.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "verifier/claim/claim.h"

namespace candor::claim {
namespace {

bool InScope(const ClaimRecord& c, absl::Span<const std::string> vendors) {
  return std::find(vendors.begin(), vendors.end(), c.signer) != vendors.end();
}

// The claims that name each leaf hash in `supersedes` and could supersede it:
// in scope, so that an out-of-scope vendor cannot retire anyone's claim.
class Supersessions {
 public:
  Supersessions(absl::Span<const ClaimRecord> claims,
                absl::Span<const std::string> vendors) {
    for (const ClaimRecord& s : claims) {
      if (s.supersedes.has_value() && InScope(s, vendors)) {
        by_target_[std::string(merkle::AsBytes(*s.supersedes))].push_back(&s);
      }
    }
  }

  // The claim that supersedes `c` at `t` by name, the earliest in the log if
  // several do; nullptr if none.
  const ClaimRecord* By(const ClaimRecord& c, absl::Time t) const {
    auto it = by_target_.find(merkle::AsBytes(c.leaf_hash));
    if (it == by_target_.end()) return nullptr;
    const ClaimRecord* by = nullptr;
    for (const ClaimRecord* s : it->second) {
      if (s->signer != c.signer || s->index <= c.index || s->effective_at > t) {
        continue;
      }
      if (by == nullptr || s->index < by->index) by = s;
    }
    return by;
  }

 private:
  absl::flat_hash_map<std::string, std::vector<const ClaimRecord*>> by_target_;
};

const ClaimRecord* InForce(absl::Span<const ClaimRecord> claims,
                           absl::Span<const std::string> vendors,
                           const Supersessions& supersessions, absl::Time t) {
  const ClaimRecord* best = nullptr;
  for (const ClaimRecord& c : claims) {
    if (!InScope(c, vendors) || c.effective_at > t) continue;
    if (supersessions.By(c, t) != nullptr) continue;
    if (best == nullptr || c.effective_at > best->effective_at ||
        (c.effective_at == best->effective_at && c.index > best->index)) {
      best = &c;
    }
  }
  return best;
}

}  // namespace

absl::StatusOr<ClaimRecord> ClaimRecordFromEntry(uint64_t index,
                                                 absl::string_view entry) {
  absl::StatusOr<v1::Claim> claim = ClaimFromEntry(entry);
  if (!claim.ok()) return claim.status();
  ClaimRecord r;
  r.index = index;
  r.leaf_hash = merkle::HashLeaf(entry);
  r.signer = claim->issuer();
  r.effective_at = ToTime(claim->effective_at());
  if (!claim->supersedes().empty()) {
    absl::StatusOr<merkle::Hash> h = merkle::HashFromBytes(claim->supersedes());
    if (!h.ok()) {
      return absl::InvalidArgumentError(
          "claim supersedes: must be a 32-byte leaf hash");
    }
    r.supersedes = *h;
  }
  return r;
}

absl::string_view ClaimStatusName(ClaimStatus status) {
  switch (status) {
    case ClaimStatus::kInForce:
      return "in force";
    case ClaimStatus::kSuperseded:
      return "superseded";
    case ClaimStatus::kNotYetEffective:
      return "not yet effective";
    case ClaimStatus::kOutOfScope:
      return "out of scope";
  }
  return "unknown";
}

const ClaimRecord* ClaimInForce(absl::Span<const ClaimRecord> claims,
                                absl::Span<const std::string> vendors,
                                absl::Time t) {
  return InForce(claims, vendors, Supersessions(claims, vendors), t);
}

std::vector<ClaimState> ClaimStatesAt(absl::Span<const ClaimRecord> claims,
                                      absl::Span<const std::string> vendors,
                                      absl::Time t) {
  const Supersessions supersessions(claims, vendors);
  const ClaimRecord* in_force = InForce(claims, vendors, supersessions, t);
  std::vector<ClaimState> states;
  states.reserve(claims.size());
  for (const ClaimRecord& c : claims) {
    ClaimState s;
    s.claim = &c;
    if (!InScope(c, vendors)) {
      s.status = ClaimStatus::kOutOfScope;
    } else if (const ClaimRecord* by = supersessions.By(c, t)) {
      s.status = ClaimStatus::kSuperseded;
      s.superseded_by = by;
    } else if (c.effective_at > t) {
      s.status = ClaimStatus::kNotYetEffective;
    } else if (&c == in_force) {
      s.status = ClaimStatus::kInForce;
    } else {
      // Effective and not superseded by name, so some newer claim won.
      s.status = ClaimStatus::kSuperseded;
      s.superseded_by = in_force;
    }
    states.push_back(s);
  }
  std::stable_sort(states.begin(), states.end(),
                   [](const ClaimState& a, const ClaimState& b) {
                     return a.claim->index > b.claim->index;
                   });
  return states;
}

}  // namespace candor::claim
