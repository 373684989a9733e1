// oidc/jose.cpp: key files of an EC and an RSA key (the mode rule of SIGNING_KEY_FILE), ES256
// and RS256 signatures that cjose verifies with the exported public JWKs, and the RFC 7638
// thumbprint as `kid`: RFC 7638's own RSA example, and an EC and an RSA key whose thumbprints
// python3-authlib computed.
#include "oidc/jose.hpp"

#include "oidc/crypto.hpp"

#include <json/json.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace vo = voiceverify::oidc;

namespace {

// Made by `openssl ecparam -name prime256v1 -genkey -noout`. Its public JWK and thumbprint, from
// python3-authlib 1.2 (JsonWebKey.import_key(pem, {"kty": "EC"}).thumbprint()):
constexpr const char* kPem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIBLUtcgR2PYN8vzscxV7VgtoIuR0FdliiJBFa2Cp6zLxoAoGCCqGSM49\n"
    "AwEHoUQDQgAEykVc9iHGwl6a5jL7hSz3GkduU7U8G1GDB6vmbqrDTFPLtKGvOf6J\n"
    "aY+hrdEgB6Iwm5ZiZEzTAgDpKoSjirq9Ag==\n"
    "-----END EC PRIVATE KEY-----\n";
// Made by `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`; its thumbprint from
// python3-authlib 1.2 (JsonWebKey.import_key(pem, {"kty": "RSA"}).thumbprint()).
constexpr const char* kRsaPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDq16wetePtGGfo\n"
    "+B/ZwBt4hbRbw27jIL5Inim6auksJ2tMSkI77hMhJPHxEo23UT9+BsvnCAOTrHAH\n"
    "trqmwNqecUXA1/NBi+EfdmmtWvr3k8A03SVfY74uJtyfQCIPA9ILzeRsr01lAetV\n"
    "svJzjFG4Kk+bqSqYpqtclb/zOxreIkdgIL5aNF+rOhF3l3PzeCKSF4q4SCsFJeHN\n"
    "sSmqkEikRTG3UnvRG1xXqCMGlKUfp2GE0/fLly3xdADPeThHT6DIJXDNvx+kYLb6\n"
    "lOVs/dDrOZOjWBmfeRAAAzFeT8t0FgOgPftJRQo1sqhF+nZptvdQHli5sgb0Dg7L\n"
    "katMrJdBAgMBAAECggEAconWLPRRwmXQ6FN8VVvZCiNMICVlg+mIZSqe94kFSL/B\n"
    "GWhufYRUWCoIxqdh7zL1YKY39Op3tCK6UUjSKFqPRg/BEZlBz4pFtm6uhBqHpRCv\n"
    "AhmKDMg9DY1utU02T1RxscgtzMSDXuxct2Ob1Ldvc/9O7IDJgcJoebOf9yWwqP3n\n"
    "y9FnPKI63kRAz7wBSyAKYyzoz01W9DtfmQhiRwApKC0mIgtYFvIR9qtsWvra+MsN\n"
    "qc4nSAjpWkBANpq4E4HGywoLrZoidtG6zrYqbmVAJbDNG+zok+hsXm9vfApMFpNt\n"
    "kHvaJpmLRDyexN43B8zSjKFodI+/CLIrgxH97JV2MQKBgQD7A5n9uM1cFcNkf5Nm\n"
    "X/8NHcIiBB8QulQonoisNZzL0O6jcyJFDQvD0ypLWzBsfJujcPVeg84/0/e3/679\n"
    "k6vhpZa+Do4SY41xF4V2rlkC+mUYuYmrGnGfC5n7LSf+u0uIuU/mHnrzIWqu711R\n"
    "OVIviFsYSAAd4sCw1jR2Bj0RAwKBgQDvgda41FP04BUiH+0bY/whkgEvtb7By89K\n"
    "PXp5z0XydYzWnDYn0ZhJSVeJAHQYcYiyBnKpHufFDTr5qOghJrLAy1k9h6BolJDh\n"
    "nFEhHevncy1TYADSBF1DeQJ9H77hcTG7KsVgNTxQ03Dsi0XxqLCv3qs3TE6qf2aD\n"
    "fqiUuM8pawKBgQDMJhi27vcuXpDkipGiII755ur96WYun6xUwOMdVBkq9skvbDNB\n"
    "/6NC59otIYQXp5yZaARXk1FKPiXpoux6VgDj613XQ1UvBYKCqQOmC5RfRLC2VCfw\n"
    "Xfhsxu28B/TQSxnaoASofr+2P8ZZclnt9nWuLPMRo3Vc2Q+ogv51wwslawKBgQDL\n"
    "bBziqTyRvI1WiYVKgVaRcL/fNN9LHH74UFUpBlojf6HaWZ1JnqRYgpl9fEwewrdW\n"
    "dVGHwP8bh4wypjpahdLHGy+1qe8dRCn15V2m4hIOZ+30ZZLszdYky6/IdGEce5bA\n"
    "oKg5eZ28DIpZ7kS+5wcCqP4FHqOl/kUkpDws7PbO9wKBgEVgaV3r0z7YSuvTOvKy\n"
    "A8gNz8sbJ2wIvpF8gmhmp9uadPv5rdnMklO4jH3SFnEbqb+G3TUCsYAQdSIWEL1T\n"
    "QOnwucDlOZeVmVYtCk6NEr8tLLrjnYTt4QF0Qwz88CALr9kkxVLP/mEvHLiNFzXr\n"
    "3kkgpSPB5Bg4ie+iz2GBOUE7\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kRsaKid = "ivNc-77qIo99WkKAHY4uGCgp_C6b3oRs1BAr3TCMMAI";
// A key file as the package writes it: both keys.
const std::string kKeyFile = std::string(kPem) + kRsaPem;
constexpr const char* kX = "ykVc9iHGwl6a5jL7hSz3GkduU7U8G1GDB6vmbqrDTFM";
constexpr const char* kY = "y7Shrzn-iWmPoa3RIAeiMJuWYmRM0wIA6SqEo4q6vQI";
constexpr const char* kKid = "5WaZNETiTwKZHCd4gLNQSG7oKPSauGqJKK8JHx0gU9o";

// A P-384 key: the right format, the wrong curve.
constexpr const char* kP384Pem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MIGkAgEBBDAWGlkxDRrvkKabaMd6KdaWel8D6bOQNefbab5wXln9MU3WRlNE2wi5\n"
    "Gjz4MgpGp62gBwYFK4EEACKhZANiAAR1gJtaokXxh5lrR40dcUTuSdmblqfI/n49\n"
    "5C0GrMEgesJO80MUUwtEVXgRvo3sTKKxCvCuqafK2qvO1rJwHOOz/EUEn1jKEhnW\n"
    "G38LXtBHp1N7SHgJ8AoICV8HQ8h1unE=\n"
    "-----END EC PRIVATE KEY-----\n";

struct TempFile {
  std::string path;
  TempFile(const std::string& text, mode_t mode) {
    char name[] = "/tmp/vv-oidc-key-XXXXXX";
    const int fd = ::mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  ~TempFile() { std::remove(path.c_str()); }
};

Json::Value parse(const std::string& text) {
  Json::Value value;
  std::istringstream in(text);
  in >> value;
  return value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_jose_tests)

BOOST_AUTO_TEST_CASE(thumbprint_of_rfc7638_example_key) {
  // RFC 7638 section 3.1: the RSA key of its figure, thumbprint as given there.
  const std::string n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_"
      "RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbI"
      "SD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
      "kEgU8awapJzKnqDKgw";
  BOOST_TEST(vo::jwk_thumbprint({{"n", n}, {"kty", "RSA"}, {"e", "AQAB"}}) ==
             "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  BOOST_TEST(vo::jwk_thumbprint({{"kty", "EC\""}}).empty());  // would need escaping: refused
}

