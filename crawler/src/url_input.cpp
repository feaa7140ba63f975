// Hrefs as browsers read them: see url_input.hpp. The rules are the WHATWG
// URL Standard's (https://url.spec.whatwg.org/#concept-basic-url-parser)
// for the special schemes, the only ones the crawler fetches.
#include "url_input.hpp"

#include <algorithm>

#include "corolab/text.hpp"

namespace corolab::crawler::detail {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_space_or_control(char c) { return static_cast<unsigned char>(c) <= 0x20; }

bool is_tab_or_newline(char c) { return c == '\t' || c == '\n' || c == '\r'; }

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7F'; }

bool is_special(std::string_view scheme) {
  return text::iequals(scheme, "http") || text::iequals(scheme, "https");
}

void append_escaped(std::string& out, char c) {
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += text::hex_digit(byte >> 4);
  out += text::hex_digit(byte & 0x0F);
}

// The characters of the href: trimmed, without tabs and newlines, controls
// escaped (libcurl refuses them raw; a browser escapes them in a path, a
// query or a fragment, and a host with one is refused later, escaped or
// not), and '\' as '/' up to the query. Any '\' is '/' for a browser in an
// http(s) URL; in any other URL the crawler refuses the result anyway.
std::string cleaned(std::string_view href) {
  while (!href.empty() && is_space_or_control(href.front())) href.remove_prefix(1);
  while (!href.empty() && is_space_or_control(href.back())) href.remove_suffix(1);
  std::string out;
  out.reserve(href.size());
  bool before_query = true;
  for (char c : href) {
    if (c == '?' || c == '#') before_query = false;
    if (is_tab_or_newline(c)) continue;
    if (is_control(c)) {
      append_escaped(out, c);
    } else {
      out += (c == '\\' && before_query) ? '/' : c;
    }
  }
  return out;
}

std::size_t leading_slashes(std::string_view text) {
  return std::min(text.find_first_not_of('/'), text.size());
}

// "http:" and the rest of an href that names http or https.
std::string with_special_scheme(std::string_view scheme, std::string_view rest,
                                std::string_view base_scheme) {
  const std::size_t slashes = leading_slashes(rest);
  // The page's own scheme and fewer than two slashes: a relative href,
  // "http:g" is "g". "./" keeps "http:a:b" from naming the scheme "a".
  if (text::iequals(scheme, base_scheme) && slashes < 2) {
    return scheme_of(rest).empty() ? std::string(rest) : "./" + std::string(rest);
  }
  return text::to_lower(scheme) + "://" + std::string(rest.substr(slashes));
}

}  // namespace

std::string_view scheme_of(std::string_view href) {
  constexpr std::size_t kMaxSchemeLength = 16;
  const std::size_t colon = href.find(':');
  if (colon == 0 || colon > kMaxSchemeLength || colon == std::string_view::npos ||
      !is_alpha(href[0]))
    return {};
  const std::string_view scheme = href.substr(0, colon);
  const bool is_scheme = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return is_alpha(c) || text::is_digit(c) || c == '+' || c == '-' || c == '.';
  });
  return is_scheme ? scheme : std::string_view();
}

std::string as_browsers_read(std::string_view href, std::string_view base_scheme) {
  std::string text = cleaned(href);
  const std::string_view scheme = scheme_of(text);
  if (is_special(scheme)) {
    return with_special_scheme(scheme, std::string_view(text).substr(scheme.size() + 1),
                               base_scheme);
  }
  // "///host" and "//host" alike: the host is what follows the slashes.
  if (scheme.empty() && text.starts_with("//")) text.erase(0, leading_slashes(text) - 2);
  return text;
}

}  // namespace corolab::crawler::detail
