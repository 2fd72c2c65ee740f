// Throughput of HAR detection, per core: MeasureHar over a generated ~100 MB
// capture with 20 honey values, with plain and with gzip-coded request bodies,
// and its parts (reading the HAR alone, the multi-pattern search alone).
//
//   bazel run -c opt //verifier/detect:detect_benchmark
//
// The capture mixes what apps send: GETs with query strings, cookies and a
// JWT; JSON analytics bodies with nested objects, numbers and base64 fields;
// form posts; and large responses (JSON and base64 images), which are read
// but not searched. About one request in fifty carries a honey value in some
// encoding.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/har.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/matcher.h"
#include "verifier/detect/measure.h"
#include "zlib.h"

namespace candor::detect {
namespace {

constexpr size_t kTargetBytes = size_t{100} << 20;

std::string PhotoBytes() {
  std::string photo = "\xff\xd8\xff\xe0";
  for (int i = 0; i < 4000; ++i)
    photo.push_back(static_cast<char>(i * 13 % 256));
  return photo;
}

const Identities& TwentyHoneyValues() {
  static const Identities* ids = [] {
    const std::string file =
        absl::StrCat(R"({"version": 1,
      "salt": "000102030405060708090a0b0c0d0e0f", "default_country": "GB",
      "values": [
        {"type": "personal_info.phone_number", "value": "+44 20 7946 0321"},
        {"type": "personal_info.email_address", "value": "honey.alice@example.org"},
        {"type": "personal_info.name", "value": "Alice Quillfeather"},
        {"type": "personal_info.user_ids", "value": "usr-7Kq2ZpX9"},
        {"type": "contacts.contacts", "kind": "phone", "value": "07700 900123"},
        {"type": "contacts.contacts", "kind": "phone", "value": "07700 900456"},
        {"type": "contacts.contacts", "kind": "phone", "value": "07700 900789"},
        {"type": "contacts.contacts", "kind": "phone", "value": "+1 202 555 0143"},
        {"type": "contacts.contacts", "kind": "phone", "value": "+33 6 12 34 56 78"},
        {"type": "contacts.contacts", "kind": "email", "value": "bob.kettering@example.net"},
        {"type": "contacts.contacts", "kind": "email", "value": "carol.wexford@example.com"},
        {"type": "contacts.contacts", "kind": "email", "value": "dmitri.oakhurst@example.io"},
        {"type": "contacts.contacts", "kind": "name", "value": "Bartholomew Kettering"},
        {"type": "contacts.contacts", "kind": "name", "value": "Carol Wexford"},
        {"type": "contacts.contacts", "kind": "name", "value": "Dmitri Oakhurst"},
        {"type": "device_or_other_ids.device_or_other_ids", "kind": "advertising_id",
         "value": "38400000-8cf0-11bd-b23e-10b96e40000d"},
        {"type": "device_or_other_ids.device_or_other_ids", "kind": "android_id",
         "value": "3f9a6b2c1d0e4f58"},
        {"type": "device_or_other_ids.device_or_other_ids", "kind": "imei",
         "value": "490154203237518"},
        {"type": "location.precise", "latitude": 48.858370, "longitude": 2.294481},
        {"type": "biometrics.face_data", "sha256": ")",
                     HexEncode(DigestBytes(Sha256(PhotoBytes()))), R"("}]})");
    absl::StatusOr<Identities> parsed = ParseIdentities(file);
    if (!parsed.ok()) std::abort();
    return new Identities(*std::move(parsed));
  }();
  return *ids;
}

// `s` as the inside of a JSON string.
std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Requests 4k..4k+3 (one of each kind) carry honey values for one k in 13:
// about one request in fifty.
bool IsHoney(int i) { return (i / 4) % 13 == 0; }

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// ', "postData": {...}' with `body` as text, or gzip-compressed and written
// base64 as HTTP Toolkit does (with `gzip`).
std::string PostData(absl::string_view mime, const std::string& body, bool gzip) {
  if (!gzip) {
    return absl::StrCat(R"(, "postData": {"mimeType": ")", mime, R"(", "text": ")",
                        Escape(body), R"("})");
  }
  return absl::StrCat(R"(, "postData": {"mimeType": ")", mime,
                      R"(", "encoding": "base64", "text": ")",
                      absl::Base64Escape(Gzip(body)), R"("})");
}

