#pragma once
// HTTP's optional whitespace (OWS, RFC 9110 5.6.3): spaces and tabs, no more.
//
// Not text::trim, which also drops CR, LF, VT and FF: a stray CR at the end
// of a header value must stay in it, for the parser to refuse, rather than
// vanish and let the request through.

#include <string_view>

namespace corolab::http {

constexpr bool is_optional_whitespace(char c) noexcept { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_optional_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_optional_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_optional_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace corolab::http
