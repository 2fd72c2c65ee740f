#include "log/witness/witnessing.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "log/logging/logging.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/tiles/tiles.h"

namespace candor::witnessing {

struct Witnessing::Metrics {
  metrics::Family<metrics::Counter>* requests = nullptr;
  metrics::Family<metrics::Gauge>* cosigned_size = nullptr;
  metrics::Family<metrics::Gauge>* witnessed_size = nullptr;
  metrics::Family<metrics::Histogram>* latency = nullptr;
};

namespace {

const char* Outcome(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return "cosigned";
    case absl::StatusCode::kDeadlineExceeded:
      return "timeout";
    case absl::StatusCode::kFailedPrecondition:
      return "inconsistent";
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
      return "refused";
    case absl::StatusCode::kResourceExhausted:
      return "rate_limited";
    default:
      return "error";
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Witnessing>> Witnessing::Start(
    note::Policy policy, note::Verifier log_key, storage::LogStore* store,
    tiles::FileWriter* files, witness_client::PostFunction post, WitnessingOptions options,
    metrics::Registry* registry) {
  if (!policy.requires_cosignatures()) {
    return absl::InvalidArgumentError(
        "the witness policy requires no cosignatures (quorum none): nothing to collect");
  }
  auto w = std::unique_ptr<Witnessing>(new Witnessing(std::move(policy), std::move(log_key),
                                                      store, files, std::move(post),
                                                      std::move(options)));
  for (const note::PolicyWitness& pw : w->policy_.witnesses()) {
    if (pw.url.empty()) continue;
    Witness witness{{pw.name, pw.key, pw.url}};
    witness.status.name = pw.name;
    witness.status.url = pw.url;
    witness.status.last_result = absl::UnavailableError("not asked yet");
    w->witnesses_.push_back(std::move(witness));
  }
  if (w->witnesses_.empty()) {
    return absl::InvalidArgumentError(
        "the witness policy gives no witness a URL: the log would have no one to ask");
  }

  // Resume: the stored witnessed checkpoint must still meet the policy (a
  // changed policy may have dropped witnesses; then it is simply not served
  // until the next one is witnessed).
  absl::StatusOr<uint64_t> size = store->ReadWitnessedSize();
  if (size.ok()) {
    absl::StatusOr<std::string> stored = store->ReadCheckpoint(*size);
    if (!stored.ok()) return stored.status();
    note::CosignatureWindow window;
    window.max_future = absl::InfiniteDuration();
    absl::StatusOr<note::WitnessedCheckpoint> ok =
        w->policy_.VerifyCheckpoint(*stored, w->log_key_, w->options_.clock(), window);
    if (ok.ok()) {
      auto cp = std::make_shared<sequencer::PublishedCheckpoint>();
      cp->size = *size;
      cp->root = ok->checkpoint.checkpoint.root;
      cp->note = *std::move(stored);
      absl::MutexLock lock(&w->mu_);
      w->witnessed_ = std::move(cp);
    } else {
      logging::Warning("the stored witnessed checkpoint no longer meets the witness policy",
                       {{"size", absl::StrCat(*size)}, {"why", std::string(ok.status().message())}});
    }
  } else if (!absl::IsNotFound(size.status())) {
    return size.status();
  }

  if (registry != nullptr) {
    auto m = std::make_unique<Metrics>();
    absl::StatusOr<metrics::Family<metrics::Counter>*> requests = registry->AddCounter(
        "candor_log_witness_requests_total",
        "add-checkpoint requests to each witness, by outcome", {"witness", "outcome"});
    absl::StatusOr<metrics::Family<metrics::Gauge>*> cosigned = registry->AddGauge(
        "candor_log_witness_cosigned_tree_size",
        "size of the newest checkpoint each witness cosigned", {"witness"});
    absl::StatusOr<metrics::Family<metrics::Gauge>*> witnessed = registry->AddGauge(
        "candor_log_witnessed_tree_size",
        "size of the newest checkpoint whose cosignatures meet the witness policy");
    absl::StatusOr<metrics::Family<metrics::Histogram>*> latency = registry->AddHistogram(
        "candor_log_witnessing_seconds",
        "time from a checkpoint's signing to its meeting the witness policy", {},
        {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
    for (const absl::Status& s : {requests.status(), cosigned.status(), witnessed.status(),
                                  latency.status()}) {
      if (!s.ok()) return s;
    }
    m->requests = *requests;
    m->cosigned_size = *cosigned;
    m->witnessed_size = *witnessed;
    m->latency = *latency;
    {
      absl::MutexLock lock(&w->mu_);
      m->witnessed_size->WithLabels({})->Set(
          w->witnessed_ ? static_cast<double>(w->witnessed_->size) : 0);
    }
    w->metrics_ = std::move(m);
  }
  {
    absl::MutexLock lock(&w->mu_);
    for (const Witness& witness : w->witnesses_) w->status_.push_back(witness.status);
  }
  w->thread_ = std::thread([p = w.get()] { p->Run(); });
  return w;
}

Witnessing::Witnessing(note::Policy policy, note::Verifier log_key, storage::LogStore* store,
                       tiles::FileWriter* files, witness_client::PostFunction post,
                       WitnessingOptions options)
    : policy_(std::move(policy)),
      log_key_(std::move(log_key)),
      store_(store),
      files_(files),
      post_(std::move(post)),
      options_(std::move(options)) {}

Witnessing::~Witnessing() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Witnessing::Notify(sequencer::CheckpointPtr checkpoint) {
  absl::MutexLock lock(&mu_);
  if (pending_ == nullptr || checkpoint->size >= pending_->size) {
    pending_ = std::move(checkpoint);
  }
}

sequencer::CheckpointPtr Witnessing::latest_witnessed() const {
  absl::MutexLock lock(&mu_);
  return witnessed_;
}

std::string Witnessing::WithCosignatures(
    const sequencer::PublishedCheckpoint& checkpoint) const {
  absl::MutexLock lock(&mu_);
  if (witnessed_ != nullptr && witnessed_->size == checkpoint.size &&
      witnessed_->root == checkpoint.root) {
    return witnessed_->note;
  }
  if (current_ != nullptr && current_->note == checkpoint.note) {
    absl::StatusOr<std::string> note =
        note::AddSignatureLines(checkpoint.note, absl::StrJoin(current_lines_, ""));
    if (note.ok()) return *std::move(note);
  }
  return checkpoint.note;
}

std::vector<WitnessStatus> Witnessing::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

absl::Status Witnessing::WaitForWitnessed(uint64_t size, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto done = [this, size]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return witnessed_ != nullptr && witnessed_->size >= size;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&done), deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no checkpoint of size ", size, " or more was witnessed in time (newest: ",
        witnessed_ ? absl::StrCat(witnessed_->size) : std::string("none"), ")"));
  }
  return absl::OkStatus();
}

uint64_t Witnessing::rounds() const {
  absl::MutexLock lock(&mu_);
  return rounds_;
}

absl::Status Witnessing::WaitForRounds(uint64_t rounds, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto done = [this, rounds]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return rounds_ >= rounds; };
  if (!mu_.AwaitWithDeadline(absl::Condition(&done), deadline)) {
    return absl::DeadlineExceededError(
        absl::StrCat("only ", rounds_, " of ", rounds, " witnessing rounds in time"));
  }
  return absl::OkStatus();
}

void Witnessing::Run() {
  bool all_cosigned = true;
  while (true) {
    sequencer::CheckpointPtr checkpoint;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || pending_ != nullptr;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), all_cosigned ? options_.refresh_interval
                                                                 : options_.retry_interval);
      if (stopping_) return;
      checkpoint = pending_ != nullptr ? std::move(pending_) : current_;
      pending_ = nullptr;
    }
    if (checkpoint == nullptr) continue;
    Round(checkpoint);
    absl::MutexLock lock(&mu_);
    ++rounds_;
    all_cosigned = true;
    for (const WitnessStatus& s : status_) all_cosigned = all_cosigned && s.last_result.ok();
  }
}

