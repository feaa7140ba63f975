// The spelling of a URL: its characters, its escapes, its dot segments.
#include "url_spelling.hpp"

#include <algorithm>

#include "corolab/text.hpp"

namespace corolab::crawler {
namespace detail {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_unreserved(char c) {
  return is_alpha(c) || text::is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_sub_delim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

void append_escaped(std::string& out, char c) {
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += text::hex_digit(byte >> 4);
  out += text::hex_digit(byte & 0x0F);
}

bool starts_with_escape(std::string_view chars, std::size_t i) {
  return chars[i] == '%' && i + 2 < chars.size() && text::is_hex_digit(chars[i + 1]) &&
         text::is_hex_digit(chars[i + 2]);
}

// Takes the last segment off `output` (RFC 3986 5.2.4, "/.." handling).
void drop_last_segment(std::string& output) {
  const std::size_t slash = output.rfind('/');
  output.resize(slash == std::string::npos ? 0 : slash);
}

}  // namespace

bool may_appear_raw(char c) {
  return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?';
}

// RFC 3986 5.2.4, step by step. curl removes dot segments too, but only the
// literal ones: "%2E%2E" becomes ".." once we decode it, so we run this after.
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./") || input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../")) {
      input.remove_prefix(3);
      drop_last_segment(output);
    } else if (input == "/..") {
      input = "/";
      drop_last_segment(output);
    } else if (input == "." || input == "..") {
      input = {};
    } else {  // move the first segment, with its leading '/', to the output
      const std::size_t end = std::min(input.find('/', 1), input.size());
      output += input.substr(0, end);
      input.remove_prefix(end);
    }
  }
  return output;
}

int default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

std::string spell(const UrlParts& parts) {
  std::string url = parts.scheme + "://";
  const bool is_ipv6 = parts.host.find(':') != std::string::npos;
  url += is_ipv6 ? "[" + parts.host + "]" : parts.host;
  if (parts.port != default_port(parts.scheme)) url += ":" + std::to_string(parts.port);
  return url + parts.path_and_query;
}

std::string origin_prefix(const UrlParts& parts) {
  UrlParts origin = parts;
  origin.path_and_query.clear();
  return spell(origin);
}

}  // namespace detail

std::string normalize_percent_escapes(std::string_view path_or_query) {
  std::string out;
  out.reserve(path_or_query.size());
  for (std::size_t i = 0; i < path_or_query.size(); ++i) {
    const char c = path_or_query[i];
    if (detail::starts_with_escape(path_or_query, i)) {
      const auto decoded = static_cast<char>(text::hex_value(path_or_query[i + 1]) * 16 +
                                             text::hex_value(path_or_query[i + 2]));
      if (detail::is_unreserved(decoded)) {
        out += decoded;
      } else {
        detail::append_escaped(out, decoded);
      }
      i += 2;
    } else if (c != '%' && detail::may_appear_raw(c)) {
      out += c;
    } else {  // includes a '%' that starts no escape: "%zz" -> "%25zz"
      detail::append_escaped(out, c);
    }
  }
  return out;
}

std::string origin_of(const UrlParts& url) {
  const bool is_ipv6 = url.host.find(':') != std::string::npos;
  const std::string host = is_ipv6 ? "[" + url.host + "]" : url.host;
  return host + ":" + std::to_string(url.port);
}

}  // namespace corolab::crawler
