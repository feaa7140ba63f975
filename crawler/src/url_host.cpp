// Hosts as browsers read them: see url_host.hpp. The rules are the WHATWG
// URL Standard's host parser for special schemes (https://url.spec.whatwg.org/#host-parsing).
#include "url_host.hpp"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <vector>

#include "corolab/text.hpp"

namespace corolab::crawler::detail {
namespace {

// IPv6 has many spellings ("::1", "0:0::1"); inet_ntop knows the canonical one.
std::optional<std::string> canonical_ipv6(std::string_view bracketed) {
  const std::string address(bracketed.substr(1, bracketed.size() - 2));
  in6_addr binary{};
  if (inet_pton(AF_INET6, address.c_str(), &binary) != 1) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, &binary, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text);
}

// --- internationalized names ---

struct Idn2Free {
  void operator()(char* text) const noexcept { idn2_free(text); }
};

// IDNA ToASCII (UTS #46) by libidn2. Non-transitional processing is what the
// URL Standard and today's browsers use ("faß" -> "xn--fa-hia", not "fass");
// the input is put in Unicode normal form C first, as UTS #46 says.
std::optional<std::string> idna_to_ascii(const std::string& name) {
  char* ascii = nullptr;
  const int result = idn2_to_ascii_8z(name.c_str(), &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  const std::unique_ptr<char, Idn2Free> owned(ascii);
  if (result != IDN2_OK || ascii == nullptr) return std::nullopt;
  return std::string(ascii);
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || text::is_digit(c) || c == '-' || c == '.' || c == '_';
}

// --- IPv4 addresses, the URL Standard's "IPv4 parser" ---
//
// Written out rather than left to inet_aton(3), which reads the same
// shorthand forms ("127.1", "0x7f.1", "0177.0.0.1", "2130706433") but
// differs where browsers and the Standard agree: it refuses a trailing dot
// ("127.0.0.1.") and a bare "0x" (the Standard: 0), and accepts anything
// after a space ("1.2.3.4 junk"). The digits are read by std::from_chars.

std::vector<std::string_view> labels_of(std::string_view host) {
  std::vector<std::string_view> labels;
  for (std::size_t start = 0;;) {
    const std::size_t dot = host.find('.', start);
    labels.push_back(host.substr(start, dot - start));
    if (dot == std::string_view::npos) return labels;
    start = dot + 1;
  }
}

// One trailing dot is allowed: "127.0.0.1." is "127.0.0.1".
std::vector<std::string_view> labels_without_trailing_dot(std::string_view host) {
  std::vector<std::string_view> labels = labels_of(host);
  if (labels.size() > 1 && labels.back().empty()) labels.pop_back();
  return labels;
}

bool starts_with_0x(std::string_view label) {
  return label.starts_with("0x") || label.starts_with("0X");
}

// "ends in a number": decimal digits, or "0x" and hex digits (maybe none).
// Such a host must be an IPv4 address, or it is no host at all.
bool looks_like_a_number(std::string_view label) {
  if (starts_with_0x(label)) {
    return std::all_of(label.begin() + 2, label.end(), text::is_hex_digit);
  }
  return !label.empty() && std::all_of(label.begin(), label.end(), text::is_digit);
}

// "0x1F" is hex, "017" octal, "17" decimal; "0x" alone is 0.
std::optional<std::uint64_t> parse_ipv4_number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int radix = 10;
  if (part.size() >= 2 && starts_with_0x(part)) {
    radix = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part.starts_with('0')) {
    radix = 8;
    part.remove_prefix(1);
  }
  if (part.empty()) return 0;
  std::uint64_t value = 0;
  const char* end = part.data() + part.size();
  const auto [stop, error] = std::from_chars(part.data(), end, value, radix);
  if (error != std::errc{} || stop != end) return std::nullopt;  // too big is invalid too
  return value;
}

// Up to four numbers; all but the last are one byte each, the last fills the
// bytes that are left: "127.1" is 127.0.0.1, "1.65535" is 1.0.255.255.
std::optional<std::string> parse_ipv4(const std::vector<std::string_view>& parts) {
  if (parts.size() > 4) return std::nullopt;
  std::uint64_t address = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::optional<std::uint64_t> number = parse_ipv4_number(parts[i]);
    if (!number) return std::nullopt;
    const bool last = i + 1 == parts.size();
    const std::size_t bytes = last ? 5 - parts.size() : 1;
    if (*number >= (std::uint64_t{1} << (8 * bytes))) return std::nullopt;
    address = (address << (8 * bytes)) | *number;
  }
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xFF) + "." +
         std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF);
}

}  // namespace

std::optional<std::string> canonical_host(std::string_view host) {
  if (host.starts_with('[') && host.ends_with(']')) return canonical_ipv6(host);
  if (host.empty() || host.find('\0') != std::string_view::npos) return std::nullopt;
  std::optional<std::string> name = text::to_lower(host);
  if (!is_ascii(host)) name = idna_to_ascii(std::string(host));
  if (!name || name->empty() || !std::all_of(name->begin(), name->end(), is_host_char))
    return std::nullopt;
  const std::vector<std::string_view> labels = labels_without_trailing_dot(*name);
  if (!looks_like_a_number(labels.back())) return name;
  return parse_ipv4(labels);
}

}  // namespace corolab::crawler::detail
