// "/healthz", "/readyz", "/metrics": plain text for load balancers and Prometheus, reachable only
// from loopback and METRICS_ALLOW (the route table's local_only rows). docs/operations.md, "Health
// and metrics", says what each answers.
#include <string>

#include "messagebird/breaker.hpp"
#include "util/metrics.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {
namespace {

http::Response plain(int status, std::string body, const char* type = "text/plain; charset=utf-8") {
  http::Response response;
  response.status = status;
  response.content_type = type;
  response.body = std::move(body);
  response.add_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

// The pool answers: that is all a load balancer needs to know (it stops sending when this fails).
Reply show_healthz(Context&) {
  return plain(200, "ok\n");
}

// Ready when the store answers (every call and check needs it) and the templates are loaded
// (they are: the pool refuses to start otherwise). The breaker's state is shown but never makes
// this 503: a MessageBird outage hits every pool alike, and taking pools out of a balancer would
// not help.
Reply show_readyz(Context& ctx) {
  const std::string breaker = messagebird::breaker_state_name(ctx.deps.runner.breaker_state());
  // The reason names what is missing (a Redis primary during a failover), never a password.
  if (const std::string trouble = ctx.deps.flow.limiter.store_trouble(); !trouble.empty()) {
    return plain(503,
                 "not ready: " + trouble + "; templates=loaded upstream_breaker=" + breaker + "\n");
  }
  return plain(200, "ready: store=ok templates=loaded upstream_breaker=" + breaker + "\n");
}

Reply show_metrics(Context&) {
  return plain(200, util::metrics().exposition(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace voiceverify::web