BOOST_AUTO_TEST_CASE(pem_key_gets_authlibs_thumbprint_as_kid) {
  std::string error;
  const auto key = vo::SigningKey::from_pem(kKeyFile, error);
  BOOST_REQUIRE_MESSAGE(key, error);
  BOOST_TEST(key->kid() == kKid);
  const auto jwk = parse(key->public_jwk_json());
  BOOST_TEST(jwk["kty"].asString() == "EC");
  BOOST_TEST(jwk["crv"].asString() == "P-256");
  BOOST_TEST(jwk["x"].asString() == kX);
  BOOST_TEST(jwk["y"].asString() == kY);
  BOOST_TEST(jwk["kid"].asString() == kKid);
  BOOST_TEST(jwk["alg"].asString() == "ES256");
  BOOST_TEST(jwk["use"].asString() == "sig");
  BOOST_TEST(!jwk.isMember("d"));
}

BOOST_AUTO_TEST_CASE(signature_verifies_with_the_public_jwk) {
  std::string error;
  const auto key = vo::SigningKey::from_pem(kKeyFile, error);
  BOOST_REQUIRE(key);
  const std::string payload = R"({"iss":"https://example.org","sub":"x"})";
  const auto compact = key->sign(payload);
  BOOST_TEST(vo::verified_payload(key->public_jwk_json(), compact).value_or("?") == payload);

  // The protected header: ES256, our kid, typ JWT.
  BOOST_TEST(std::count(compact.begin(), compact.end(), '.') == 2);
  const auto header =
      parse(vo::base64url_decode(compact.substr(0, compact.find('.'))).value_or(""));
  BOOST_TEST(header["alg"].asString() == "ES256");
  BOOST_TEST(header["kid"].asString() == kKid);
  BOOST_TEST(header["typ"].asString() == "JWT");

  // Another key, an altered payload or an altered signature: refused.
  const auto other = vo::SigningKey::generate();
  BOOST_TEST(!vo::verified_payload(other->public_jwk_json(), compact).has_value());
  auto altered = compact;
  altered[compact.find('.') + 3] ^= 1;
  BOOST_TEST(!vo::verified_payload(key->public_jwk_json(), altered).has_value());
  altered = compact;
  altered[compact.size() - 5] = altered[compact.size() - 5] == 'A' ? 'B' : 'A';
  BOOST_TEST(!vo::verified_payload(key->public_jwk_json(), altered).has_value());
}

