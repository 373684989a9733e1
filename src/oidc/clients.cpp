// See clients.hpp. The rules here are what docs/oidc.md, "The client file", promises the
// sysadmin; every refusal names its line so a typo is found without reading code.
#include "oidc/clients.hpp"

#include <algorithm>
#include <charconv>

#include "oidc/crypto.hpp"
#include "oidc/redirect_uri.hpp"
#include "util/ascii.hpp"
#include "util/hmac.hpp"
#include "util/text.hpp"

namespace voiceverify::oidc {
namespace {

constexpr std::size_t kMinIdBytes = 8;
constexpr std::size_t kMaxIdBytes = 64;
constexpr long kMaxNameCharacters = 64;
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxRedirectUris = 10;
constexpr std::size_t kFieldCount = 5;
constexpr std::string_view kHashScheme = "pbkdf2-sha256";
// The secrets are 256 random bits, so no iteration count makes guessing one easier or harder;
// the hash exists so that a copy of the file is not a copy of the secrets. A modest count keeps
// each token request cheap (docs/oidc.md, "Client secrets"). A stored hash may use more.
constexpr unsigned kIterations = 10'000;
constexpr unsigned kMinIterations = 1'000;
constexpr unsigned kMaxIterations = 10'000'000;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_id_char(char c) {
  return util::is_alnum(c) || c == '-' || c == '_';
}

std::string id_problem(std::string_view id) {
  if (id.size() < kMinIdBytes || id.size() > kMaxIdBytes ||
      !std::all_of(id.begin(), id.end(), is_id_char)) {
    return "client id: 8 to 64 letters, digits, '-' or '_'";
  }
  return {};
}

std::string name_problem(std::string_view name) {
  const long characters = util::utf8_length(name);
  if (name.empty() || name.size() > kMaxNameBytes || characters > kMaxNameCharacters) {
    return "display name: 1 to " + std::to_string(kMaxNameCharacters) + " characters";
  }
  if (characters < 0) return "display name: not UTF-8, or holds a control character";
  if (util::has_control(name) || name.find('|') != std::string_view::npos) {
    return "display name: no control characters and no '|'";
  }
  if (name != util::trim(name)) return "display name: no leading or trailing blanks";
  return {};
}

// The parts of "pbkdf2-sha256$iterations$salt$hash", or nullopt for any other text.
struct StoredHash {
  unsigned iterations = 0;
  std::string salt;
  std::string hash;
};
std::optional<StoredHash> parse_hash(std::string_view text) {
  const auto parts = split(text, '$');
  if (parts.size() != 4 || parts[0] != kHashScheme) return std::nullopt;
  StoredHash stored;
  const auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), stored.iterations);
  if (ec != std::errc{} || end != parts[1].data() + parts[1].size() ||
      stored.iterations < kMinIterations || stored.iterations > kMaxIterations) {
    return std::nullopt;
  }
  auto salt = base64url_decode(parts[2]);
  auto hash = base64url_decode(parts[3]);
  if (!salt || !hash || salt->size() < kSaltBytes || hash->size() != kHashBytes) {
    return std::nullopt;
  }
  stored.salt = std::move(*salt);
  stored.hash = std::move(*hash);
  return stored;
}

std::optional<ClientFlag> flag_named(std::string_view name) {
  for (const auto& row : kClientFlags) {
    if (row.name == name) return row.flag;
  }
  return std::nullopt;
}

std::string_view flag_name(ClientFlag flag) {
  for (const auto& row : kClientFlags) {
    if (row.flag == flag) return row.name;
  }
  return "?";
}

// Checks one client's fields (all but the id's uniqueness); empty when it may be registered.
std::string client_problem(const Client& client) {
  if (auto problem = id_problem(client.id); !problem.empty()) return problem;
  if (auto problem = name_problem(client.name); !problem.empty()) return problem;
  if (client.is_public() != client.secret_hash.empty()) {
    return "secret: '-' exactly when the flags say public";
  }
  if (!client.is_public() && !parse_hash(client.secret_hash)) {
    return "secret: not a pbkdf2-sha256 hash; never write a secret in clear (voiceverify "
           "--add-client writes the hash and shows the secret once)";
  }
  // A client of the API alone (docs/api.md) never sends a browser anywhere.
  const bool needs_uri = !client.has(ClientFlag::Api);
  if ((needs_uri && client.redirect_uris.empty()) ||
      client.redirect_uris.size() > kMaxRedirectUris) {
    return "redirect URIs: 1 to " + std::to_string(kMaxRedirectUris) +
           ", separated by spaces (none only for an api client)";
  }
  for (std::size_t i = 0; i < client.redirect_uris.size(); ++i) {
    const auto problem = redirect_uri_problem(client.redirect_uris[i]);
    if (!problem.empty()) return "redirect URI " + std::to_string(i + 1) + ": " + problem;
  }
  return {};
}

