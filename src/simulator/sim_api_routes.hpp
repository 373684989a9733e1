// The simulator's MessageBird Verify API routes (docs/messagebird-verify.md, Endpoints):
//   POST /verify, GET /verify/{id}[?token=], DELETE /verify/{id}   (through SimState)
//   any other method and path                                       (404 code 98)
#pragma once

#include <functional>

#include "simulator/sim_state.hpp"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace voiceverify::simulator {

// One API request's work, done once the faults let it through.
using ApiCall = std::function<ApiResult()>;
// Runs `call` behind the server's fault switches and writes its answer into `res`.
// `garbage_status` is what the garbage switch answers instead (201 for a create, else 200).
using ServeApi =
    std::function<void(httplib::Response& res, int garbage_status, const ApiCall& call)>;

// Adds the API routes to `server`, answering from `state` through `serve`. The last of them
// catches every path, so add them after every other route.
void add_api_routes(httplib::Server& server, SimState& state, const ServeApi& serve);

}  // namespace voiceverify::simulator
