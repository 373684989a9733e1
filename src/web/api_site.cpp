// See api_site.hpp.
#include "web/api_site.hpp"

#include <chrono>
#include <utility>

#include "oidc/json.hpp"
#include "util/file.hpp"

namespace voiceverify::web {
namespace {

// A verification's record outlives its code by far, so that a client may still ask how it
// ended: a day, as long as the number windows remember a call.
constexpr std::chrono::seconds kRecordLifetime = std::chrono::hours{24};
// An Idempotency-Key's answer is given again for a day (docs/api.md, "Retrying safely"); a
// request still running holds its key longer than any request waits (TOTAL_TIMEOUT_MS is at most
// two minutes, the runner's queue adds less).
constexpr std::chrono::seconds kIdempotencyLifetime = std::chrono::hours{24};
constexpr std::chrono::seconds kIdempotencyInFlight = std::chrono::minutes{5};
constexpr std::size_t kMaxDocumentBytes = std::size_t{256} * 1024;

}  // namespace

std::unique_ptr<ApiSite> make_api_site(const oidc::ClientRegistry& clients,
                                       oidc::VerifiedSecrets* verified_secrets, store::Store& store,
                                       std::string key_secret, const std::string& templates_dir,
                                       std::string& error) {
  std::string document;
  error = util::read_file(templates_dir + "/openapi.json", "the OpenAPI document",
                          kMaxDocumentBytes, util::FileAccess::Any, document);
  if (!error.empty()) return nullptr;
  if (!oidc::parse_json_object(document)) {
    error = templates_dir + "/openapi.json: not a JSON object";
    return nullptr;
  }
  ApiIdempotency idempotency(store, key_secret, kIdempotencyLifetime, kIdempotencyInFlight);
  return std::make_unique<ApiSite>(
      ApiSite{clients, verified_secrets, ApiRecords(store, std::move(key_secret), kRecordLifetime),
              std::move(idempotency), std::move(document)});
}

}  // namespace voiceverify::web
