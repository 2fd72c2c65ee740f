#include "verifier/claim/history.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "log/statement/dsse.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/recording.h"

namespace candor::claim {
namespace {

bool InScope(const ClaimRecord& c, absl::Span<const std::string> vendors) {
  return std::find(vendors.begin(), vendors.end(), c.signer) != vendors.end();
}

bool IsRecorded(const ClaimRecord& c) { return c.kind == ClaimKind::kRecorded; }

// Whether `c` counts at all: a signed claim only if its vendor is in scope;
// a recording always (anyone may record what anyone said).
bool Counts(const ClaimRecord& c, absl::Span<const std::string> vendors) {
  return IsRecorded(c) || InScope(c, vendors);
}

// Each claim's original: the entry with the lowest index among those with its
// identity (itself if it has none or is the first).
class Originals {
 public:
  explicit Originals(absl::Span<const ClaimRecord> claims) {
    for (const ClaimRecord& c : claims) {
      by_leaf_[std::string(merkle::AsBytes(c.leaf_hash))] = &c;
      if (!c.identity.has_value()) continue;
      const ClaimRecord*& first = by_identity_[std::string(merkle::AsBytes(*c.identity))];
      if (first == nullptr || c.index < first->index) first = &c;
    }
  }

  const ClaimRecord& Of(const ClaimRecord& c) const {
    if (!c.identity.has_value()) return c;
    return *by_identity_.at(std::string(merkle::AsBytes(*c.identity)));
  }
  bool IsRepeat(const ClaimRecord& c) const { return &Of(c) != &c; }
  // The leaf hash a supersedes field names, as its original's.
  std::string Target(const merkle::Hash& leaf_hash) const {
    auto it = by_leaf_.find(merkle::AsBytes(leaf_hash));
    if (it == by_leaf_.end()) return std::string(merkle::AsBytes(leaf_hash));
    return std::string(merkle::AsBytes(Of(*it->second).leaf_hash));
  }

 private:
  absl::flat_hash_map<std::string, const ClaimRecord*> by_leaf_;
  absl::flat_hash_map<std::string, const ClaimRecord*> by_identity_;
};

// The claims that name each leaf hash in `supersedes` and could supersede it:
// ones that count, so that an out-of-scope vendor cannot retire anyone's
// claim, and originals, a repeat of a claim superseding nothing its original
// does not.
class Supersessions {
 public:
  Supersessions(absl::Span<const ClaimRecord> claims,
                absl::Span<const std::string> vendors, const Originals& originals)
      : vendors_(vendors) {
    for (const ClaimRecord& s : claims) {
      if (s.supersedes.has_value() && Counts(s, vendors) && !originals.IsRepeat(s)) {
        by_target_[originals.Target(*s.supersedes)].push_back(&s);
      }
    }
  }

  // The claim that supersedes `c` (an original) at `t` by name, the earliest
  // in the log if several do; nullptr if none.
  const ClaimRecord* By(const ClaimRecord& c, absl::Time t) const {
    auto it = by_target_.find(merkle::AsBytes(c.leaf_hash));
    if (it == by_target_.end()) return nullptr;
    const ClaimRecord* by = nullptr;
    for (const ClaimRecord* s : it->second) {
      if (s->index <= c.index || s->effective_at > t || !MaySupersede(*s, c)) continue;
      if (by == nullptr || s->index < by->index) by = s;
    }
    return by;
  }

 private:
  // A claim is superseded by its own signer's later statement of the same
  // kind; a recording also by a signed claim of a vendor in scope, which
  // answers the reading with what the vendor commits to.
  bool MaySupersede(const ClaimRecord& s, const ClaimRecord& c) const {
    if (s.kind == c.kind) return s.signer == c.signer;
    return IsRecorded(c) && InScope(s, vendors_);
  }

