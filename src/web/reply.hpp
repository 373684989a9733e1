// How a page answers: render a page, redirect (with or without a banner), or an error page. Every
// reply that knows the browser writes its session cookie; banners ride in the signed flash cookie
// (post/redirect/get).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "view/templates.hpp"
#include "web/context.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {

// The error page for each status in view::kErrorStatuses in each language, rendered once at
// start-up: it depends on nothing but the two, and a flood of 404s should cost no template
// expansion.
class ErrorPages {
 public:
  explicit ErrorPages(const view::Templates& templates);
  // The page for `status` in `language`; the 500 page for a status without one of its own.
  http::Response page(int status, std::string_view language) const;

 private:
  // language -> status -> page
  std::map<std::string, std::map<int, std::string>, std::less<>> bodies_;
};

http::Response render_page(Context& ctx, int status, std::string body);
http::Response redirect_plain(Context& ctx, const std::string& location);
http::Response redirect_with_banner(Context& ctx, const std::string& location,
                                    const view::Banner& banner);
// The error page for `status` in the request's language.
http::Response error_page(const Context& ctx, int status);
// The same page saying `message` instead of the status's own sentence (rendered per request: for
// rare errors only).
http::Response error_page_saying(const Context& ctx, int status, view::MessageId message);
// Writes the session cookie (signed, deps.session_lifetime) onto `response`.
void set_session_cookie(Context& ctx, http::Response& response);

}  // namespace voiceverify::web
