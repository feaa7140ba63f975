#pragma once
// Retry-After (RFC 9110 10.2.3): how long a server asks a client to wait
// before its next request, after a 429 or a 503. Either a number of seconds
// ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT").

#include <ctime>
#include <optional>
#include <string_view>

#include "corolab/clock.hpp"
#include "corolab/http/headers.hpp"

namespace corolab::http {

// The wait a Retry-After value asks for, counted from `now` for a date; a
// date in the past asks for none. std::nullopt for anything else (an empty
// value, "soon", a negative number). Huge values are clamped to a year: a
// caller caps the wait anyway, and nanoseconds must not overflow.
std::optional<Duration> parse_retry_after(std::string_view value,
                                          std::time_t now = std::time(nullptr));

// The Retry-After header of a response, if it has a valid one.
std::optional<Duration> retry_after(const Headers& headers);

}  // namespace corolab::http