  absl::Span<const std::string> vendors_;
  absl::flat_hash_map<std::string, std::vector<const ClaimRecord*>> by_target_;
};

const ClaimRecord* InForce(absl::Span<const ClaimRecord> claims,
                           absl::Span<const std::string> vendors,
                           const Originals& originals,
                           const Supersessions& supersessions, absl::Time t, bool label) {
  const ClaimRecord* best = nullptr;
  for (const ClaimRecord& c : claims) {
    if (IsRecorded(c) || c.label != label || !InScope(c, vendors) || c.effective_at > t ||
        originals.IsRepeat(c)) {
      continue;
    }
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
  ClaimRecord r;
  absl::StatusOr<v1::Claim> claim = ClaimFromEntry(entry);
  if (!claim.ok()) {
    absl::StatusOr<v1::RecordedClaim> recording = RecordingFromEntry(entry);
    if (!recording.ok()) return claim.status();
    claim = recording->reading();
    claim->set_issuer(recording->recorder());
    r.kind = ClaimKind::kRecorded;
  } else {
    r.label = std::any_of(claim->documents().begin(), claim->documents().end(),
                          [](const v1::Document& d) {
                            return d.kind() == v1::Document::DATA_SAFETY_FORM;
                          });
  }
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
  absl::StatusOr<Sha256Digest> identity = dsse::EntryIdentity(entry);
  if (!identity.ok()) return identity.status();
  r.identity = *identity;
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
    case ClaimStatus::kRepeat:
      return "a repeat";
  }
  return "unknown";
}

const ClaimRecord* ClaimInForce(absl::Span<const ClaimRecord> claims,
                                absl::Span<const std::string> vendors,
                                absl::Time t) {
  const Originals originals(claims);
  const Supersessions supersessions(claims, vendors, originals);
  if (const ClaimRecord* c = InForce(claims, vendors, originals, supersessions, t, false)) {
    return c;
  }
  return InForce(claims, vendors, originals, supersessions, t, true);
}

std::vector<const ClaimRecord*> ClaimsInForce(absl::Span<const ClaimRecord> claims,
                                              absl::Span<const std::string> vendors,
                                              absl::Time t) {
  std::vector<const ClaimRecord*> out;
  for (const ClaimState& s : ClaimStatesAt(claims, vendors, t)) {
    if (s.status == ClaimStatus::kInForce) out.push_back(s.claim);
  }
  std::sort(out.begin(), out.end(), [](const ClaimRecord* a, const ClaimRecord* b) {
    if (a->kind != b->kind) return a->kind == ClaimKind::kSigned;
    if (a->label != b->label) return !a->label;
    return a->index < b->index;
  });
  return out;
}

std::vector<ClaimState> ClaimStatesAt(absl::Span<const ClaimRecord> claims,
                                      absl::Span<const std::string> vendors,
                                      absl::Time t) {
  const Originals originals(claims);
  const Supersessions supersessions(claims, vendors, originals);
  // The vendor's two chains: its claims, and its imported store labels.
  const ClaimRecord* in_force[2] = {
      InForce(claims, vendors, originals, supersessions, t, false),
      InForce(claims, vendors, originals, supersessions, t, true)};
  std::vector<ClaimState> states;
  states.reserve(claims.size());
  for (const ClaimRecord& c : claims) {
    ClaimState s;
    s.claim = &c;
    if (!Counts(c, vendors)) {
      s.status = ClaimStatus::kOutOfScope;
    } else if (originals.IsRepeat(c)) {
      s.status = ClaimStatus::kRepeat;
      s.repeats = &originals.Of(c);
    } else if (const ClaimRecord* by = supersessions.By(c, t)) {
      s.status = ClaimStatus::kSuperseded;
      s.superseded_by = by;
    } else if (c.effective_at > t) {
      s.status = ClaimStatus::kNotYetEffective;
    } else if (IsRecorded(c) || &c == in_force[c.label]) {
      // Recordings stand side by side with the vendor's claims and each other.
      s.status = ClaimStatus::kInForce;
    } else {
      // Effective and not superseded by name, so a newer claim of its chain
      // won.
      s.status = ClaimStatus::kSuperseded;
      s.superseded_by = in_force[c.label];
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
