// The closed route table. Deny by default: a path that is not in the table is 404 whatever the
// method, and a known path with a method it does not take is 405 with an Allow header, as
// RFC 9110 section 15.5.6 requires. Matching is exact, byte for byte, on the decoded path nginx
// passes as DOCUMENT_URI: no trailing-slash forgiveness, no case folding, no normalising of "//"
// or "..", so exactly one spelling reaches each handler.
#include "http/router.hpp"

#include "messagebird/verify_id.hpp"

namespace voiceverify::http {
namespace {

constexpr std::string_view kCodePrefix = "/EnterCode/";
constexpr std::string_view kAllowGetHeadPost = "GET, HEAD, POST";
constexpr std::string_view kAllowGetHead = "GET, HEAD";

// RFC 9110 section 9.1: method names are case-sensitive, so "get" is not GET.
bool is_get_or_head(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

Route not_allowed(std::string_view allow) {
  Route route;
  route.id = RouteId::MethodNotAllowed;
  route.allow = std::string(allow);
  return route;
}

Route to(RouteId id) {
  Route route;
  route.id = id;
  return route;
}

}  // namespace

Route route(std::string_view method, std::string_view path) {
  if (path == "/") {
    if (is_get_or_head(method)) return to(RouteId::PhoneForm);
    if (method == "POST") return to(RouteId::StartCall);
    return not_allowed(kAllowGetHeadPost);
  }
  if (path == "/success") {
    if (is_get_or_head(method)) return to(RouteId::Success);
    return not_allowed(kAllowGetHead);
  }
  if (path.substr(0, kCodePrefix.size()) == kCodePrefix) {
    // The id goes into an upstream URL later; only the exact MessageBird shape gets that far, so
    // "/", "%", ".." and the like never leave this function.
    const std::string_view id = path.substr(kCodePrefix.size());
    if (!messagebird::is_verify_id(id)) return to(RouteId::NotFound);
    Route route;
    if (is_get_or_head(method)) {
      route.id = RouteId::CodeForm;
    } else if (method == "POST") {
      route.id = RouteId::CheckCode;
    } else {
      return not_allowed(kAllowGetHeadPost);
    }
    route.verify_id = std::string(id);
    return route;
  }
  return to(RouteId::NotFound);
}

}  // namespace voiceverify::http
