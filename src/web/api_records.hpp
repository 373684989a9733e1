// What the verification API keeps of each verification a client started (docs/api.md), in the
// shared store: the client that owns it, when the call was placed, the number masked as the code
// page shows it, its status, the tries left and when it was verified. Nothing secret: never the
// number in clear; the store key is a keyed hash of the verification's id, so a dump of the store
// does not give the ids either. The pages bind a verification to a browser's signed session; the
// API binds it to its client through this record. Thread-safe (the Store is).
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace voiceverify::web {

enum class ApiStatus { Pending, Verified, Failed, Expired, Cancelled };

struct ApiStatusRow {
  ApiStatus status;
  std::string_view name;  // in the answers' `status`, and in the record
};

inline constexpr auto kApiStatuses = std::to_array<ApiStatusRow>({
    {ApiStatus::Pending, "pending"},
    {ApiStatus::Verified, "verified"},
    {ApiStatus::Failed, "failed"},
    {ApiStatus::Expired, "expired"},
    {ApiStatus::Cancelled, "cancelled"},
});

std::string_view api_status_name(ApiStatus status);

struct ApiRecord {
  std::string client_id;      // the registry's id (8 to 64 of [A-Za-z0-9_-])
  long called_at = 0;         // seconds since the epoch
  std::string masked_number;  // "+31 * ******78"
  ApiStatus status = ApiStatus::Pending;
  int attempts_left = 0;
  long verified_at = 0;  // Verified: seconds since the epoch (the number itself is only in the
                         // check's answer, never kept)
};

struct FoundRecord {
  store::StoreError error = store::StoreError::None;
  std::optional<ApiRecord> record;  // nullopt: none (expired, never kept, or unreadable)
};

class ApiRecords {
 public:
  // `key_secret`: the store secret (app::store_secret: STORE_KEY); throws std::invalid_argument
  // when empty. Records live `lifetime` from their last write.
  ApiRecords(store::Store& store, std::string key_secret, std::chrono::seconds lifetime);

  store::StoreError keep(const std::string& verify_id, const ApiRecord& record) const;
  FoundRecord find(const std::string& verify_id) const;

  // The id that keys a client's call records (guard/call_records.hpp) where the pages use a
  // browser's: 32 hex characters, keyed, the same for every request of the client.
  std::string caller_id(std::string_view client_id) const;

 private:
  std::string key_of(const std::string& verify_id) const;
  store::Store& store_;
  std::string key_secret_;
  std::chrono::seconds lifetime_;
};

// The record's stored text, and back (nullopt for anything else): for the tests.
std::string encode_record(const ApiRecord& record);
std::optional<ApiRecord> decode_record(std::string_view text);

}  // namespace voiceverify::web
