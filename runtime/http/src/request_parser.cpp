#include "corolab/http/request_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "corolab/text.hpp"
#include "optional_whitespace.hpp"

// The grammar is RFC 9112 (HTTP/1.1 message syntax):
//
//   request-line = method SP request-target SP HTTP-version CRLF
//   field-line   = field-name ":" OWS field-value OWS CRLF
//   (an empty line ends the head)
//
// We are strict wherever leniency lets two programs read the same bytes
// differently (whitespace before the colon, folded lines, stray control
// characters): such requests get 400 instead of a guess.

namespace corolab::http {

namespace {

// Why a request is refused, and with which status.
struct Rejection {
  int status;
  std::string reason;
};

// tchar (RFC 9110 5.6.2): the characters of methods and header names.
bool is_token_char(char c) noexcept {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return letter || text::is_digit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// VCHAR: printable ASCII, no space. A request target has nothing else.
bool is_visible_ascii(char c) noexcept { return c > ' ' && c < 0x7f; }

// field-vchar, SP and HTAB. Bytes >= 0x80 (obs-text) are allowed, control
// characters (NUL, CR, LF, DEL, ...) are not.
bool is_field_value_char(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte == '\t' || (byte >= ' ' && byte != 0x7f);
}

bool is_token(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// One line of the head, without its line ending.
struct Line {
  std::string_view text;
  std::size_t next;  // where the following line starts
};

// The line starting at `start`, if its end has arrived. Lines end in CRLF;
// a bare LF is accepted too (RFC 9112 2.2). A CR anywhere else stays in the
// text, where the character checks refuse it.
std::optional<Line> line_at(std::string_view bytes, std::size_t start) noexcept {
  const std::size_t newline = bytes.find('\n', start);
  if (newline == std::string_view::npos) return std::nullopt;
  std::string_view text = bytes.substr(start, newline - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return Line{text, newline + 1};
}

// "HTTP/1.1" -> minor version 1. The name is case-sensitive (RFC 9112 2.3).
std::optional<Rejection> parse_version(std::string_view version, int* minor) {
  const bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                           text::is_digit(version[5]) && version[6] == '.' &&
                           text::is_digit(version[7]);
  if (!well_formed) return Rejection{400, "malformed HTTP version"};
  if (version[5] != '1') return Rejection{505, "unsupported HTTP version " + std::string(version)};
  // A later 1.x is served as 1.1, the highest we speak (RFC 9110 2.5).
  *minor = version[7] == '0' ? 0 : 1;
  return std::nullopt;
}

// method SP request-target SP HTTP-version, each separated by exactly one space.
std::optional<Rejection> parse_request_line(std::string_view line, Request* request) {
  const std::size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos) return Rejection{400, "request line without spaces"};
  const std::size_t second_space = line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos)
    return Rejection{400, "request line without a version"};

  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  if (!is_token(method)) return Rejection{400, "invalid method"};
  if (target.empty() || !std::all_of(target.begin(), target.end(), is_visible_ascii)) {
    return Rejection{400, "invalid request target"};
  }
  if (auto rejection = parse_version(version, &request->version_minor)) return rejection;
  request->method = method;
  request->target = target;
  return std::nullopt;
}

// name ":" OWS value OWS
std::optional<Rejection> parse_field_line(std::string_view line, Headers* headers) {
  // A line that starts with whitespace continues the previous one
  // ("obs-fold"). RFC 9112 5.2 lets a server refuse it, and we do.
  if (is_optional_whitespace(line.front())) return Rejection{400, "folded header line (obs-fold)"};
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Rejection{400, "header line without a colon"};

  const std::string_view name = line.substr(0, colon);
  // "Host : x" must be refused (RFC 9112 5.1): proxies disagree on what it means.
  if (!name.empty() && is_optional_whitespace(name.back())) {
    return Rejection{400, "whitespace between header name and colon"};
  }
  if (!is_token(name)) return Rejection{400, "invalid header name"};
  const std::string_view value = trim_optional_whitespace(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(), is_field_value_char)) {
    return Rejection{400, "control character in header value"};
  }
  headers->add(std::string(name), std::string(value));
  return std::nullopt;
}

ParsedHead rejected(Rejection rejection) {
  ParsedHead head;
  head.status = ParsedHead::Status::error;
  head.error_status = rejection.status;
  head.error = std::move(rejection.reason);
  return head;
}

// No blank line yet: wait for more bytes, unless the head is already too big.
ParsedHead need_more(std::size_t received, std::size_t max_head_size) {
  if (received >= max_head_size) {
    return rejected({431, "request head larger than " + std::to_string(max_head_size) + " bytes"});
  }
  return ParsedHead{};
}

// "1234" -> 1234. Too many digits for size_t is saturated: too large anyway.
std::optional<std::size_t> parse_length(std::string_view digits) noexcept {
  if (digits.empty()) return std::nullopt;
  std::size_t value = 0;
  for (char c : digits) {
    if (!text::is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::size_t>(c - '0');
    if (value > (SIZE_MAX - digit) / 10) return SIZE_MAX;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

ParsedHead parse_request_head(std::string_view bytes, std::size_t max_head_size) {
  // Only the first max_head_size bytes can belong to a head we accept.
  const std::string_view window = bytes.substr(0, max_head_size);

  // Empty lines before a request line are ignored (RFC 9112 2.2): some
  // clients send an extra CRLF after a request body.
  std::size_t position = 0;
  std::optional<Line> line = line_at(window, position);
  while (line && line->text.empty()) {
    position = line->next;
    line = line_at(window, position);
  }
  if (!line) return need_more(bytes.size(), max_head_size);

  ParsedHead head;
  if (auto rejection = parse_request_line(line->text, &head.request))
    return rejected(std::move(*rejection));
  position = line->next;

  while (true) {
    line = line_at(window, position);
    if (!line) return need_more(bytes.size(), max_head_size);
    position = line->next;
    if (line->text.empty()) break;  // the blank line: the head is complete
    if (auto rejection = parse_field_line(line->text, &head.request.headers)) {
      return rejected(std::move(*rejection));
    }
  }
  head.status = ParsedHead::Status::complete;
  head.head_size = position;
  return head;
}

BodyLength request_body_length(const Headers& headers) {
  // RFC 9112 6.1: a server that does not understand a transfer coding answers 501.
  if (headers.contains("Transfer-Encoding")) {
    return {0, 501, "Transfer-Encoding (chunked request bodies) is not supported"};
  }
  // Several Content-Length fields, or a list like "5, 5" in one field, are
  // acceptable only if every value is the same (RFC 9110 8.6).
  std::optional<std::size_t> length;
  for (const Headers::Field& field : headers) {
    if (!iequals(field.name, "Content-Length")) continue;
    std::string_view rest = field.value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::optional<std::size_t> value =
          parse_length(trim_optional_whitespace(rest.substr(0, comma)));
      if (!value) return {0, 400, "invalid Content-Length"};
      if (length && *length != *value) return {0, 400, "conflicting Content-Length values"};
      length = value;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return {length.value_or(0), 0, {}};
}

}  // namespace corolab::http
