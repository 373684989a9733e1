// The registry of OpenID Connect clients (the OIDC_CLIENTS file; format in docs/oidc.md,
// "The client file"): one client per line, `id|display name|secret hash or -|flags|redirect
// URIs`, so a sysadmin can read and diff it. Secrets are stored as salted PBKDF2 hashes only;
// parse_clients refuses anything that looks like a secret in clear.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oidc/jose.hpp"

namespace voiceverify::oidc {

// A client's flags: one row each, its name in the file and what it means.
enum class ClientFlag {
  Public,  // no secret: authenticates with PKCE alone (RFC 6749 section 2.1, a native app or SPA)
  Api,     // may use the verification API (/api/v1/, docs/api.md) with HTTP Basic; needs no
           // redirect URI
  Rs256,   // registered id_token_signed_response_alg RS256 (Core section 3.1.3.7); else ES256
};

struct ClientFlagRow {
  ClientFlag flag;
  std::string_view name;
};

inline constexpr auto kClientFlags = std::to_array<ClientFlagRow>({
    {ClientFlag::Public, "public"},
    {ClientFlag::Api, "api"},
    {ClientFlag::Rs256, "rs256"},
});

struct Client {
  std::string id;
  std::string name;         // shown to the person: "Example Shop wants to confirm…"
  std::string secret_hash;  // "pbkdf2-sha256$iterations$salt$hash"; empty for a public client
  std::vector<ClientFlag> flags;
  std::vector<std::string> redirect_uris;

  bool has(ClientFlag flag) const;
  bool is_public() const { return has(ClientFlag::Public); }
  // The algorithm of this client's ID tokens.
  SigningAlg id_token_alg() const {
    return has(ClientFlag::Rs256) ? SigningAlg::RS256 : SigningAlg::ES256;
  }
  // The registered URI `requested` matches (redirect_uri.hpp), if any.
  bool allows_redirect_uri(std::string_view requested) const;
  // Whether `presented` is this client's secret (PBKDF2 again, compared in constant time).
  // Always false for a public client.
  bool secret_matches(std::string_view presented) const;
};

struct ClientRegistry {
  std::vector<Client> clients;  // in file order
  const Client* find(std::string_view id) const;
};

// A parse: the registry, or an error naming the line ("line 4: redirect URI 2: ..."), never a
// secret hash.
struct ClientsParse {
  std::string error;
  ClientRegistry registry;
};
ClientsParse parse_clients(std::string_view text);

// The file's text: a comment that says the format, then one line per client. parse_clients of
// this gives the same registry back.
std::string serialise_clients(const ClientRegistry& registry);

// A new client with a random id and secret. `secret` is the only copy of the secret in clear
// (empty for a public client): show it once. On a refused name or URI, `error` says why and
// the registry is unchanged.
struct NewClient {
  std::string error;
  std::string id;
  std::string secret;
};
NewClient add_client(ClientRegistry& registry, std::string_view name,
                     const std::vector<std::string>& redirect_uris,
                     const std::vector<ClientFlag>& flags);

// Removes the client `id`; false if there was none.
bool remove_client(ClientRegistry& registry, std::string_view id);

// The stored form of `secret`: a fresh random salt, PBKDF2-HMAC-SHA256.
std::string hash_client_secret(std::string_view secret);

}  // namespace voiceverify::oidc
