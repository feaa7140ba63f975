// Retry-After: seconds, an HTTP-date counted from a given now, a date in the
// past (no wait), and values that are neither (no answer).
#include <catch2/catch.hpp>
#include <chrono>

#include "corolab/http/retry_after.hpp"

using corolab::Duration;
using corolab::http::Headers;
using corolab::http::parse_retry_after;
using corolab::http::retry_after;
using namespace std::chrono_literals;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date, as a time_t.
constexpr std::time_t kExampleDate = 784111777;
}  // namespace

TEST_CASE("Retry-After in seconds") {
  CHECK(parse_retry_after("120") == Duration(120s));
  CHECK(parse_retry_after("0") == Duration(0s));
  CHECK(parse_retry_after(" 3 ") == Duration(3s));
  // Beyond any sensible wait (and beyond what nanoseconds hold): a year.
  CHECK(parse_retry_after("99999999999999999999999") == Duration(24h * 365));
}

TEST_CASE("Retry-After as an HTTP-date, counted from now") {
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleDate - 90) == Duration(90s));
  // The obsolete formats RFC 9110 asks recipients to read.
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kExampleDate - 5) == Duration(5s));
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", kExampleDate - 7) == Duration(7s));
}

TEST_CASE("Retry-After with a date in the past asks for no wait") {
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleDate + 3600) == Duration(0s));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT") == Duration(0s));  // now: 2020s
}

TEST_CASE("Retry-After that is neither seconds nor a date is no answer") {
  CHECK_FALSE(parse_retry_after(""));
  CHECK_FALSE(parse_retry_after("soon"));
  CHECK_FALSE(parse_retry_after("-5"));
  CHECK_FALSE(parse_retry_after("1.5"));
}

TEST_CASE("retry_after reads the header of a response, if there is one") {
  Headers headers;
  CHECK_FALSE(retry_after(headers));
  headers.add("retry-after", "2");
  CHECK(retry_after(headers) == Duration(2s));
}