BOOST_AUTO_TEST_CASE(rsa_key_gets_authlibs_thumbprint_and_signs_rs256) {
  std::string error;
  const auto key = vo::SigningKey::from_pem(kKeyFile, error);
  BOOST_REQUIRE_MESSAGE(key, error);
  BOOST_TEST(key->kid(vo::SigningAlg::RS256) == kRsaKid);
  const auto jwk = parse(key->public_jwk_json(vo::SigningAlg::RS256));
  BOOST_TEST(jwk["kty"].asString() == "RSA");
  BOOST_TEST(jwk["e"].asString() == "AQAB");
  BOOST_TEST(jwk["kid"].asString() == kRsaKid);
  BOOST_TEST(jwk["alg"].asString() == "RS256");
  BOOST_TEST(!jwk.isMember("d"));

  const std::string payload = R"({"iss":"https://example.org","sub":"x"})";
  const auto compact = key->sign(payload, vo::SigningAlg::RS256);
  const auto header =
      parse(vo::base64url_decode(compact.substr(0, compact.find('.'))).value_or(""));
  BOOST_TEST(header["alg"].asString() == "RS256");
  BOOST_TEST(header["kid"].asString() == kRsaKid);
  const std::string rsa_jwk = key->public_jwk_json(vo::SigningAlg::RS256);
  BOOST_TEST(vo::verified_payload(rsa_jwk, compact).value_or("?") == payload);
  // Each signature verifies only with the key of its own algorithm.
  BOOST_TEST(!vo::verified_payload(key->public_jwk_json(), compact).has_value());
  BOOST_TEST(!vo::verified_payload(rsa_jwk, key->sign(payload)).has_value());
  auto altered = compact;
  altered[compact.size() - 5] = altered[compact.size() - 5] == 'A' ? 'B' : 'A';
  BOOST_TEST(!vo::verified_payload(rsa_jwk, altered).has_value());
  const auto other = vo::SigningKey::generate();
  BOOST_TEST(!vo::verified_payload(other->public_jwk_json(vo::SigningAlg::RS256), compact));
}

