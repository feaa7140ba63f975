#include "corolab/demo_site/site_options.hpp"

#include <stdexcept>
#include <string>

namespace corolab::demo_site {

namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

}  // namespace

void validate(const SiteOptions& options) {
  const std::string& base = options.base_url;
  require(
      base.starts_with("http://") && base.size() > 7 && !base.ends_with("/"),
      "base_url must look like http://host:port, without a trailing slash (got '" + base + "')");
  require(options.pages >= 1 && options.pages <= kMaxPages,
          "pages must be between 1 and " + std::to_string(kMaxPages));
  require(options.links_per_page >= 1 && options.links_per_page <= kMaxLinksPerPage,
          "links per page must be between 1 and " + std::to_string(kMaxLinksPerPage));
  require(options.depth <= kMaxDepth, "depth must be at most " + std::to_string(kMaxDepth));
  require(options.latency >= Duration::zero(), "latency must not be negative");
  require(options.huge_body_size >= 1, "huge_body_size must be at least 1 byte");
  require(options.slow_chunk_size >= 1, "slow_chunk_size must be at least 1 byte");
  require(options.slow_chunk_delay >= Duration::zero(), "slow_chunk_delay must not be negative");
}

}  // namespace corolab::demo_site
