#pragma once
// The host of a URL in the one spelling a browser sends (the WHATWG URL
// Standard's "host parser", for http and https). Private to the crawler.

#include <optional>
#include <string>
#include <string_view>

namespace corolab::crawler::detail {

// `host` as libcurl gives it (escapes decoded, IPv6 in brackets) made
// canonical, or std::nullopt if the crawler refuses it:
//   * "[2001:DB8:0::1]" -> "2001:db8::1" (without brackets; no zone id);
//   * a name with non-ASCII letters goes through IDNA (UTS #46, libidn2):
//     "Bücher.example" -> "xn--bcher-kva.example"; refused if IDNA fails;
//   * ASCII names are lowercased; refused if a character is not a letter,
//     digit, '-', '.' or '_' (no DNS name has one);
//   * a name whose last label is a number is an IPv4 address in any form
//     browsers accept ("0x7f.1", "2130706433", "0177.0.0.1", "127.0.0.1.")
//     -> "127.0.0.1"; refused if it is no valid address ("1.2.3.256",
//     "1.2.3.4.5", "example.09").
std::optional<std::string> canonical_host(std::string_view host);

}  // namespace corolab::crawler::detail
