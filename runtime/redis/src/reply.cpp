#include "corolab/redis/reply.hpp"

#include <ostream>

#include "corolab/redis/errors.hpp"
#include "corolab/text.hpp"

namespace corolab::redis {

namespace {

[[noreturn]] void unexpected(std::string_view expected, const Reply& reply) {
  constexpr std::size_t kShown = 100;  // of a long reply, enough to recognise it
  std::string shown = to_string(reply);
  if (shown.size() > kShown) shown = shown.substr(0, kShown) + "...";
  throw UnexpectedReply("expected " + std::string(expected) + " reply, got " + shown);
}

// In double quotes, with \\, \", \r, \n and other unprintable bytes escaped.
void append_quoted(std::string& out, std::string_view bytes) {
  out += '"';
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += text::hex_digit(byte >> 4);
      out += text::hex_digit(byte);
    } else {
      out += c;
    }
  }
  out += '"';
}

void append(std::string& out, const Reply& reply) {
  switch (reply.type) {
    case Reply::Type::nil: out += "(nil)"; return;
    case Reply::Type::integer: out += "(integer) " + std::to_string(reply.integer); return;
    case Reply::Type::string: append_quoted(out, reply.text); return;
    case Reply::Type::status: out += reply.text; return;
    case Reply::Type::error: out += "(error) " + reply.text; return;
    case Reply::Type::array:
      out += '[';
      for (std::size_t i = 0; i < reply.elements.size(); ++i) {
        if (i > 0) out += ", ";
        append(out, reply.elements[i]);
      }
      out += ']';
      return;
  }
}

}  // namespace

long long Reply::as_integer() const {
  if (type != Type::integer) unexpected("an integer", *this);
  return integer;
}

const std::string& Reply::as_string() const {
  if (type != Type::string && type != Type::status) unexpected("a string", *this);
  return text;
}

const std::vector<Reply>& Reply::as_array() const {
  if (type != Type::array) unexpected("an array", *this);
  return elements;
}

std::optional<std::string> Reply::as_optional_string() const {
  if (type == Type::nil) return std::nullopt;
  return as_string();
}

std::string_view to_string(Reply::Type type) noexcept {
  switch (type) {
    case Reply::Type::nil: return "nil";
    case Reply::Type::integer: return "integer";
    case Reply::Type::string: return "string";
    case Reply::Type::status: return "status";
    case Reply::Type::error: return "error";
    case Reply::Type::array: return "array";
  }
  return "?";
}

std::string to_string(const Reply& reply) {
  std::string out;
  append(out, reply);
  return out;
}

std::ostream& operator<<(std::ostream& out, const Reply& reply) { return out << to_string(reply); }

}  // namespace corolab::redis