BOOST_AUTO_TEST_CASE(files_follow_the_signing_key_file_rule) {
  std::string error;
  const TempFile good(kKeyFile, 0600);
  BOOST_TEST(vo::SigningKey::from_pem_file(good.path, error) != nullptr);
  const TempFile group(kKeyFile, 0640);
  BOOST_TEST(vo::SigningKey::from_pem_file(group.path, error) != nullptr);
  const TempFile everyone(kKeyFile, 0644);
  BOOST_TEST(vo::SigningKey::from_pem_file(everyone.path, error) == nullptr);
  BOOST_TEST(error.find("chmod 0600") != std::string::npos);
  BOOST_TEST(error.find("PRIVATE") == std::string::npos);  // never the content
  BOOST_TEST(vo::SigningKey::from_pem_file("/nonexistent/key.pem", error) == nullptr);
  BOOST_TEST(vo::SigningKey::from_pem_file("/tmp", error) == nullptr);
}

BOOST_AUTO_TEST_CASE(other_keys_are_refused) {
  std::string error;
  BOOST_TEST(vo::SigningKey::from_pem(std::string(kP384Pem) + kRsaPem, error) == nullptr);
  BOOST_TEST(error.find("P-256") != std::string::npos);
  // Each file holds one key of each kind, and nothing else.
  BOOST_TEST(vo::SigningKey::from_pem(kPem, error) == nullptr);
  BOOST_TEST(error.find("genpkey -algorithm RSA") != std::string::npos, error);
  BOOST_TEST(vo::SigningKey::from_pem(kRsaPem, error) == nullptr);
  BOOST_TEST(error.find("ecparam") != std::string::npos, error);
  BOOST_TEST(vo::SigningKey::from_pem(kKeyFile + kPem, error) == nullptr);
  BOOST_TEST(error.find("two EC keys") != std::string::npos, error);
  const std::string certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  BOOST_TEST(vo::SigningKey::from_pem(kKeyFile + certificate, error) == nullptr);
  BOOST_TEST(error.find("not a private key") != std::string::npos, error);
  // The RSA key may come first.
  BOOST_TEST(vo::SigningKey::from_pem(std::string(kRsaPem) + kPem, error) != nullptr, error);
  BOOST_TEST(vo::SigningKey::from_pem("not a key", error) == nullptr);
  BOOST_TEST(vo::SigningKey::from_pem("", error) == nullptr);
}

BOOST_AUTO_TEST_CASE(jwks_holds_current_and_previous_public_keys) {
  std::string error;
  const auto current = vo::SigningKey::generate();
  const auto previous = vo::SigningKey::from_pem(kKeyFile, error);
  BOOST_REQUIRE(previous);
  const auto both = parse(vo::jwks_json(*current, previous.get()));
  BOOST_REQUIRE(both["keys"].size() == 4u);
  BOOST_TEST(both["keys"][0]["kid"].asString() == current->kid(vo::SigningAlg::ES256));
  BOOST_TEST(both["keys"][1]["kid"].asString() == current->kid(vo::SigningAlg::RS256));
  BOOST_TEST(both["keys"][2]["kid"].asString() == kKid);
  BOOST_TEST(both["keys"][3]["kid"].asString() == kRsaKid);
  BOOST_TEST(both["keys"][3]["alg"].asString() == "RS256");
  for (const auto& key : both["keys"]) {
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"}) BOOST_TEST(!key.isMember(secret));
  }
  const auto one = parse(vo::jwks_json(*current, nullptr));
  BOOST_TEST(one["keys"].size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
