// The OpenID Connect client file from the command line (docs/oidc.md, "The client file"):
//   voiceverify --add-client NAME [--redirect-uri URI...] [--public] [--api]
//               [--id-token-alg ES256|RS256]
//   voiceverify --list-clients
//   voiceverify --remove-client ID
// Each reads the file OIDC_CLIENTS names whole, and a change replaces it atomically (a new file
// beside it, synced, renamed over it), so a pool starting meanwhile reads the old file or the
// new one, never half of one. Running pools read the file at start-up: restart them.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "oidc/jose.hpp"

namespace voiceverify::app {

// Exit status: 0 when added (the client_id and, once, the secret printed to `out`), 1 when the
// file cannot be read or written, 2 when the name or a URI is refused (the reason on `err`).
// `api`: the client may use the verification API (docs/api.md); it then needs no redirect URI.
// `id_token_alg`: the algorithm the client's ID tokens are signed with.
int add_client(const std::string& path, std::string_view name,
               const std::vector<std::string>& redirect_uris, bool is_public, bool api,
               std::FILE* out, std::FILE* err,
               oidc::SigningAlg id_token_alg = oidc::SigningAlg::ES256);

// One line per client: id, kind (confidential or public), name, redirect URIs. Never a hash.
int list_clients(const std::string& path, std::FILE* out, std::FILE* err);

// Exit status: 0 when removed, 1 when there was no such client or the file failed.
int remove_client(const std::string& path, std::string_view id, std::FILE* out, std::FILE* err);

// The client commands' arguments, as main() reads them.
class ClientCommand {
 public:
  // Takes argv[i] when it is a client command's argument, with its value `next` (argv[i + 1]
  // or null) when it has one, advancing i past it. False for any other argument.
  bool take(std::string_view arg, const char* next, int& i);
  bool asked() const {
    return kind_ != Kind::None || is_public_ || api_ || !redirect_uris_.empty() ||
           !id_token_alg_.empty();
  }
  // Runs the command against the client file `path`: the exit status (2: a usage error).
  int run(const std::string& path) const;

 private:
  enum class Kind { None, Add, List, Remove };
  Kind kind_ = Kind::None;
  bool twice_ = false;   // two commands given
  std::string operand_;  // the name to add, the id to remove
  std::vector<std::string> redirect_uris_;
  bool is_public_ = false;
  bool api_ = false;
  std::string id_token_alg_;  // --id-token-alg, as given
};

}  // namespace voiceverify::app
