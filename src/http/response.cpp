// Response helpers shared by the handlers and the FastCGI adapter.
#include <array>
#include <stdexcept>
#include <string>
#include <utility>

#include "http/request.hpp"
#include "util/ascii.hpp"
#include "util/name_table.hpp"

namespace voiceverify::http {
namespace {

// A local absolute path: one leading '/', not "//" (a scheme-relative URL, RFC 3986 section 4.2,
// which a browser would follow off-site) and not "/\" (which browsers treat the same way), and no
// control characters that could end the header line.
bool is_local_path(const std::string& location) {
  if (location.empty() || location.front() != '/') return false;
  if (location.size() > 1 && (location[1] == '/' || location[1] == '\\')) return false;
  return !util::has_control(location);
}

// An http(s) URL with no byte that could end or split the header line (RFC 3986 allows none of
// them unencoded either).
bool is_plain_url(const std::string& location) {
  const bool scheme = location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0;
  return scheme && location.find(' ') == std::string::npos && !util::has_control(location);
}

Response see_other(std::string location) {
  Response response;
  // 303 See Other (RFC 9110 section 15.4.4): after a POST the browser follows with a GET, so a
  // reload never resubmits the form (the post/redirect/get pattern).
  response.status = 303;
  response.content_type.clear();  // no body, so no Content-Type
  response.add_header("Location", std::move(location));
  return response;
}

}  // namespace

Response redirect_to(std::string location) {
  // The caller builds the location from validated parts, so anything else is our bug; refusing it
  // here stops it becoming an open redirect or a split header.
  if (!is_local_path(location)) throw std::invalid_argument("redirect_to: not a local path");
  return see_other(std::move(location));
}

Response redirect_to_registered(std::string location) {
  if (!is_plain_url(location)) throw std::invalid_argument("redirect_to_registered: not a URL");
  return see_other(std::move(location));
}

namespace {

// RFC 9110 section 15 reason phrases, plus 429 from RFC 6585 section 4.
struct Reason {
  int status;
  const char* phrase;
};

constexpr auto kReasons = std::to_array<Reason>({
    {200, "OK"},
    {303, "See Other"},
    {400, "Bad Request"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {413, "Content Too Large"},
    {415, "Unsupported Media Type"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
});

}  // namespace

const char* reason_phrase(int status) {
  return util::field_of(kReasons, &Reason::status, status, &Reason::phrase, "Unknown");
}

std::string cgi_response(const Response& response, bool head) {
  std::string out;
  out.reserve(256 + response.body.size());
  out += "Status: ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head) out += response.body;
  return out;
}

}  // namespace voiceverify::http
