// The closed route table: method + path to a route, or 404 / 405 with the Allow list.
// Paths follow the seed guide: "/", "/EnterCode/<id>", "/success".
#pragma once

#include <string>
#include <string_view>

#include "messagebird/verify_id.hpp"

namespace voiceverify::http {

enum class RouteId {
  PhoneForm,
  StartCall,
  CodeForm,
  CheckCode,
  Success,
  NotFound,
  MethodNotAllowed
};

struct Route {
  RouteId id = RouteId::NotFound;
  std::string verify_id;  // for CodeForm/CheckCode only: already checked against ^[0-9a-z]{32}$
  std::string allow;      // for MethodNotAllowed: the Allow header value, e.g. "GET, HEAD, POST"
};

// HEAD routes wherever GET does (the caller drops the body). A verify id of the wrong format is
// NotFound, so it never reaches an upstream URL.
Route route(std::string_view method, std::string_view path);

// messagebird::is_verify_id under its old name, kept only for callers outside src/http that
// have not moved to messagebird/verify_id.hpp yet.
inline bool is_verify_id(std::string_view id) {
  return messagebird::is_verify_id(id);
}

}  // namespace voiceverify::http
