// The simulator's control routes, for tests: never part of the real API, never subject to faults
// (docs/messagebird-verify.md, Control endpoints).
//   GET /_sim/last-code?recipient=DIGITS   the newest code for a recipient (text), or 404
//   GET /_sim/stats                        request counters, active objects, concurrency (JSON)
//   GET /_sim/faults, POST /_sim/faults    the fault switches (JSON; set by form or JSON fields)
//   POST /_sim/expire                      every stored code expires now
//   POST /_sim/reset                       forget everything, every switch off
#pragma once

namespace httplib {
class Server;
}  // namespace httplib

namespace voiceverify::simulator {

class SimServer;

// Adds the control routes to `server`, acting on `sim`; add them before the API routes, whose
// last one catches every path.
void add_control_routes(httplib::Server& server, SimServer& sim);

}  // namespace voiceverify::simulator
