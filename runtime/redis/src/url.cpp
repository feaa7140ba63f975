#include "corolab/redis/url.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "corolab/text.hpp"

namespace corolab::redis {

namespace {

[[noreturn]] void reject(std::string_view url, std::string_view why) {
  throw std::invalid_argument("invalid Redis URL \"" + std::string(url) +
                              "\": " + std::string(why));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text::iequals(text.substr(0, prefix.size()), prefix);
}

// A number of digits only, in [min, max]; nullopt for anything else.
std::optional<long> parse_number(std::string_view digits, long min, long max) {
  long value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || digits.front() == '-' || stop != end || error != std::errc() ||
      value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// Letters, digits, '.', '-', '_' for names and IPv4; an IPv6 address (in
// brackets) adds ':' and a zone's '%'. Enough to turn away a typo early;
// the resolver has the last word.
bool valid_host(std::string_view host, bool bracketed) {
  for (const char c : host) {
    const char lower = text::to_lower(c);
    const bool letter = lower >= 'a' && lower <= 'z';
    const bool name_char = letter || text::is_digit(c) || c == '.' || c == '-' || c == '_';
    if (!name_char && !(bracketed && (c == ':' || c == '%'))) return false;
  }
  return !host.empty();
}

}  // namespace

Url Url::parse(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (starts_with_ignoring_case(text, "rediss://"))
    reject(text, "TLS (rediss://) is not supported");
  if (starts_with_ignoring_case(text, "unix:") || starts_with_ignoring_case(text, "redis+unix:")) {
    reject(text, "Unix sockets are not supported");
  }
  if (!starts_with_ignoring_case(text, scheme)) reject(text, "it must start with redis://");
  const std::string_view rest = text.substr(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    reject(text, "query parameters are not supported");
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) {
    reject(text, "a user or password is not supported");
  }

  Url url;
  std::string_view host = authority;
  std::optional<std::string_view> port;
  const bool bracketed = authority.starts_with('[');
  if (bracketed) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) reject(text, "the IPv6 address has no closing ]");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') reject(text, "expected :PORT after ]");
    if (!after.empty()) port = after.substr(1);
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    if (authority.find(':', colon + 1) != std::string_view::npos) {
      reject(text, "an IPv6 address goes in brackets, as in redis://[::1]:6379");
    }
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) reject(text, "no host");
  if (!valid_host(host, bracketed)) reject(text, "the host has a character hosts do not");
  url.host = std::string(host);

  if (port) {
    const std::optional<long> number = parse_number(*port, 1, 65535);
    if (!number) reject(text, "the port must be a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(*number);
  }
  if (!path.empty()) {
    const std::optional<long> db = parse_number(path, 0, 1'000'000);
    if (!db) reject(text, "the path must be a database number, as in redis://host:6379/0");
    url.db = static_cast<int>(*db);
  }
  return url;
}

std::string Url::address() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Url::to_string() const { return "redis://" + address() + "/" + std::to_string(db); }

}  // namespace corolab::redis
