#include "simulator/sim_control_routes.hpp"

#include <httplib.h>

#include <string>

#include "simulator/sim_server.hpp"

namespace voiceverify::simulator {
namespace {

const char* flag(bool on) {
  return on ? "1" : "0";
}

std::string stats_json(const SimStats& stats, const SimServer& sim) {
  return R"({"creates":)" + std::to_string(stats.creates) + R"(,"checks":)" +
         std::to_string(stats.checks) + R"(,"deletes":)" + std::to_string(stats.deletes) +
         R"(,"active":)" + std::to_string(stats.active) + R"(,"in_flight":)" +
         std::to_string(sim.in_flight()) + R"(,"max_concurrent":)" +
         std::to_string(sim.max_concurrent()) + "}";
}

std::string faults_json(const Faults& now) {
  return R"({"latency_ms":)" + std::to_string(now.latency_ms) + R"(,"fail_percent":)" +
         std::to_string(now.fail_percent) + R"(,"hang":)" + flag(now.hang) + R"(,"garbage":)" +
         flag(now.garbage) + R"(,"refuse_recipient":)" + flag(now.behaviour.refuse_recipient) +
         R"(,"no_balance":)" + flag(now.behaviour.no_balance) + R"(,"ignore_max_attempts":)" +
         flag(now.behaviour.ignore_max_attempts) + "}";
}

}  // namespace

void add_control_routes(httplib::Server& server, SimServer& sim) {
  server.Get("/_sim/last-code", [&sim](const httplib::Request& req, httplib::Response& res) {
    std::string recipient = req.get_param_value("recipient");
    // "+316..." arrives as " 316..." when the '+' was not percent-encoded.
    recipient.erase(0, recipient.find_first_not_of(" +"));
    const auto code = sim.state().last_code(recipient);
    res.status = code ? 200 : 404;
    res.set_content(code ? *code : "no verify for this recipient\n", "text/plain");
  });
  // The language and template of the newest create for the recipient, as sent (null: absent).
  server.Get("/_sim/last-create", [&sim](const httplib::Request& req, httplib::Response& res) {
    std::string recipient = req.get_param_value("recipient");
    recipient.erase(0, recipient.find_first_not_of(" +"));
    const auto spoken = sim.state().last_spoken(recipient);
    res.status = spoken ? 200 : 404;
    if (spoken) {
      res.set_content(*spoken, "application/json");
    } else {
      res.set_content("no verify for this recipient\n", "text/plain");
    }
  });
  server.Get("/_sim/stats", [&sim](const httplib::Request&, httplib::Response& res) {
    res.set_content(stats_json(sim.state().stats(), sim), "application/json");
  });
  server.Get("/_sim/faults", [&sim](const httplib::Request&, httplib::Response& res) {
    res.set_content(faults_json(sim.faults()), "application/json");
  });
  // Only the fields given change; one bad field rejects the whole request.
  server.Post("/_sim/faults", [&sim](const httplib::Request& req, httplib::Response& res) {
    Params fields;
    Faults next = sim.faults();
    if (!decode_params(req.params, req.get_header_value("Content-Type"), req.body, fields)) {
      res.status = 400;
      res.set_content("body is not a JSON object\n", "text/plain");
      return;
    }
    for (const auto& [name, value] : fields) {
      if (!set_fault(next, name, value)) {
        res.status = 400;
        res.set_content("bad fault field: " + name + "\n", "text/plain");
        return;
      }
    }
    sim.set_faults(next);
    res.status = 204;
  });
  server.Post("/_sim/expire", [&sim](const httplib::Request&, httplib::Response& res) {
    sim.state().expire_all();
    res.status = 204;
  });
  server.Post("/_sim/reset", [&sim](const httplib::Request&, httplib::Response& res) {
    sim.reset();
    res.status = 204;
  });
}

}  // namespace voiceverify::simulator
