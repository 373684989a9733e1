// Plain request and response values. Handlers take a Request and return a Response; only
// fcgi_server.cpp turns them into FastCGI records, so every handler is testable without a server.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace voiceverify::http {

struct Request {
  std::string method;           // REQUEST_METHOD as sent ("GET", "POST", ...)
  std::string path;             // DOCUMENT_URI: decoded path, no query string
  std::string query;            // QUERY_STRING, raw
  std::string content_type;     // CONTENT_TYPE, raw
  std::string cookie_header;    // HTTP_COOKIE, raw
  std::string accept_language;  // HTTP_ACCEPT_LANGUAGE, raw: read capped, never logged
  std::string authorization;    // HTTP_AUTHORIZATION, raw, capped: OIDC clients; never logged
  std::string origin;           // HTTP_ORIGIN, raw, capped: the CORS checks of the OIDC routes
  std::string idempotency_key;  // HTTP_IDEMPOTENCY_KEY, raw, capped: the API; never logged
  std::string remote_addr;      // REMOTE_ADDR as nginx saw it
  bool https = false;           // HTTPS=on from nginx
  std::string body;             // at most the pool's body cap
  std::string request_id;       // nginx's $request_id, or one we made
  bool body_too_large = false;  // CONTENT_LENGTH was over the pool's cap: body left unread
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  // Extra headers in order, Set-Cookie lines included. Names and values are ours, never input.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// A 303 See Other to a local path (which the caller built from validated parts only), with an
// empty body and no Content-Type. Anything but a local path ('/' not followed by '/' or '\', no
// control characters) is a caller bug: std::invalid_argument.
Response redirect_to(std::string location);
// The same 303 to another site's URL: only for a redirect URI an OpenID Connect client registered
// (web/authorization.cpp checks it is one). Throws std::invalid_argument for anything but an
// http(s) URL without spaces or control bytes.
Response redirect_to_registered(std::string location);

// The response as a FastCGI responder sends it: a CGI header block (Status, Content-Type,
// Content-Length, the extra headers), a blank line, and the body unless `head`.
std::string cgi_response(const Response& response, bool head);

// The reason phrase for the status codes this application sends ("Not Found"); "Unknown" otherwise.
const char* reason_phrase(int status);

}  // namespace voiceverify::http
