#include "simulator/sim_api_routes.hpp"

#include <httplib.h>

namespace voiceverify::simulator {

void add_api_routes(httplib::Server& server, SimState& state, const ServeApi& serve) {
  server.Post("/verify", [&state, serve](const httplib::Request& req, httplib::Response& res) {
    serve(res, 201, [&] {
      CreateInput input;
      input.body_unparsable =
          !decode_params(req.params, req.get_header_value("Content-Type"), req.body, input.params);
      return state.create(req.get_header_value("Authorization"), input);
    });
  });
  server.Get(R"(/verify/([^/]+))",
             [&state, serve](const httplib::Request& req, httplib::Response& res) {
               serve(res, 200, [&] {
                 return state.check(req.get_header_value("Authorization"), req.matches[1],
                                    req.get_param_value("token"));
               });
             });
  server.Delete(
      R"(/verify/([^/]+))", [&state, serve](const httplib::Request& req, httplib::Response& res) {
        serve(res, 200,
              [&] { return state.remove(req.get_header_value("Authorization"), req.matches[1]); });
      });

  // Everything else: 404 code 98, "API not found" (docs/messagebird-verify.md, Errors), behind
  // the same faults.
  const auto unknown = [serve](const httplib::Request&, httplib::Response& res) {
    serve(res, 200, [] {
      return ApiResult{404, error_body(98, "API not found", ""), std::nullopt};
    });
  };
  server.Get(".*", unknown);
  server.Post(".*", unknown);
  server.Put(".*", unknown);
  server.Patch(".*", unknown);
  server.Delete(".*", unknown);
  server.Options(".*", unknown);
}

}  // namespace voiceverify::simulator
