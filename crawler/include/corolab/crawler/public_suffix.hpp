#pragma once
// Which hosts belong to one site: the Public Suffix List (libpsl).

#include <string>
#include <string_view>

namespace corolab::crawler {

// The registrable domain ("eTLD+1") of a host per the Public Suffix List:
// "a.b.example.co.uk" -> "example.co.uk". IP addresses and hosts that are
// public suffixes themselves ("localhost", "co.uk") return themselves. The
// result is lowercase.
std::string registrable_domain(std::string_view host);

}  // namespace corolab::crawler
