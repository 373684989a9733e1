// See api_records.hpp. The record is one line of '|'-separated fields, led by a version:
// "1|client|called_at|masked|status|attempts_left|verified_at". None of the fields can hold a
// '|' (client ids and masked numbers are of closed alphabets).
#include "web/api_records.hpp"

#include <charconv>
#include <stdexcept>
#include <utility>
#include <vector>

#include "util/hmac.hpp"
#include "util/name_table.hpp"

namespace voiceverify::web {
namespace {

constexpr std::string_view kVersion = "1";
constexpr std::size_t kFields = 7;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<long> number_in(std::string_view text) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool field_safe(std::string_view text) {
  return text.find('|') == std::string_view::npos && text.find('\n') == std::string_view::npos;
}

}  // namespace

std::string_view api_status_name(ApiStatus status) {
  return util::field_of(kApiStatuses, &ApiStatusRow::status, status, &ApiStatusRow::name,
                        std::string_view("unknown"));
}

std::string encode_record(const ApiRecord& record) {
  if (!field_safe(record.client_id) || !field_safe(record.masked_number)) {
    throw std::invalid_argument("api record: a field holds a separator");
  }
  std::string text(kVersion);
  for (const std::string& field :
       {record.client_id, std::to_string(record.called_at), record.masked_number,
        std::string(api_status_name(record.status)), std::to_string(record.attempts_left),
        std::to_string(record.verified_at)}) {
    text += '|';
    text += field;
  }
  return text;
}

std::optional<ApiRecord> decode_record(std::string_view text) {
  const auto fields = split(text, '|');
  if (fields.size() != kFields || fields[0] != kVersion || fields[1].empty()) return std::nullopt;
  const auto called_at = number_in(fields[2]);
  const auto attempts = number_in(fields[5]);
  const auto verified_at = number_in(fields[6]);
  const ApiStatusRow* status = util::find_row(kApiStatuses, &ApiStatusRow::name, fields[4]);
  if (!called_at || !attempts || !verified_at || status == nullptr || *attempts > 100) {
    return std::nullopt;
  }
  ApiRecord record;
  record.client_id = fields[1];
  record.called_at = *called_at;
  record.masked_number = fields[3];
  record.status = status->status;
  record.attempts_left = static_cast<int>(*attempts);
  record.verified_at = *verified_at;
  return record;
}

ApiRecords::ApiRecords(store::Store& store, std::string key_secret, std::chrono::seconds lifetime)
    : store_(store), key_secret_(std::move(key_secret)), lifetime_(lifetime) {
  if (key_secret_.empty()) throw std::invalid_argument("ApiRecords: empty key secret");
}

std::string ApiRecords::key_of(const std::string& verify_id) const {
  return "api:" + util::hmac_sha256_hex(key_secret_, "api-verification\n" + verify_id);
}

std::string ApiRecords::caller_id(std::string_view client_id) const {
  return util::hmac_sha256_hex(key_secret_, "api-client\n" + std::string(client_id)).substr(0, 32);
}

store::StoreError ApiRecords::keep(const std::string& verify_id, const ApiRecord& record) const {
  return store_.put(key_of(verify_id), encode_record(record), lifetime_);
}

FoundRecord ApiRecords::find(const std::string& verify_id) const {
  const store::Fetched fetched = store_.get(key_of(verify_id));
  if (fetched.error != store::StoreError::None) return FoundRecord{fetched.error, std::nullopt};
  if (!fetched.value) return {};
  return FoundRecord{store::StoreError::None, decode_record(*fetched.value)};
}

}  // namespace voiceverify::web
