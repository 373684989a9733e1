// interpret() against recorded answers (tests/fixtures), one case per row of
// docs/messagebird-verify.md ("Errors", "Create a verification", "Check a code", "Cancel"), and
// against bodies no recording holds: cut short, nested deep, hostile descriptions.
#include <json/json.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "messagebird/verify_response.hpp"
#include "verify_fixtures.hpp"

namespace mb = voiceverify::messagebird;
namespace bdata = boost::unit_test::data;
using mb::Call;
using mb::VerifyError;
using voiceverify::testing::verify::answer;
using voiceverify::testing::verify::fixture;
using voiceverify::testing::verify::kId;

namespace {

// ------------------------------------------------- docs/messagebird-verify.md, row by row

struct ContractCase {
  const char* name;
  Call call;
  long status;
  const char* fixture;  // file in tests/fixtures; "" for an empty body
  VerifyError expected;
  const char* detail;  // must appear in result.detail; "" to skip
};

std::ostream& operator<<(std::ostream& out, const ContractCase& c) {
  return out << c.name;
}

const std::vector<ContractCase> kContractCases = {
    // POST /verify success: 201, also 200/202 as the other official clients accept.
    {"create 201 sent", Call::Create, 201, "create_201.json", VerifyError::None, ""},
    {"create 200 sent", Call::Create, 200, "create_201.json", VerifyError::None, ""},
    {"create 202 sent", Call::Create, 202, "create_201.json", VerifyError::None, ""},
    {"create newer keys ignored", Call::Create, 201, "create_201_newer.json", VerifyError::None,
     ""},
    {"create 201 status failed", Call::Create, 201, "create_201_failed_status.json",
     VerifyError::Unavailable, "failed"},
    {"create without id", Call::Create, 201, "create_no_id.json", VerifyError::Unavailable, "id"},
    {"create id not of the id shape", Call::Create, 201, "create_bad_id.json",
     VerifyError::Unavailable, "id"},
    {"create id is a number", Call::Create, 201, "create_id_number.json", VerifyError::Unavailable,
     "id"},
    {"create without status", Call::Create, 201, "create_no_status.json", VerifyError::Unavailable,
     "status"},
    {"create 204", Call::Create, 204, "create_201.json", VerifyError::Unavailable, ""},
    {"create empty body", Call::Create, 201, "", VerifyError::Unavailable, ""},
    {"create truncated", Call::Create, 201, "truncated.json", VerifyError::Unavailable, ""},
    {"create trailing garbage", Call::Create, 201, "trailing_garbage.json",
     VerifyError::Unavailable, ""},
    {"create array root", Call::Create, 201, "array_root.json", VerifyError::Unavailable, ""},
    {"create string root", Call::Create, 201, "string_root.json", VerifyError::Unavailable, ""},
    {"create empty object", Call::Create, 201, "empty_object.json", VerifyError::Unavailable, ""},
    // Errors table.
    {"create 401", Call::Create, 401, "error_401.json", VerifyError::Unauthorized,
     "incorrect access_key"},
    {"create 401 html", Call::Create, 401, "html_404.html", VerifyError::Unauthorized, ""},
    {"create recipient invalid", Call::Create, 422, "error_422_recipient.json",
     VerifyError::InvalidRecipient, "recipient is invalid"},
    {"create recipient missing", Call::Create, 422, "error_422_recipient_missing.json",
     VerifyError::InvalidRecipient, "recipient is required"},
    {"create no balance 422", Call::Create, 422, "error_25_balance.json", VerifyError::NoBalance,
     "Not enough balance"},
    {"create no balance 402", Call::Create, 402, "error_25_balance.json", VerifyError::NoBalance,
     ""},
    {"create first known error decides", Call::Create, 422, "multiple_errors.json",
     VerifyError::InvalidRecipient, "recipient is invalid"},
    {"create first of two known decides", Call::Create, 422, "multiple_errors_balance_first.json",
     VerifyError::NoBalance, ""},
    {"create unknown code", Call::Create, 400, "error_21_bad_request.json", VerifyError::Rejected,
     "Bad request"},
    {"create token error is not ours", Call::Create, 422, "token_invalid.json",
     VerifyError::Rejected, ""},
    {"create internal error code", Call::Create, 422, "error_99_internal.json",
     VerifyError::Unavailable, ""},
    {"create 500 html", Call::Create, 500, "html_500.html", VerifyError::Unavailable, "HTTP 500"},
    {"create 503 empty", Call::Create, 503, "", VerifyError::Unavailable, "HTTP 503"},
    {"create 500 json", Call::Create, 500, "error_500_json.json", VerifyError::Unavailable,
     "Internal error"},
    {"create 500 with a 2xx body", Call::Create, 500, "create_201.json", VerifyError::Unavailable,
     ""},
    {"create errors not an array", Call::Create, 422, "wrong_shape.json", VerifyError::Unavailable,
     "shape"},
    {"create code is a string", Call::Create, 422, "wrong_shape_types.json",
     VerifyError::Unavailable, "shape"},
    {"create description is an array", Call::Create, 422, "wrong_shape_description.json",
     VerifyError::Unavailable, "shape"},
    {"create 422 html", Call::Create, 422, "html_500.html", VerifyError::Unavailable, ""},
    {"create 4xx without errors", Call::Create, 422, "empty_object.json", VerifyError::Unavailable,
     ""},
    {"create redirect", Call::Create, 302, "", VerifyError::Unavailable, ""},
    // GET /verify/{id}?token= table.
    {"check verified", Call::Check, 200, "verified_200.json", VerifyError::None, ""},
    {"check still sent", Call::Check, 200, "sent_200.json", VerifyError::WrongCode, "sent"},
    {"check status expired", Call::Check, 200, "expired_200.json", VerifyError::Expired, ""},
    {"check status failed", Call::Check, 200, "failed_200.json", VerifyError::AlreadyProcessed, ""},
    {"check status deleted", Call::Check, 200, "deleted_200.json", VerifyError::NotFound, ""},
    {"check status is a number", Call::Check, 200, "verified_status_number.json",
     VerifyError::Unavailable, "status"},
    {"check id is a number", Call::Check, 200, "create_id_number.json", VerifyError::Unavailable,
     "id"},
    {"check verified with 201", Call::Check, 201, "verified_200.json", VerifyError::Unavailable,
     ""},
    {"check wrong code", Call::Check, 422, "token_invalid.json", VerifyError::WrongCode,
     "The token is invalid."},
    {"check expired", Call::Check, 422, "token_expired.json", VerifyError::Expired,
     "The token has expired."},
    {"check already processed", Call::Check, 422, "token_processed.json",
     VerifyError::AlreadyProcessed, "already been processed"},
    {"check code length", Call::Check, 422, "token_length.json", VerifyError::WrongCode,
     "Token should"},
    {"check unknown token description", Call::Check, 422, "token_unknown.json",
     VerifyError::Rejected, "holiday"},
    {"check recipient error is not ours", Call::Check, 422, "error_422_recipient.json",
     VerifyError::Rejected, ""},
    {"check not found", Call::Check, 404, "not_found_404.json", VerifyError::NotFound,
     "could not be found"},
    {"check 404 html", Call::Check, 404, "html_404.html", VerifyError::Unavailable, ""},
    {"check 401", Call::Check, 401, "error_401.json", VerifyError::Unauthorized, ""},
    {"check 500 html", Call::Check, 500, "html_500.html", VerifyError::Unavailable, ""},
    {"check truncated", Call::Check, 200, "truncated.json", VerifyError::Unavailable, ""},
    {"check errors not an array", Call::Check, 422, "wrong_shape.json", VerifyError::Unavailable,
     ""},
    // DELETE /verify/{id}.
    {"cancel 204", Call::Cancel, 204, "", VerifyError::None, ""},
    {"cancel 204 body ignored", Call::Cancel, 204, "html_500.html", VerifyError::None, ""},
    {"cancel not found", Call::Cancel, 404, "not_found_404.json", VerifyError::NotFound, ""},
    {"cancel 401", Call::Cancel, 401, "error_401.json", VerifyError::Unauthorized, ""},
    {"cancel 500", Call::Cancel, 500, "html_500.html", VerifyError::Unavailable, ""},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verify_response_tests)

BOOST_DATA_TEST_CASE(interpret_follows_the_contract, bdata::make(kContractCases), c) {
  const mb::VerifyResult result = mb::interpret(c.call, answer(c.status, fixture(c.fixture)));
  BOOST_TEST(result.error == c.expected);
  BOOST_TEST(result.http_status == c.status);
  BOOST_TEST(result.detail.find(c.detail) != std::string::npos,
             "detail '" << result.detail << "' lacks '" << c.detail << "'");
}

BOOST_AUTO_TEST_CASE(create_success_carries_id_and_status) {
  const auto result = mb::interpret(Call::Create, answer(201, fixture("create_201.json")));
  BOOST_TEST(result.error == VerifyError::None);
  BOOST_TEST(result.id == kId);
  BOOST_TEST(result.status == "sent");
}

// The verified number an application receives comes from here alone: E.164 from the object's
// recipient, and nothing from a recipient of another shape.
BOOST_AUTO_TEST_CASE(a_verified_check_carries_the_recipient_in_e164) {
  const auto verified = mb::interpret(Call::Check, answer(200, fixture("verified_200.json")));
  BOOST_TEST(verified.error == VerifyError::None);
  BOOST_TEST(verified.recipient == "+31612345678");
  const std::string body = fixture("verified_200.json");
  const auto with = [&](const std::string& recipient) {
    std::string changed = body;
    changed.replace(changed.find("31612345678"), 11, recipient);
    return mb::interpret(Call::Check, answer(200, changed));
  };
  BOOST_TEST(with("\"447700900123\"").recipient == "+447700900123");
  for (const char* odd : {"-31612345678", "3.16e10", "\"+31612345678\"", "1234567",
                          "1234567890123456", "\"0612345678\"", "null", "true"}) {
    const auto result = with(odd);
    BOOST_TEST(result.error == VerifyError::None, odd);
    BOOST_TEST(result.recipient.empty(), odd);
  }
  const auto wrong = mb::interpret(Call::Check, answer(200, fixture("sent_200.json")));
  BOOST_TEST(wrong.recipient.empty());
}

BOOST_AUTO_TEST_CASE(transport_errors_are_unavailable_whatever_the_body) {
  for (auto error : {mb::TransportError::ConnectFailed, mb::TransportError::Timeout,
                     mb::TransportError::TooLarge, mb::TransportError::Other}) {
    BOOST_TEST_CONTEXT("transport error " << error) {
      mb::HttpResponse response = answer(201, fixture("create_201.json"));
      response.error = error;
      response.detail = "curl says no";
      const auto result = mb::interpret(Call::Create, response);
      BOOST_TEST(result.error == VerifyError::Unavailable);
      BOOST_TEST(result.id.empty());
      BOOST_TEST(result.detail.find("curl says no") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_unavailable_not_a_crash) {
  const std::string deep(100000, '[');
  BOOST_TEST(mb::interpret(Call::Create, answer(201, deep)).error == VerifyError::Unavailable);
  const std::string nested = "{\"errors\":" + std::string(40, '[') + std::string(40, ']') + "}";
  BOOST_TEST(mb::interpret(Call::Check, answer(422, nested)).error == VerifyError::Unavailable);
}

BOOST_AUTO_TEST_CASE(detail_is_one_short_line) {
  const std::string description = "line one\r\nline two" + std::string(1000, 'x');
  Json::Value body;
  body["errors"][0]["code"] = 21;
  body["errors"][0]["description"] = description;
  const auto result = mb::interpret(
      Call::Create, answer(400, Json::writeString(Json::StreamWriterBuilder(), body)));
  BOOST_TEST(result.error == VerifyError::Rejected);
  BOOST_TEST(result.detail.find_first_of("\r\n") == std::string::npos);
  BOOST_TEST(result.detail.size() <= 200u);
}

// Every prefix of every recorded answer, for every call and a few statuses: never a throw, and a
// cut-off JSON object is never taken for success.
BOOST_AUTO_TEST_CASE(every_prefix_of_every_fixture_is_handled) {
  const std::filesystem::path dir = std::filesystem::path(VV_SOURCE_DIR) / "tests" / "fixtures";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string body = fixture(entry.path().filename().string());
    ++files;
    for (std::size_t length = 0; length < body.size(); ++length) {
      const std::string prefix = body.substr(0, length);
      for (Call call : {Call::Create, Call::Check, Call::Cancel}) {
        for (long status : {200L, 201L, 422L}) {
          mb::VerifyResult result;
          BOOST_REQUIRE_NO_THROW(result = mb::interpret(call, answer(status, prefix)));
          const std::size_t last = prefix.find_last_not_of(" \t\r\n");
          if (last == std::string::npos || prefix[last] != '}') {
            BOOST_REQUIRE_MESSAGE(result.error != VerifyError::None, entry.path().filename()
                                                                         << " cut at " << length);
          }
        }
      }
    }
  }
  BOOST_TEST(files >= 20);
}

BOOST_AUTO_TEST_CASE(error_names_are_distinct) {
  const VerifyError all[] = {VerifyError::None,
                             VerifyError::InvalidRecipient,
                             VerifyError::Unauthorized,
                             VerifyError::NoBalance,
                             VerifyError::WrongCode,
                             VerifyError::Expired,
                             VerifyError::AlreadyProcessed,
                             VerifyError::NotFound,
                             VerifyError::Rejected,
                             VerifyError::Unavailable};
  std::vector<std::string> names;
  for (VerifyError error : all) {
    const std::string name = mb::verify_error_name(error);
    BOOST_TEST(!name.empty());
    BOOST_TEST((std::find(names.begin(), names.end(), name) == names.end()));
    names.push_back(name);
  }
}
BOOST_AUTO_TEST_SUITE_END()