std::string Entry(int i, bool gzip) {
  const std::string ua =
      "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Pro Build/UQ1A.240205.004)";
  const bool honey = IsHoney(i);
  const std::string jwt =
      absl::StrCat("eyJhbGciOiJIUzI1NiJ9.",
                   absl::WebSafeBase64Escape(absl::StrCat(
                       R"({"sub":")", honey ? "usr-7Kq2ZpX9" : "usr-000000",
                       R"(","iat":)", 1714557600 + i, "}")),
                   ".c2lnbmF0dXJlLXNpZ25hdHVyZQ");
  std::string headers = absl::StrCat(
      R"([{"name": "Host", "value": "api.example.org"}, {"name": "User-Agent", "value": ")",
      ua, R"("}, {"name": "Authorization", "value": "Bearer )", jwt,
      R"("}, {"name": "Cookie", "value": "sid=)", 100000 + i,
      R"(; _ga=GA1.2.1234567890.1714557600"}, {"name": "Accept-Language", "value": "en-GB,en;q=0.9"})",
      gzip ? R"(, {"name": "Content-Encoding", "value": "gzip"}])" : "]");
  std::string request;
  std::string response;
  switch (i % 4) {
    case 0: {  // GET with a query string, JSON response
      request = absl::StrCat(
          R"("method": "GET", "url": "https://api.example.org/v1/feed?page=)",
          i, R"(&limit=20&lang=en&tz=Europe%2FLondon&ts=)", 1714557600000LL + i,
          honey ? "&e=honey.alice%40example.org" : "", R"(", "headers": )",
          headers);
      std::string items;
      for (int k = 0; k < 30; ++k) {
        absl::StrAppend(
            &items, k ? "," : "", R"({"id": )", i * 100 + k,
            R"(, "title": "A headline of moderate length for item )", k,
            R"(", "score": 0.)", 1000 + k, R"(, "tags": ["news", "uk"]})");
      }
      response = absl::StrCat(
          R"({"mimeType": "application/json", "text": ")",
          Escape(absl::StrCat(R"({"items": [)", items, "]}")), R"("})");
      break;
    }
    case 1: {  // analytics JSON body
      std::string events;
      for (int k = 0; k < 12; ++k) {
        absl::StrAppend(
            &events, k ? "," : "",
            absl::StrCat(
                R"({"name": "screen_view", "ts": )",
                1714557600000LL + i * 10 + k,
                R"(, "params": {"screen": "HomeFragment", "duration_ms": )",
                k * 137, R"(, "session": ")",
                absl::Base64Escape(absl::StrCat("session-", i, "-", k)),
                R"(", "engagement": 0.)", 5000 + k, "}}"));
      }
      const std::string device = absl::StrCat(
          R"({"model": "Pixel 8 Pro", "os": "Android", "osv": "14", "ifa": ")",
          honey ? "38400000-8cf0-11bd-b23e-10b96e40000d"
                : "00000000-0000-0000-0000-000000000000",
          R"(", "geo": {"lat": )", honey ? "48.8584" : "51.5072",
          R"(, "lng": )", honey ? "2.2945" : "-0.1276", "}}");
      const std::string body =
          absl::StrCat(R"({"app": "com.example.app", "device": )", device,
                       R"(, "events": [)", events, "]}");
      request = absl::StrCat(
          R"("method": "POST", "url": "https://collector.tracker.example/v2/batch", "headers": )",
          headers,
          PostData("application/json", body, gzip));
      response =
          R"({"mimeType": "application/json", "text": "{\"ok\": true}"})";
      break;
    }
    case 2: {  // form post, base64 image response
      const std::string ext = absl::Base64Escape(
          absl::StrCat(R"({"hashed_email": ")",
                       honey ? "2d8b6e3a0f1c4e5d6b7a8c9d0e1f2a3b"
                             : "0123456789abcdef0123456789abcdef",
                       R"(", "v": 3})"));
      request = absl::StrCat(
          R"("method": "POST", "url": "https://ads.adnet.example/track", "headers": )",
          headers,
          PostData("application/x-www-form-urlencoded",
                   absl::StrCat("ev=imp&id=", i, "&p=",
                                honey ? "%2B442079460321" : "%2B440000000000",
                                "&ext=", ext, "&bundle=com.example.app&w=1080&h=2400"),
                   gzip));
      std::string image;
      for (int k = 0; k < 16000; ++k)
        image.push_back(static_cast<char>((k * 7 + i) % 256));
      response = absl::StrCat(
          R"({"mimeType": "image/webp", "encoding": "base64", "text": ")",
          absl::Base64Escape(image), R"("})");
      break;
    }
    case 3: {  // contacts sync or a small ping
      std::string contacts;
      for (int k = 0; k < 25; ++k) {
        const bool planted = honey && k == 7;
        absl::StrAppend(
            &contacts, k ? "," : "", R"({"name": ")",
            planted ? "Bartholomew Kettering"
                    : absl::StrCat("Contact Number ", k),
            R"(", "phones": [")",
            planted ? "+44 7700 900123" : absl::StrCat("+44 7700 9", 10000 + k),
            R"("], "emails": [")",
            planted ? "bob.kettering@example.net"
                    : absl::StrCat("c", k, "@example.com"),
            R"("]})");
      }
      request = absl::StrCat(
          R"("method": "POST", "url": "https://api.example.org/v2/contacts/sync", "headers": )",
          headers,
          PostData("application/json", absl::StrCat(R"({"contacts": [)", contacts, "]}"),
                   gzip));
      response =
          R"({"mimeType": "application/json", "text": "{\"synced\": 25}"})";
      break;
    }
  }
  return absl::StrCat(
      R"({"startedDateTime": "2024-05-01T10:00:00.000Z", "time": 42, "request": {)",
      request,
      R"(, "httpVersion": "HTTP/1.1", "cookies": [], "queryString": [], "headersSize": -1, "bodySize": -1}, )",
      R"("response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [], "content": )",
      response,
      R"(, "redirectURL": "", "headersSize": -1, "bodySize": -1}, "cache": {}, "timings": {"send": 1, "wait": 30, "receive": 11}, "serverIPAddress": "192.0.2.)",
      i % 250 + 1, R"("})");
}