void Witnessing::Round(const sequencer::CheckpointPtr& checkpoint) {
  {
    absl::MutexLock lock(&mu_);
    if (current_ == nullptr || current_->note != checkpoint->note) {
      current_ = checkpoint;
      current_since_ = absl::Now();
      current_lines_.assign(witnesses_.size(), std::string());
    }
  }
  std::vector<absl::StatusOr<std::string>> results(witnesses_.size(),
                                                   absl::UnknownError("not asked"));
  {
    std::vector<std::thread> threads;
    threads.reserve(witnesses_.size());
    for (size_t i = 0; i < witnesses_.size(); ++i) {
      threads.emplace_back([this, i, &results, &checkpoint] {
        results[i] = AskWitness(witnesses_[i], *checkpoint);
      });
    }
    for (std::thread& t : threads) t.join();
  }

  std::string lines;
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < witnesses_.size(); ++i) {
      Witness& w = witnesses_[i];
      const bool changed = results[i].status().code() != w.status.last_result.code();
      w.status.last_result = results[i].status();
      if (results[i].ok()) {
        // A fresh cosignature replaces the witness's older one for this
        // checkpoint; after a failure the older one still holds.
        current_lines_[i] = *results[i];
        if (changed) {
          logging::Info("witness cosigns", {{"witness", w.endpoint.name},
                                            {"size", absl::StrCat(checkpoint->size)}});
        }
      } else if (changed) {
        logging::Warning("witness did not cosign",
                         {{"witness", w.endpoint.name},
                          {"size", absl::StrCat(checkpoint->size)},
                          {"why", std::string(results[i].status().message())}});
      }
      status_[i] = w.status;
      if (metrics_) {
        metrics_->requests->WithLabels({w.endpoint.name, Outcome(results[i].status())})->Increment();
        metrics_->cosigned_size->WithLabels({w.endpoint.name})
            ->Set(static_cast<double>(w.status.cosigned_size));
      }
      absl::StrAppend(&lines, current_lines_[i]);
    }
  }
  absl::StatusOr<std::string> note = note::AddSignatureLines(checkpoint->note, lines);
  if (!note.ok()) {
    logging::Error("cannot add the witnesses' cosignatures to the checkpoint",
                   {{"why", std::string(note.status().message())}});
    return;
  }
  MaybePublish(checkpoint, *note);
}