// One line's fields into `client`; empty on success, else the problem.
std::string parse_line(std::string_view line, Client& client) {
  const auto fields = split(line, '|');
  if (fields.size() != kFieldCount) {
    return "expected 5 fields separated by '|': id|name|secret hash or -|flags or -|redirect URIs";
  }
  client.id = fields[0];
  client.name = fields[1];
  if (fields[2] != "-") client.secret_hash = fields[2];
  if (fields[3] != "-") {
    for (const auto name : split(fields[3], ',')) {
      const auto flag = flag_named(name);
      if (!flag) return "flags: unknown flag (known: public, api, rs256; or '-' for none)";
      if (!client.has(*flag)) client.flags.push_back(*flag);
    }
  }
  for (const auto uri : split(fields[4], ' ')) {
    if (!uri.empty()) client.redirect_uris.emplace_back(uri);
  }
  return client_problem(client);
}

// 128 random bits as 32 lowercase hex digits: never starts with '-', so a command line that
// names it (--remove-client ID) cannot take it for an option.
std::string random_id() {
  const std::string bytes = random_bytes(16);
  return util::hex_encode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

bool Client::has(ClientFlag flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

bool Client::allows_redirect_uri(std::string_view requested) const {
  return std::any_of(redirect_uris.begin(), redirect_uris.end(),
                     [requested](const auto& uri) { return redirect_uri_matches(uri, requested); });
}

bool Client::secret_matches(std::string_view presented) const {
  const auto stored = parse_hash(secret_hash);
  if (is_public() || !stored || presented.empty()) return false;
  return constant_time_equal(pbkdf2_sha256(presented, stored->salt, stored->iterations, kHashBytes),
                             stored->hash);
}

const Client* ClientRegistry::find(std::string_view id) const {
  for (const auto& client : clients) {
    if (client.id == id) return &client;
  }
  return nullptr;
}

ClientsParse parse_clients(std::string_view text) {
  ClientsParse parse;
  const auto lines = split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (util::trim(line).empty() || util::trim(line).starts_with('#')) continue;
    Client client;
    auto problem = parse_line(line, client);
    if (problem.empty() && parse.registry.find(client.id) != nullptr) {
      problem = "client id: already registered on an earlier line";
    }
    if (!problem.empty()) {
      return ClientsParse{"line " + std::to_string(i + 1) + ": " + problem, {}};
    }
    parse.registry.clients.push_back(std::move(client));
  }
  return parse;
}

std::string serialise_clients(const ClientRegistry& registry) {
  std::string text =
      "# voiceverify OpenID Connect clients (docs/oidc.md, \"The client file\"); one per line:\n"
      "# client_id|display name|secret hash or -|flags or -|redirect URI [redirect URI...]\n";
  for (const auto& client : registry.clients) {
    text += client.id + '|' + client.name + '|';
    text += client.secret_hash.empty() ? "-" : client.secret_hash;
    text += '|';
    if (client.flags.empty()) text += '-';
    for (std::size_t i = 0; i < client.flags.size(); ++i) {
      if (i > 0) text += ',';
      text += flag_name(client.flags[i]);
    }
    text += '|';
    for (std::size_t i = 0; i < client.redirect_uris.size(); ++i) {
      if (i > 0) text += ' ';
      text += client.redirect_uris[i];
    }
    text += '\n';
  }
  return text;
}

std::string hash_client_secret(std::string_view secret) {
  const std::string salt = random_bytes(kSaltBytes);
  return std::string(kHashScheme) + '$' + std::to_string(kIterations) + '$' + base64url(salt) +
         '$' + base64url(pbkdf2_sha256(secret, salt, kIterations, kHashBytes));
}

NewClient add_client(ClientRegistry& registry, std::string_view name,
                     const std::vector<std::string>& redirect_uris,
                     const std::vector<ClientFlag>& flags) {
  Client client;
  client.id = random_id();
  client.name = name;
  client.flags = flags;
  client.redirect_uris = redirect_uris;
  NewClient added;
  if (!client.is_public()) {
    added.secret = random_token();
    client.secret_hash = hash_client_secret(added.secret);
  }
  added.error = client_problem(client);
  if (!added.error.empty()) return NewClient{added.error, {}, {}};
  added.id = client.id;
  registry.clients.push_back(std::move(client));
  return added;
}

bool remove_client(ClientRegistry& registry, std::string_view id) {
  return std::erase_if(registry.clients, [id](const Client& c) { return c.id == id; }) > 0;
}

}  // namespace voiceverify::oidc
