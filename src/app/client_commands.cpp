// See client_commands.hpp.
#include "app/client_commands.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "config/file.hpp"
#include "oidc/clients.hpp"

namespace voiceverify::app {
namespace {

// The registry in `path`, or false with the reason on `err`.
bool read_registry(const std::string& path, oidc::ClientRegistry& registry, std::FILE* err) {
  std::string text;
  if (auto error = config::read_config_file(path, text); !error.empty()) {
    std::fprintf(err, "OIDC_CLIENTS: %s\n", error.c_str());
    return false;
  }
  auto parsed = oidc::parse_clients(text);
  if (!parsed.error.empty()) {
    std::fprintf(err, "OIDC_CLIENTS: %s: %s\n", path.c_str(), parsed.error.c_str());
    return false;
  }
  registry = std::move(parsed.registry);
  return true;
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Replaces `path` with the registry's text: a temporary file beside it with the old file's mode
// (0600 when there is none), fsync, rename over it, fsync of the folder.
bool replace_file(const std::string& path, const oidc::ClientRegistry& registry, std::FILE* err) {
  struct stat old {};
  const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0600;
  std::string temp = path + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    std::fprintf(err, "OIDC_CLIENTS: %s: cannot create a file beside it: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  const bool written = ::fchmod(fd, mode) == 0 &&
                       write_all(fd, oidc::serialise_clients(registry)) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::fprintf(err, "OIDC_CLIENTS: %s: cannot write: %s\n", path.c_str(),
                 std::strerror(written ? errno : saved));
    ::unlink(temp.c_str());
    return false;
  }
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace

int add_client(const std::string& path, std::string_view name,
               const std::vector<std::string>& redirect_uris, bool is_public, bool api,
               std::FILE* out, std::FILE* err, oidc::SigningAlg id_token_alg) {
  oidc::ClientRegistry registry;
  if (!read_registry(path, registry, err)) return 1;
  std::vector<oidc::ClientFlag> flags;
  if (is_public) flags.push_back(oidc::ClientFlag::Public);
  if (api) flags.push_back(oidc::ClientFlag::Api);
  if (id_token_alg == oidc::SigningAlg::RS256) flags.push_back(oidc::ClientFlag::Rs256);
  const auto added = oidc::add_client(registry, name, redirect_uris, flags);
  if (!added.error.empty()) {
    std::fprintf(err, "%s\n", added.error.c_str());
    return 2;
  }
  if (!replace_file(path, registry, err)) return 1;
  std::fprintf(out, "client_id: %s\n", added.id.c_str());
  if (!added.secret.empty()) {
    std::fprintf(out, "client_secret: %s\n", added.secret.c_str());
    std::fprintf(out, "(shown this once: only its hash is kept)\n");
  }
  std::fprintf(out, "restart the pools to use it\n");
  return 0;
}

int list_clients(const std::string& path, std::FILE* out, std::FILE* err) {
  oidc::ClientRegistry registry;
  if (!read_registry(path, registry, err)) return 1;
  for (const auto& client : registry.clients) {
    std::string uris;
    for (const auto& uri : client.redirect_uris) uris += " " + uri;
    std::string kind = client.is_public() ? "public" : "confidential";
    if (client.has(oidc::ClientFlag::Api)) kind += ",api";
    std::fprintf(out, "%s %s \"%s\"%s\n", client.id.c_str(), kind.c_str(), client.name.c_str(),
                 uris.c_str());
  }
  return 0;
}

int remove_client(const std::string& path, std::string_view id, std::FILE* out, std::FILE* err) {
  oidc::ClientRegistry registry;
  if (!read_registry(path, registry, err)) return 1;
  if (!oidc::remove_client(registry, id)) {
    std::fprintf(err, "no client %.*s\n", static_cast<int>(id.size()), id.data());
    return 1;
  }
  if (!replace_file(path, registry, err)) return 1;
  std::fprintf(out, "removed %.*s; restart the pools\n", static_cast<int>(id.size()), id.data());
  return 0;
}

bool ClientCommand::take(std::string_view arg, const char* next, int& i) {
  const auto command = [&](Kind kind, bool with_operand) {
    if (with_operand && next == nullptr) return false;
    twice_ = twice_ || kind_ != Kind::None;
    kind_ = kind;
    if (with_operand) {
      operand_ = next;
      ++i;
    }
    return true;
  };
  if (arg == "--add-client") return command(Kind::Add, true);
  if (arg == "--list-clients") return command(Kind::List, false);
  if (arg == "--remove-client") return command(Kind::Remove, true);
  if (arg == "--public" || arg == "--api") {
    (arg == "--api" ? api_ : is_public_) = true;
    return true;
  }
  if (arg == "--id-token-alg" && next != nullptr) {
    id_token_alg_ = next;
    ++i;
    return true;
  }
  if (arg == "--redirect-uri" && next != nullptr) {
    redirect_uris_.emplace_back(next);
    ++i;
    return true;
  }
  return false;
}

int ClientCommand::run(const std::string& path) const {
  const bool add_options = is_public_ || api_ || !redirect_uris_.empty() || !id_token_alg_.empty();
  const std::optional<oidc::SigningAlg> alg =
      id_token_alg_.empty() ? oidc::SigningAlg::ES256 : oidc::alg_named(id_token_alg_);
  if (twice_ || kind_ == Kind::None || (kind_ != Kind::Add && add_options) || !alg) {
    std::fprintf(stderr,
                 "one of --add-client NAME [--redirect-uri URI...] [--public] [--api] "
                 "[--id-token-alg ES256|RS256], --list-clients, --remove-client ID\n");
    return 2;
  }
  switch (kind_) {
    case Kind::Add:
      return add_client(path, operand_, redirect_uris_, is_public_, api_, stdout, stderr, *alg);
    case Kind::List:
      return list_clients(path, stdout, stderr);
    case Kind::Remove:
    case Kind::None:
      break;
  }
  return remove_client(path, operand_, stdout, stderr);
}

}  // namespace voiceverify::app