absl::StatusOr<std::string> Witnessing::AskWitness(
    Witness& witness, const sequencer::PublishedCheckpoint& checkpoint) {
  // One retry: a 409 tells the witness's size, from which the proof is made.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const uint64_t old_size = witness.size_known ? witness.size : 0;
    if (old_size > checkpoint.size) {
      return absl::FailedPreconditionError(absl::StrCat(
          "witness ", witness.endpoint.name, " has cosigned size ", old_size,
          ", beyond this log's checkpoint of size ", checkpoint.size,
          ": the log's state is older than what it showed the witness"));
    }
    std::vector<merkle::Hash> proof;
    if (old_size > 0 && old_size < checkpoint.size) {
      tiles::TileNodeReader reader(*store_);
      absl::StatusOr<std::vector<merkle::Hash>> made =
          merkle::ConsistencyProof(old_size, checkpoint.size, reader);
      if (!made.ok()) return made.status();
      proof = *std::move(made);
    }
    absl::StatusOr<witness_client::AddOutcome> outcome = witness_client::AddCheckpoint(
        witness.endpoint, post_, old_size, proof, checkpoint.note,
        absl::Now() + options_.request_timeout);
    if (!outcome.ok()) return outcome.status();
    witness.size_known = true;
    if (outcome->conflict) {
      witness.size = outcome->witness_size;
      continue;
    }
    witness.size = checkpoint.size;
    witness.status.cosigned_size = checkpoint.size;
    witness.status.cosigned_at = outcome->timestamp;
    return std::move(outcome->cosignature);
  }
  return absl::UnavailableError(absl::StrCat("witness ", witness.endpoint.name,
                                             " answered 409 twice; its size is now ",
                                             witness.size));
}

void Witnessing::MaybePublish(const sequencer::CheckpointPtr& checkpoint,
                              const std::string& note) {
  absl::StatusOr<note::WitnessedCheckpoint> verified =
      policy_.VerifyCheckpoint(note, log_key_, options_.clock());
  if (!verified.ok()) return;  // below the quorum for now
  absl::Time since;
  {
    absl::MutexLock lock(&mu_);
    if (witnessed_ != nullptr &&
        (witnessed_->size > checkpoint->size || witnessed_->note == note)) {
      return;
    }
    since = current_since_;
  }
  storage::LogStore::Batch batch = store_->NewBatch();
  batch.PutCheckpoint(checkpoint->size, note);
  batch.PutWitnessedSize(checkpoint->size);
  if (absl::Status s = store_->Commit(batch); !s.ok()) {
    logging::Error("cannot store the witnessed checkpoint; will retry",
                   {{"size", absl::StrCat(checkpoint->size)}, {"why", std::string(s.message())}});
    return;
  }
  if (files_ != nullptr) {
    if (absl::Status s = files_->WriteFile("checkpoint", note); !s.ok()) {
      logging::Error("cannot publish the witnessed checkpoint file",
                     {{"size", absl::StrCat(checkpoint->size)}, {"why", std::string(s.message())}});
    }
  }
  auto witnessed = std::make_shared<sequencer::PublishedCheckpoint>();
  witnessed->size = checkpoint->size;
  witnessed->root = checkpoint->root;
  witnessed->note = note;
  bool first = false;
  {
    absl::MutexLock lock(&mu_);
    first = witnessed_ == nullptr || witnessed_->size != checkpoint->size;
    witnessed_ = std::move(witnessed);
  }
  if (metrics_) {
    metrics_->witnessed_size->WithLabels({})->Set(static_cast<double>(checkpoint->size));
    if (first) {
      metrics_->latency->WithLabels({})->Observe(absl::ToDoubleSeconds(absl::Now() - since));
    }
  }
}

}  // namespace candor::witnessing
