#include "response_writing.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>

namespace corolab::http {

namespace {

using namespace std::string_view_literals;

// Room for a response head with a few headers, reserved at once.
constexpr std::size_t kTypicalHeadSize = 256;

// 1xx, 204 and 304 responses never have a body (RFC 9110 6.4.1), so they
// get no Content-Length either.
bool status_has_body(int status) noexcept {
  return status >= 200 && status != 204 && status != 304;
}

// The server alone decides how a message is framed and whether the
// connection stays open; a handler's copies of these fields could contradict it.
bool is_framing_field(std::string_view name) noexcept {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection");
}

bool has_line_break(std::string_view text) noexcept {
  // (Not find_first_of("\r\n"): libstdc++ calls memchr once per character.)
  return std::ranges::any_of(text, [](char c) { return c == '\r' || c == '\n'; });
}

// Plain appends rather than fmt::format: this runs for every response, and
// the head is a handful of short pieces.
void append_number(std::string& text, std::size_t number) {
  std::array<char, 20> digits;
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  text.append(digits.data(), end);
}

void append_field(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": "sv).append(value).append("\r\n"sv);
}

// Appends "HTTP/1.1 200 OK", the handler's headers, then the framing fields we own.
void append_response_head(std::string& message, const Response& response,
                          std::string_view connection) {
  message.append("HTTP/1.1 "sv);
  append_number(message, static_cast<std::size_t>(response.status));  // 200..599: checked before
  message.append(" "sv).append(reason_phrase(response.status)).append("\r\n"sv);
  for (const Headers::Field& field : response.headers) {
    if (!is_framing_field(field.name)) append_field(message, field.name, field.value);
  }
  // For HEAD too: the length the body of a GET would have.
  if (status_has_body(response.status)) {
    message.append("Content-Length: "sv);
    append_number(message, response.body.size());
    message.append("\r\n"sv);
  }
  if (!connection.empty()) append_field(message, "Connection", connection);
  message.append("\r\n"sv);
}

}  // namespace

std::string invalid_response_reason(const Response& response) {
  if (response.status < 200 || response.status > 599) {
    return fmt::format("status {} is outside 200..599", response.status);
  }
  // A line break in a header would let the handler's input split the
  // response in two ("response splitting").
  for (const Headers::Field& field : response.headers) {
    if (has_line_break(field.name) || has_line_break(field.value)) {
      return "line break in header " + field.name;
    }
  }
  return {};
}

std::string_view connection_header(bool keep_alive, int version_minor) noexcept {
  if (!keep_alive) return "close";
  return version_minor == 0 ? "keep-alive" : "";
}

Task<void> write_response(TcpStream* stream, const Response* response, bool head_only,
                          std::string_view connection) {
  std::string_view body = response->body;
  if (head_only || !status_has_body(response->status)) body = {};
  const bool own_writer = static_cast<bool>(response->write_body);

  std::string message;
  message.reserve(kTypicalHeadSize + (own_writer ? 0 : body.size()));  // one allocation, usually
  append_response_head(message, *response, connection);
  if (!own_writer) message += body;
  co_await stream->write_all(message);
  if (own_writer) co_await response->write_body(*stream, body);
}

}  // namespace corolab::http
