#include "verifier/detect/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"

namespace candor::detect {
namespace {

constexpr size_t kChunkSize = 64 * 1024;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the four hex digits at `p`, or -1.
int Hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    int d = HexDigit(p[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

bool IsHighSurrogate(int cu) { return cu >= 0xD800 && cu <= 0xDBFF; }
bool IsLowSurrogate(int cu) { return cu >= 0xDC00 && cu <= 0xDFFF; }

}  // namespace

absl::Status StringByteSource::Read(size_t max, std::string& out) {
  size_t n = std::min(max, data_.size() - pos_);
  out.append(data_.data() + pos_, n);
  pos_ += n;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FileByteSource>> FileByteSource::Open(
    const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string message =
        absl::StrCat("cannot open ", path, ": ", std::strerror(err));
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::NotFoundError(message);
  }
  return std::unique_ptr<FileByteSource>(new FileByteSource(path, f));
}

FileByteSource::~FileByteSource() { std::fclose(file_); }

absl::Status FileByteSource::Read(size_t max, std::string& out) {
  const size_t before = out.size();
  out.resize(before + max);
  const size_t n = std::fread(&out[before], 1, max, file_);
  out.resize(before + n);
  if (n < max && std::ferror(file_)) {
    return absl::UnavailableError(absl::StrCat("cannot read ", path_));
  }
  return absl::OkStatus();
}

absl::Status HashingByteSource::Read(size_t max, std::string& out) {
  const size_t before = out.size();
  if (absl::Status s = inner_->Read(max, out); !s.ok()) return s;
  absl::string_view added(out.data() + before, out.size() - before);
  hasher_.Update(added);
  bytes_ += added.size();
  return absl::OkStatus();
}

std::string HashingByteSource::FinishHex() {
  return HexEncode(DigestBytes(hasher_.Finish()));
}

absl::StatusOr<size_t> CappedStringSource::Available(size_t n) {
  while (in_.size() - in_pos_ < n && !inner_eof_) {
    if (in_pos_ > 0) {
      in_.erase(0, in_pos_);
      in_pos_ = 0;
    }
    const size_t before = in_.size();
    if (absl::Status s = inner_->Read(kChunkSize, in_); !s.ok()) return s;
    if (in_.size() == before) inner_eof_ = true;
  }
  return in_.size() - in_pos_;
}

absl::Status CappedStringSource::Escape() {
  // in_[in_pos_] is a backslash inside a kept string.
  absl::StatusOr<size_t> avail = Available(12);
  if (!avail.ok()) return avail.status();
  const char* p = in_.data() + in_pos_;
  size_t take = 0;
  bool replace = false;
  if (*avail < 2 || p[1] != 'u') {
    // A short escape, or the input ends inside one (the reader reports it).
    take = std::min<size_t>(*avail, 2);
  } else if (*avail < 6 || Hex4(p + 2) < 0) {
    take = 2;  // a malformed \u escape: passed on for the reader to refuse
  } else {
    const int cu = Hex4(p + 2);
    take = 6;
    if (IsHighSurrogate(cu)) {
      if (*avail >= 12 && p[6] == '\\' && p[7] == 'u' &&
          IsLowSurrogate(Hex4(p + 8))) {
        take = 12;
      } else {
        replace = true;
      }
    } else if (IsLowSurrogate(cu)) {
      // \udc80 to \udcff are bytes escaped by Python's surrogateescape:
      // json::Reader turns them back into bytes when asked to.
      replace = cu < 0xDC80 || cu > 0xDCFF;
    }
  }
  if (replace) {
    pending_.append("\\ufffd");
    ++replaced_surrogates_;
  } else {
    pending_.append(p, take);
  }
  in_pos_ += take;
  string_bytes_ += take;
  return absl::OkStatus();
}

absl::Status CappedStringSource::Read(size_t max, std::string& out) {
  const size_t start = out.size();
  while (true) {
    size_t room = max - (out.size() - start);
    if (!pending_.empty()) {
      const size_t n = std::min(room, pending_.size());
      out.append(pending_, 0, n);
      pending_.erase(0, n);
      out_offset_ += n;
      room -= n;
      if (!pending_.empty()) break;
    }
    if (room == 0) break;
    absl::StatusOr<size_t> avail = Available(1);
    if (!avail.ok()) return avail.status();
    if (*avail == 0) break;
    const char* p = in_.data() + in_pos_;
    const size_t n = *avail;

    switch (state_) {
      case State::kOutside: {
        const size_t limit = std::min(n, room);
        const char* q = static_cast<const char*>(std::memchr(p, '"', limit));
        const size_t k = q == nullptr ? limit : static_cast<size_t>(q - p) + 1;
        out.append(p, k);
        in_pos_ += k;
        out_offset_ += k;
        if (q != nullptr) {
          state_ = State::kString;
          quote_offset_ = out_offset_ - 1;
          string_bytes_ = 0;
        }
        break;
      }
      case State::kString: {
        const unsigned char c = static_cast<unsigned char>(p[0]);
        if (string_bytes_ >= max_string_bytes_ && c != '"') {
          if (c >= 0x80 && c <= 0xBF) {
            // Finish the UTF-8 sequence in progress (at most three bytes) so
            // the kept prefix stays well-formed.
            out.push_back(p[0]);
            ++in_pos_;
            ++out_offset_;
            ++string_bytes_;
            break;
          }
          cuts_.push_back(Cut{quote_offset_, out_offset_, 0});
          state_ = State::kDropping;
          drop_escape_ = false;
          break;
        }
        if (c == '"') {
          out.push_back('"');
          ++in_pos_;
          ++out_offset_;
          state_ = State::kOutside;
          break;
        }
        if (c == '\\') {
          if (absl::Status s = Escape(); !s.ok()) return s;
          break;
        }
        const size_t limit = std::min(
            {n, room, static_cast<size_t>(max_string_bytes_ - string_bytes_)});
        size_t k = 0;
        while (k < limit && p[k] != '"' && p[k] != '\\') ++k;
        out.append(p, k);
        in_pos_ += k;
        out_offset_ += k;
        string_bytes_ += k;
        break;
      }
      case State::kDropping: {
        size_t k = 0;
        if (drop_escape_) {
          k = 1;
          drop_escape_ = false;
        }
        bool closed = false;
        while (k < n) {
          if (p[k] == '\\') {
            if (k + 1 < n) {
              k += 2;
              continue;
            }
            drop_escape_ = true;
            ++k;
            break;
          }
          if (p[k] == '"') {
            closed = true;
            break;
          }
          ++k;
        }
        cuts_.back().dropped += k;
        in_pos_ += k;
        if (closed) {
          out.push_back('"');
          ++in_pos_;
          ++out_offset_;
          state_ = State::kOutside;
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

bool CappedStringSource::WasCut(uint64_t quote_offset) const {
  for (const Cut& cut : cuts_) {
    if (cut.quote_offset == quote_offset) return true;
    if (cut.quote_offset > quote_offset) break;
  }
  return false;
}

uint64_t CappedStringSource::OriginalOffset(uint64_t offset) const {
  uint64_t original = offset + forgotten_dropped_;
  for (const Cut& cut : cuts_) {
    if (cut.cut_offset > offset) break;
    original += cut.dropped;
  }
  return original;
}

void CappedStringSource::ForgetBefore(uint64_t offset) {
  // A cut whose string is still being dropped keeps growing; it is never
  // before the reader's position.
  while (!cuts_.empty() && cuts_.front().quote_offset < offset &&
         !(state_ == State::kDropping && cuts_.size() == 1)) {
    forgotten_dropped_ += cuts_.front().dropped;
    cuts_.pop_front();
  }
}

}  // namespace candor::detect
