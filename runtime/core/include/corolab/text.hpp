#pragma once
// Small ASCII text helpers that every layer needs: HTTP header names, URL
// schemes and hosts, robots.txt fields and charset names compare without
// case; markup needs escaping. Written once, here.
//
// ASCII only, on purpose: the protocols above define case-insensitivity for
// ASCII letters alone, and <cctype>'s functions follow the C locale (and are
// undefined for negative chars), which is not what a protocol means.

#include <cstddef>
#include <string>
#include <string_view>

namespace corolab::text {

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string to_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = to_lower(c);
  return lower;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

// Space, tab, CR, LF, vertical tab and form feed.
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// `text` without leading and trailing whitespace (is_space).
constexpr std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 0-15 for a hex digit, -1 for anything else.
constexpr int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The upper-case hex digit for 0-15 (percent-encoding uses upper case:
// RFC 3986 2.1).
constexpr char hex_digit(unsigned value) noexcept { return "0123456789ABCDEF"[value & 0xF]; }

// `text` safe inside XML or HTML, in element content and in quoted attribute
// values: & < > " ' become entities (&#39; rather than &apos;, which HTML 4
// lacks).
inline std::string escape_markup(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

// "1 link", "3 links": a count and its noun, which takes an "s" unless the
// count is one (English nouns of the regular kind only).
inline std::string count_of(std::size_t count, std::string_view noun) {
  std::string text = std::to_string(count);
  text += ' ';
  text += noun;
  if (count != 1) text += 's';
  return text;
}

}  // namespace corolab::text
