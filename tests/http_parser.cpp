// The HTTP/1.1 request-head parser: a pure function, tested with tables of
// requests it must accept and requests it must refuse (and why).
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "corolab/http/request_parser.hpp"

using corolab::http::BodyLength;
using corolab::http::Headers;
using corolab::http::parse_request_head;
using corolab::http::ParsedHead;
using corolab::http::request_body_length;
using Status = ParsedHead::Status;
using namespace std::string_view_literals;

// Catch2 prints statuses by name in failure messages.
namespace Catch {
template <>
struct StringMaker<Status> {
  static std::string convert(Status status) {
    switch (status) {
      case Status::complete: return "complete";
      case Status::incomplete: return "incomplete";
      case Status::error: return "error";
    }
    return "?";
  }
};
}  // namespace Catch

namespace {

constexpr std::string_view kSimpleGet =
    "GET /index.html?q=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Accept: */*\r\n"
    "\r\n";

// A request the parser must refuse, and the status it must answer with.
struct BadHead {
  std::string_view what;
  std::string_view bytes;
  int status;
};

// Every head here is complete (ends in a blank line), so the parser has no
// excuse to say "incomplete". "\0"sv keeps the NUL bytes in the literals.
const BadHead kBadHeads[] = {
    {"no spaces in the request line", "GET\r\n\r\n", 400},
    {"no version", "GET /\r\n\r\n", 400},
    {"two spaces after the method", "GET  / HTTP/1.1\r\n\r\n", 400},
    {"a space after the version", "GET / HTTP/1.1 \r\n\r\n", 400},
    {"a leading space", " GET / HTTP/1.1\r\n\r\n", 400},
    {"a tab as separator", "GET\t/ HTTP/1.1\r\n\r\n", 400},
    {"an empty method", " / HTTP/1.1\r\n\r\n", 400},
    {"a method with a non-token character", "GE(T / HTTP/1.1\r\n\r\n", 400},
    {"a target with a control character", "GET /a\x01 HTTP/1.1\r\n\r\n", 400},
    {"a target with a non-ASCII byte", "GET /\xc3\xa9 HTTP/1.1\r\n\r\n", 400},
    {"a lower-case protocol name", "GET / http/1.1\r\n\r\n", 400},
    {"a version without a minor number", "GET / HTTP/1\r\n\r\n", 400},
    {"a version with two-digit minor", "GET / HTTP/1.10\r\n\r\n", 400},
    {"a version that is not a number", "GET / HTTP/x.y\r\n\r\n", 400},
    {"not HTTP at all", "GET / FTP/1.1\r\n\r\n", 400},
    {"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505},
    {"HTTP/0.9 spelled as a version", "GET / HTTP/0.9\r\n\r\n", 505},
    {"the HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
    {"whitespace between header name and colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
    {"a tab between header name and colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400},
    {"a header line without a colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400},
    {"an empty header name", "GET / HTTP/1.1\r\n: a\r\n\r\n", 400},
    {"a header name with a space", "GET / HTTP/1.1\r\nX Y: a\r\n\r\n", 400},
    {"obs-fold (a continuation line)", "GET / HTTP/1.1\r\nX-Long: a\r\n b\r\n\r\n", 400},
    {"obs-fold with a tab", "GET / HTTP/1.1\r\nX-Long: a\r\n\tb\r\n\r\n", 400},
    {"a folded line right after the request line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400},
    {"NUL in a header value", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"sv, 400},
    {"NUL in a header name", "GET / HTTP/1.1\r\nX\0: a\r\n\r\n"sv, 400},
    {"NUL in the request line", "GET /\0 HTTP/1.1\r\n\r\n"sv, 400},
    {"a control character in a header value", "GET / HTTP/1.1\r\nX: a\x07z\r\n\r\n", 400},
    {"DEL in a header value", "GET / HTTP/1.1\r\nX: a\x7fz\r\n\r\n", 400},
    {"a bare CR in a header value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},
    {"a bare CR in the request line", "GET /\r HTTP/1.1\r\n\r\n", 400},
};

ParsedHead parse(std::string_view bytes) { return parse_request_head(bytes); }

Headers headers_with(std::string_view name, std::string_view value) {
  Headers headers;
  headers.add(std::string(name), std::string(value));
  return headers;
}

}  // namespace

TEST_CASE("a simple GET is parsed: method, target, version, headers, size") {
  const ParsedHead head = parse(kSimpleGet);
  REQUIRE(head.status == Status::complete);
  CHECK(head.request.method == "GET");
  CHECK(head.request.target == "/index.html?q=1");
  CHECK(head.request.version_minor == 1);
  CHECK(head.request.headers.size() == 2);
  CHECK(head.request.headers.get("Host") == "example.com");
  CHECK(head.request.headers.get("Accept") == "*/*");
  CHECK(head.request.body.empty());
  CHECK(head.head_size == kSimpleGet.size());
}

TEST_CASE("valid heads of several shapes are accepted") {
  SECTION("HEAD with HTTP/1.0") {
    const ParsedHead head = parse("HEAD / HTTP/1.0\r\nUser-Agent: test\r\n\r\n");
    REQUIRE(head.status == Status::complete);
    CHECK(head.request.method == "HEAD");
    CHECK(head.request.version_minor == 0);
  }
  SECTION("no headers at all") {
    const ParsedHead head = parse("GET / HTTP/1.1\r\n\r\n");
    REQUIRE(head.status == Status::complete);
    CHECK(head.request.headers.empty());
  }
  SECTION("a later HTTP/1.x is served as 1.1") {
    const ParsedHead head = parse("GET / HTTP/1.7\r\n\r\n");
    REQUIRE(head.status == Status::complete);
    CHECK(head.request.version_minor == 1);
  }
  SECTION("every token character in a method, absolute-form and asterisk-form targets") {
    CHECK(parse("X-!#$%&'*+.^_`|~9 / HTTP/1.1\r\n\r\n").status == Status::complete);
    const ParsedHead absolute = parse("GET http://example.com/a?b#c HTTP/1.1\r\n\r\n");
    CHECK(absolute.request.target == "http://example.com/a?b#c");
    CHECK(parse("OPTIONS * HTTP/1.1\r\n\r\n").request.target == "*");
  }
  SECTION("a repeated header keeps both values, in order") {
    const ParsedHead head = parse("GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
    REQUIRE(head.status == Status::complete);
    REQUIRE(head.request.headers.size() == 2);
    CHECK(head.request.headers.begin()->value == "1");
    CHECK((head.request.headers.begin() + 1)->value == "2");
  }
  SECTION("an empty header value, and bytes >= 0x80 (obs-text) in a value") {
    const ParsedHead head = parse("GET / HTTP/1.1\r\nX-Empty:\r\nX-Name: Andr\xc3\xa9\r\n\r\n");
    REQUIRE(head.status == Status::complete);
    CHECK(head.request.headers.get("X-Empty") == "");
    CHECK(head.request.headers.get("X-Name") == "Andr\xc3\xa9");
  }
  SECTION("empty lines before the request line are skipped (RFC 9112 2.2)") {
    const std::string_view bytes = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    const ParsedHead head = parse(bytes);
    REQUIRE(head.status == Status::complete);
    CHECK(head.head_size == bytes.size());
  }
}

TEST_CASE("header values are trimmed of optional whitespace, inner spaces kept") {
  const ParsedHead head =
      parse("GET / HTTP/1.1\r\nX-A:   spaced  out \t \r\nX-B:\tx\r\nX-C:y\r\n\r\n");
  REQUIRE(head.status == Status::complete);
  CHECK(head.request.headers.get("X-A") == "spaced  out");
  CHECK(head.request.headers.get("X-B") == "x");
  CHECK(head.request.headers.get("X-C") == "y");
}

TEST_CASE("header names are looked up without regard to case") {
  const ParsedHead head = parse("GET / HTTP/1.1\r\ncOnTeNt-TyPe: text/plain\r\n\r\n");
  REQUIRE(head.status == Status::complete);
  CHECK(head.request.headers.get("Content-Type") == "text/plain");
  CHECK(head.request.headers.get("CONTENT-TYPE") == "text/plain");
  CHECK(head.request.headers.begin()->name == "cOnTeNt-TyPe");  // stored as sent
}

TEST_CASE("bare LF line endings are tolerated (RFC 9112 2.2)") {
  const std::string_view bytes = "GET /lf HTTP/1.1\nHost: a\r\nX: b\n\n";
  const ParsedHead head = parse(bytes);
  REQUIRE(head.status == Status::complete);
  CHECK(head.request.target == "/lf");
  CHECK(head.request.headers.get("Host") == "a");
  CHECK(head.request.headers.get("X") == "b");
  CHECK(head.head_size == bytes.size());
}

TEST_CASE("every proper prefix of a valid head is incomplete, never complete early") {
  const std::string_view heads[] = {kSimpleGet, "GET / HTTP/1.1\nA: b\n\n",
                                    "\r\nHEAD / HTTP/1.0\r\n\r\n"};
  for (const std::string_view full : heads) {
    for (std::size_t length = 0; length < full.size(); ++length) {
      CAPTURE(full, length);
      CHECK(parse(full.substr(0, length)).status == Status::incomplete);
    }
    CHECK(parse(full).status == Status::complete);
  }
}

TEST_CASE("malformed heads are refused with the right status") {
  for (const BadHead& bad : kBadHeads) {
    CAPTURE(bad.what);
    const ParsedHead head = parse(bad.bytes);
    CHECK(head.status == Status::error);
    CHECK(head.error_status == bad.status);
    CHECK_FALSE(head.error.empty());
  }
}

TEST_CASE("a bad request line is refused before the head is complete") {
  const ParsedHead head = parse("GET / HTTP/2.0\r\nHost: a\r\n");
  CHECK(head.status == Status::error);
  CHECK(head.error_status == 505);
}

TEST_CASE("a head larger than the limit is refused with 431, complete or not") {
  const std::string big_header = "X-Big: " + std::string(200, 'x') + "\r\n";
  const std::string complete = "GET / HTTP/1.1\r\n" + big_header + "\r\n";

  SECTION("a complete head over the limit") {
    const ParsedHead head = parse_request_head(complete, complete.size() - 1);
    CHECK(head.status == Status::error);
    CHECK(head.error_status == 431);
  }
  SECTION("an incomplete head that has reached the limit") {
    const std::string partial = complete.substr(0, 100);
    const ParsedHead head = parse_request_head(partial, 100);
    CHECK(head.status == Status::error);
    CHECK(head.error_status == 431);
  }
  SECTION("an endless stream of empty lines") {
    CHECK(parse_request_head(std::string(64, '\n'), 64).error_status == 431);
  }
  SECTION("a head of exactly the limit is fine, whatever follows it") {
    const std::string with_body = complete + "body bytes beyond the limit";
    const ParsedHead head = parse_request_head(with_body, complete.size());
    CHECK(head.status == Status::complete);
    CHECK(head.head_size == complete.size());
  }
  SECTION("the default limit is 16 KiB") {
    const std::string huge = "GET / HTTP/1.1\r\nX: " + std::string(16 * 1024, 'x') + "\r\n\r\n";
    CHECK(parse(huge).error_status == 431);
  }
}

TEST_CASE("pipelined requests: head_size ends exactly at the first request") {
  const std::string first = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string second = "GET /two HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string both = first + second;

  const ParsedHead head = parse(both);
  REQUIRE(head.status == Status::complete);
  CHECK(head.request.target == "/one");
  REQUIRE(head.head_size == first.size());

  const ParsedHead next = parse(std::string_view(both).substr(head.head_size));
  REQUIRE(next.status == Status::complete);
  CHECK(next.request.target == "/two");
  CHECK(next.head_size == second.size());
}

TEST_CASE("the body length comes from Content-Length, and only if unambiguous") {
  SECTION("no Content-Length: no body") {
    const BodyLength length = request_body_length(Headers{});
    CHECK(length.ok());
    CHECK(length.length == 0);
  }
  SECTION("a plain length") {
    CHECK(request_body_length(headers_with("content-length", "42")).length == 42);
  }
  SECTION("the same value twice, as two fields or as a list") {
    Headers twice = headers_with("Content-Length", "5");
    twice.add("Content-Length", "5");
    CHECK(request_body_length(twice).length == 5);
    CHECK(request_body_length(headers_with("Content-Length", "5, 5")).length == 5);
  }
  SECTION("differing values: 400") {
    Headers differing = headers_with("Content-Length", "5");
    differing.add("Content-Length", "6");
    CHECK(request_body_length(differing).error_status == 400);
    CHECK(request_body_length(headers_with("Content-Length", "5, 6")).error_status == 400);
  }
  SECTION("not a number: 400") {
    for (const char* value : {"", "-1", "+1", "1.5", "0x10", "12a", "1 2", ","}) {
      CAPTURE(value);
      CHECK(request_body_length(headers_with("Content-Length", value)).error_status == 400);
    }
  }
  SECTION("too many digits saturates (the server then answers 413)") {
    const BodyLength length =
        request_body_length(headers_with("Content-Length", std::string(40, '9')));
    CHECK(length.ok());
    CHECK(length.length == SIZE_MAX);
  }
  SECTION("Transfer-Encoding is not supported: 501") {
    Headers chunked = headers_with("Transfer-Encoding", "chunked");
    chunked.add("Content-Length", "5");
    CHECK(request_body_length(chunked).error_status == 501);
  }
}

// --- The message types the parser fills in ------------------------------------

namespace {
corolab::http::Request request_with(int version_minor, std::string_view connection) {
  corolab::http::Request request;
  request.version_minor = version_minor;
  if (!connection.empty()) request.headers.add("Connection", std::string(connection));
  return request;
}
}  // namespace

TEST_CASE("keep-alive: the default for HTTP/1.1, an opt-in for HTTP/1.0") {
  CHECK(request_with(1, "").wants_keep_alive());
  CHECK_FALSE(request_with(1, "close").wants_keep_alive());
  CHECK_FALSE(request_with(1, "Upgrade, CLOSE").wants_keep_alive());  // a list, any case
  CHECK(request_with(1, "keep-alive").wants_keep_alive());
  CHECK_FALSE(request_with(0, "").wants_keep_alive());
  CHECK(request_with(0, "Keep-Alive").wants_keep_alive());
  CHECK_FALSE(request_with(0, "keep-alive, close").wants_keep_alive());

  corolab::http::Request two_fields = request_with(1, "Upgrade");
  two_fields.headers.add("connection", "close");
  CHECK_FALSE(two_fields.wants_keep_alive());
}

TEST_CASE("responses: text() sets the content type, and reason phrases go by status") {
  const auto response = corolab::http::Response::text(404, "nope");
  CHECK(response.status == 404);
  CHECK(response.body == "nope");
  CHECK(response.headers.get("Content-Type") == "text/plain; charset=utf-8");
  CHECK(corolab::http::Response::text(200, "{}", "application/json").headers.get("content-type") ==
        "application/json");
  CHECK_FALSE(response.closes_connection());

  using corolab::http::reason_phrase;
  CHECK(reason_phrase(200) == "OK");
  CHECK(reason_phrase(206) == "Partial Content");
  CHECK(reason_phrase(308) == "Permanent Redirect");
  CHECK(reason_phrase(404) == "Not Found");
  CHECK(reason_phrase(408) == "Request Timeout");
  CHECK(reason_phrase(413) == "Content Too Large");
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(505) == "HTTP Version Not Supported");
  CHECK(reason_phrase(299) == "Unknown");
  CHECK(reason_phrase(-1) == "Unknown");
}
