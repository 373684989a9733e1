// See seal.hpp. A random 96-bit nonce per value: GCM's bound for random nonces (2^32 values
// under one key, SP 800-38D section 8.3) is far above what a store holds in a key's lifetime.
#include "util/seal.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace voiceverify::util {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes_of(std::string& text) {
  return reinterpret_cast<unsigned char*>(text.data());
}

void check_key(std::string_view key) {
  if (key.size() != kSealKeyBytes) throw std::invalid_argument("seal key must be 32 bytes");
}

}  // namespace

std::string seal(std::string_view key, std::string_view associated, std::string_view plain) {
  check_key(key);
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  if (RAND_bytes(bytes_of(out), static_cast<int>(kNonceBytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  const CipherContext ctx = new_context();
  int length = 0;
  unsigned char* body = bytes_of(out) + kNonceBytes;
  const bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key),
                                     bytes_of(out)) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated),
                                    static_cast<int>(associated.size())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), body, &length, bytes_of(plain),
                                    static_cast<int>(plain.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), body + length, &length) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                      body + plain.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM sealing failed");
  return out;
}

std::optional<std::string> unseal(std::string_view key, std::string_view associated,
                                  std::string_view sealed) {
  check_key(key);
  if (sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view cipher =
      sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plain(cipher.size(), '\0');
  const CipherContext ctx = new_context();
  int length = 0;
  const bool ready = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key),
                                        bytes_of(nonce)) == 1 &&
                     EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated),
                                       static_cast<int>(associated.size())) == 1 &&
                     EVP_DecryptUpdate(ctx.get(), bytes_of(plain), &length, bytes_of(cipher),
                                       static_cast<int>(cipher.size())) == 1 &&
                     EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                                         static_cast<int>(kTagBytes), tag.data()) == 1;
  if (!ready) throw std::runtime_error("AES-256-GCM opening failed");
  // The tag is checked here: a wrong key, wrong associated data or any altered byte fails.
  if (EVP_DecryptFinal_ex(ctx.get(), bytes_of(plain) + length, &length) != 1) return std::nullopt;
  return plain;
}

}  // namespace voiceverify::util
