// Fuzzes the route table (web/routes.hpp): method and path come from the client, and a verify id
// taken from the path later goes into an upstream URL. Input: "METHOD path" split at the first
// space; without a space, the whole input is a GET path. Checks, against the table itself, that
// it stays closed: a route is found only for a row's exact path and method, an id is always of
// MessageBird's shape, and 405 always carries the Allow list of the path's rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "messagebird/verify_id.hpp"
#include "web/routes.hpp"

namespace {

using voiceverify::web::kRoutes;
using voiceverify::web::Method;
using voiceverify::web::Route;
using voiceverify::web::RouteMatch;

bool is_get_or_head(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

// Whether some row has this path (whatever its method), for a public asker.
bool known_path(std::string_view path) {
  for (const auto& row : kRoutes) {
    if (row.local_only) continue;
    if (!row.takes_id && path == row.path) return true;
    if (row.takes_id && path.size() >= row.path.size() + row.suffix.size() &&
        path.starts_with(row.path) && path.ends_with(row.suffix) &&
        voiceverify::messagebird::is_verify_id(
            path.substr(row.path.size(), path.size() - row.path.size() - row.suffix.size())))
      return true;
  }
  return false;
}

void check_route(std::string_view method, std::string_view path) {
  const Route route = voiceverify::web::route(method, path);
  switch (route.match) {
    case RouteMatch::Found:
      VV_FUZZ_CHECK(route.row != nullptr);
      VV_FUZZ_CHECK(route.row->method == Method::Get    ? is_get_or_head(method)
                    : route.row->method == Method::Post ? method == "POST"
                                                        : method == "DELETE");
      if (route.row->takes_id) {
        VV_FUZZ_CHECK(voiceverify::messagebird::is_verify_id(route.verify_id));
        VV_FUZZ_CHECK(path == std::string(route.row->path) + route.verify_id +
                                  std::string(route.row->suffix));
      } else {
        VV_FUZZ_CHECK(path == route.row->path);
        VV_FUZZ_CHECK(route.verify_id.empty());
      }
      VV_FUZZ_CHECK(route.allow.empty());
      break;
    case RouteMatch::MethodNotAllowed:
      VV_FUZZ_CHECK(known_path(path));
      // The methods the path's rows take, in the table's order (GET, HEAD; POST; DELETE).
      VV_FUZZ_CHECK(route.allow == "GET, HEAD" || route.allow == "POST" ||
                    route.allow == "DELETE" || route.allow == "GET, HEAD, POST" ||
                    route.allow == "GET, HEAD, DELETE" || route.allow == "POST, DELETE" ||
                    route.allow == "GET, HEAD, POST, DELETE");
      VV_FUZZ_CHECK(route.verify_id.empty());
      break;
    case RouteMatch::NotFound:
      VV_FUZZ_CHECK(!known_path(path));
      VV_FUZZ_CHECK(route.allow.empty() && route.verify_id.empty());
      break;
  }
  // Whether a path exists does not depend on the method: 404 for one is 404 for all.
  const bool found = route.match != RouteMatch::NotFound;
  VV_FUZZ_CHECK(found == (voiceverify::web::route("GET", path).match != RouteMatch::NotFound));
  // HEAD goes wherever GET goes.
  if (method == "GET") {
    const Route head = voiceverify::web::route("HEAD", path);
    VV_FUZZ_CHECK(head.match == route.match && head.row == route.row);
  }
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