std::string MakeHar(bool gzip) {
  std::string s(R"({"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": [)");
  s.reserve(kTargetBytes + (1 << 20));
  for (int i = 0; s.size() < kTargetBytes; ++i) {
    if (i > 0) s.push_back(',');
    s.append(Entry(i, gzip));
  }
  s.append("]}}\n");
  return s;
}

const std::string& LargeHar() {
  static const std::string* har = new std::string(MakeHar(false));
  return *har;
}

// The same requests with gzip-coded bodies, as an SDK sends them.
const std::string& CompressedHar() {
  static const std::string* har = new std::string(MakeHar(true));
  return *har;
}

void BM_MeasureHar(benchmark::State& state) {
  const std::string& har = state.range(0) != 0 ? CompressedHar() : LargeHar();
  const Identities& ids = TwentyHoneyValues();
  size_t detections = 0;
  size_t flows = 0;
  size_t unexpected = 0;  // detections in requests that carry no honey value
  for (auto _ : state) {
    StringByteSource source(har);
    absl::StatusOr<measurement::v1::Measurement> m = MeasureHar(source, ids);
    if (!m.ok()) {
      state.SkipWithError(std::string(m.status().message()).c_str());
      return;
    }
    flows = m->flows_size();
    detections = 0;
    unexpected = 0;
    for (int i = 0; i < m->flows_size(); ++i) {
      detections += m->flows(i).detections_size();
      if (!IsHoney(i)) unexpected += m->flows(i).detections_size();
    }
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * har.size()));
  state.counters["file_MB"] = static_cast<double>(har.size()) / 1e6;
  state.counters["flows"] = static_cast<double>(flows);
  state.counters["detections"] = static_cast<double>(detections);
  state.counters["false_positives"] = static_cast<double>(unexpected);
}
// Arg 0: plain bodies; 1: gzip-coded bodies (throughput counts input bytes).
BENCHMARK(BM_MeasureHar)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(3);

// Reading the HAR alone (JSON, string cap, hashing), without detection.
void BM_ReadHarOnly(benchmark::State& state) {
  const std::string& har = LargeHar();
  for (auto _ : state) {
    StringByteSource source(har);
    HashingByteSource hashing(&source);
    HarReader reader(&hashing);
    while (true) {
      absl::StatusOr<std::optional<HarEntry>> e = reader.Next();
      if (!e.ok() || !e->has_value()) break;
      benchmark::DoNotOptimize(e);
    }
    benchmark::DoNotOptimize(hashing.FinishHex());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * har.size()));
}
BENCHMARK(BM_ReadHarOnly)->Unit(benchmark::kMillisecond)->MinTime(3);

// The multi-pattern search over text, with the detector's needles.
void BM_MultiMatcher(benchmark::State& state) {
  const std::string& har = LargeHar();
  const std::string text = har.substr(0, 16 << 20);
  std::vector<std::string> needles;
  for (const HoneyValue& v : TwentyHoneyValues().values) {
    needles.push_back(v.canonical);
    needles.push_back(HexEncode(DigestBytes(Sha256(v.canonical))));
  }
  MultiMatcher matcher(needles);
  size_t hits = 0;
  for (auto _ : state) {
    matcher.FindAll(text, [&](size_t, size_t) { ++hits; });
  }
  benchmark::DoNotOptimize(hits);
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MultiMatcher)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace candor::detect
