// libFuzzer target for parse_sitemap: any bytes.
//
// The sanitizers catch memory errors; the checks below catch answers that
// contradict themselves.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/crawler/sitemap.hpp"

using corolab::crawler::Sitemap;

namespace {

// abort() makes libFuzzer save the input that broke an invariant.
void require(bool condition) {
  if (!condition) std::abort();
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A location is never empty and never starts or ends with whitespace.
bool all_trimmed(const std::vector<std::string>& locations) {
  for (const std::string& location : locations) {
    if (location.empty() || is_space(location.front()) || is_space(location.back())) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const Sitemap sitemap = corolab::crawler::parse_sitemap(xml);
  if (!sitemap.valid) require(sitemap.pages.empty() && sitemap.sitemaps.empty());
  require(sitemap.pages.empty() || sitemap.sitemaps.empty());  // one root, one kind
  require(all_trimmed(sitemap.pages) && all_trimmed(sitemap.sitemaps));
  return 0;
}
