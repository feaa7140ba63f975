// libFuzzer target for URL resolution and normalization.
//
// The input is "base\nhref" (or just a URL to normalize, without '\n').
// Whatever comes out must be an http(s) URL in normal form: normalizing it
// again changes nothing, and split_url takes it apart.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "corolab/crawler/public_suffix.hpp"
#include "corolab/crawler/url.hpp"

using namespace corolab::crawler;

namespace {

// abort() makes libFuzzer save the input that broke an invariant.
void require(bool condition) {
  if (!condition) std::abort();
}

void check_normal_form(const std::optional<std::string>& url) {
  if (!url) return;
  require(url->starts_with("http://") || url->starts_with("https://"));
  require(normalize_url(*url) == *url);  // idempotent
  require(resolve_url(*url, "") == *url);
  const std::optional<UrlParts> parts = split_url(*url);
  require(parts.has_value());
  require(!origin_of(*parts).empty());
  require(!registrable_domain(parts->host).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = bytes.find('\n');
  if (newline == std::string_view::npos) {
    check_normal_form(normalize_url(bytes));
    return 0;
  }
  const std::string_view base = bytes.substr(0, newline);
  const std::string_view href = bytes.substr(newline + 1);
  check_normal_form(normalize_url(base));
  check_normal_form(resolve_url(base, href));
  return 0;
}
