// Retry-After: seconds parsed here, HTTP-dates by libcurl's curl_getdate
// (it reads the three date formats RFC 9110 5.6.7 asks recipients to read).
#include "corolab/http/retry_after.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>

#include "corolab/text.hpp"

namespace corolab::http {
namespace {

constexpr std::chrono::seconds kLongestWait = std::chrono::hours(24 * 365);

Duration seconds(long long count) {
  return std::chrono::seconds(std::min<long long>(count, kLongestWait.count()));
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, std::time_t now) {
  value = text::trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), text::is_digit)) {
    long long count = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
    if (error == std::errc::result_out_of_range) return seconds(kLongestWait.count());
    return seconds(count);
  }
  const std::string date(value);  // curl reads a C string
  const std::time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return seconds(std::max<long long>(when - now, 0));
}

std::optional<Duration> retry_after(const Headers& headers) {
  const std::optional<std::string_view> value = headers.get("Retry-After");
  if (!value) return std::nullopt;
  return parse_retry_after(*value);
}

}  // namespace corolab::http
