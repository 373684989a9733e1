// See routes.hpp.
#include "web/routes.hpp"

#include <stdexcept>
#include <utility>

#include "messagebird/verify_id.hpp"
#include "util/name_table.hpp"

namespace voiceverify::web {
namespace {

// The id after a row's prefix, or nullopt-like "no match" (false) when the path is not the row's.
bool path_matches(const RouteRow& row, std::string_view path, std::string_view& id) {
  if (!row.takes_id) return path == row.path;
  if (path.size() < row.path.size() + row.suffix.size() || !path.starts_with(row.path) ||
      !path.ends_with(row.suffix))
    return false;
  id = path.substr(row.path.size(), path.size() - row.path.size() - row.suffix.size());
  // The id goes into an upstream URL later; only the exact MessageBird shape gets that far, so
  // "/", "%", ".." and the like never leave this function.
  return messagebird::is_verify_id(id);
}

// What the log calls a request that matched no row.
struct MissName {
  RouteMatch match;
  std::string_view name;
};

constexpr auto kMissNames = std::to_array<MissName>({
    {RouteMatch::NotFound, "not_found"},
    {RouteMatch::MethodNotAllowed, "method_not_allowed"},
});

bool method_matches(Method method, std::string_view asked) {
  switch (method) {
    case Method::Get:
      return asked == "GET" || asked == "HEAD";
    case Method::Post:
      return asked == "POST";
    case Method::Delete:
      break;
  }
  return asked == "DELETE";
}

}  // namespace

Route route(std::string_view method, std::string_view path, Asker asker, bool oidc) {
  Route result;
  bool get = false;
  bool post = false;
  bool del = false;
  for (const RouteRow& row : kRoutes) {
    if (row.local_only && asker != Asker::Local) continue;
    if (row.family != Family::Site && !oidc) continue;
    std::string_view id;
    if (!path_matches(row, path, id)) continue;
    if (method_matches(row.method, method)) {
      result.match = RouteMatch::Found;
      result.row = &row;
      if (row.takes_id) result.verify_id = std::string(id);
      return result;
    }
    (row.method == Method::Get ? get : row.method == Method::Post ? post : del) = true;
  }
  if (get || post || del) {
    result.match = RouteMatch::MethodNotAllowed;
    for (const auto& [allowed, names] :
         {std::pair{get, "GET, HEAD"}, std::pair{post, "POST"}, std::pair{del, "DELETE"}}) {
      if (!allowed) continue;
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += names;
    }
  }
  return result;
}

std::string_view route_log_name(const Route& route) {
  if (route.match == RouteMatch::Found) return route.row->name;
  return util::field_of(kMissNames, &MissName::match, route.match, &MissName::name, "not_found");
}

std::string path_of(Handler page, std::string_view verify_id) {
  for (const RouteRow& row : kRoutes) {
    if (row.handler != page || row.method != Method::Get) continue;
    if (row.takes_id != !verify_id.empty()) throw std::logic_error("path_of: id does not fit");
    return std::string(row.path) + std::string(verify_id) + std::string(row.suffix);
  }
  throw std::logic_error("path_of: no GET route for this page");
}

}  // namespace voiceverify::web
