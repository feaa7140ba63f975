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
  // https: for the site written to files that a TLS server serves (tests/tls_site.hpp).
  const bool http = base.starts_with("http://") && base.size() > 7;
  const bool https = base.starts_with("https://") && base.size() > 8;
  const std::string shape = "base_url must look like http://host:port or https://host:port";
  require((http || https) && !base.ends_with("/"),
          shape + ", without a trailing slash (got '" + base + "')");
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
