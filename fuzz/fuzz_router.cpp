// Fuzzes the route table (http/router.hpp): method and path come from the client, and a verify id
// taken from the path later goes into an upstream URL. Input: "METHOD path" split at the first
// space; without a space, the whole input is a GET path. Checks that the table stays closed:
// only the exact paths reach handlers, an id is always of MessageBird's shape, and 405 always
// carries an Allow list.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "http/router.hpp"
#include "messagebird/verify_id.hpp"

namespace {

using voiceverify::http::Route;
using voiceverify::http::RouteId;

bool is_get_or_head(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

void check_route(std::string_view method, std::string_view path) {
  const Route route = voiceverify::http::route(method, path);
  switch (route.id) {
    case RouteId::PhoneForm:
      VV_FUZZ_CHECK(path == "/" && is_get_or_head(method));
      break;
    case RouteId::StartCall:
      VV_FUZZ_CHECK(path == "/" && method == "POST");
      break;
    case RouteId::Success:
      VV_FUZZ_CHECK(path == "/success" && is_get_or_head(method));
      break;
    case RouteId::CodeForm:
    case RouteId::CheckCode:
      VV_FUZZ_CHECK(voiceverify::messagebird::is_verify_id(route.verify_id));
      VV_FUZZ_CHECK(path == "/EnterCode/" + route.verify_id);
      VV_FUZZ_CHECK(route.id == RouteId::CodeForm ? is_get_or_head(method) : method == "POST");
      break;
    case RouteId::MethodNotAllowed:
      VV_FUZZ_CHECK(!is_get_or_head(method));
      VV_FUZZ_CHECK(method != "POST" || path == "/success");
      VV_FUZZ_CHECK(route.allow == (path == "/success" ? "GET, HEAD" : "GET, HEAD, POST"));
      break;
    case RouteId::NotFound:
      VV_FUZZ_CHECK(path != "/" && path != "/success");
      break;
  }
  if (route.id != RouteId::CodeForm && route.id != RouteId::CheckCode) {
    VV_FUZZ_CHECK(route.verify_id.empty());
  }
  if (route.id != RouteId::MethodNotAllowed) VV_FUZZ_CHECK(route.allow.empty());

  // Whether a path exists does not depend on the method: 404 for one is 404 for all.
  const bool found = route.id != RouteId::NotFound;
  VV_FUZZ_CHECK(found == (voiceverify::http::route("GET", path).id != RouteId::NotFound));
  // HEAD goes wherever GET goes.
  if (method == "GET") VV_FUZZ_CHECK(voiceverify::http::route("HEAD", path).id == route.id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t space = input.find(' ');
  if (space == std::string_view::npos) {
    check_route("GET", input);
  } else {
    check_route(input.substr(0, space), input.substr(space + 1));
  }
  // The id check on its own, over raw bytes.
  if (voiceverify::messagebird::is_verify_id(input)) {
    VV_FUZZ_CHECK(size == 32);
    VV_FUZZ_CHECK(input.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz") ==
                  std::string_view::npos);
  }
  return 0;
}
