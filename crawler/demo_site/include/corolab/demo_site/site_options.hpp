#pragma once
// SiteOptions: everything that shapes the demo site. Same options, same site.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "corolab/clock.hpp"

namespace corolab::demo_site {

struct SiteOptions {
  // Where the site is served, the way its absolute links, robots.txt and
  // sitemap.xml spell it: "http://host:port", lower case, no trailing slash.
  // Known only once a listener is bound: SiteServer fills it in. (https:
  // for write_site, when a TLS server is to serve the files.)
  std::string base_url = "http://127.0.0.1:8080";

  std::uint64_t seed = 1;          // same seed, same site, with every compiler and library
  std::size_t pages = 300;         // content pages: page-0.html ... page-<N-1>.html
  std::size_t links_per_page = 8;  // links from each content page to other content pages
  std::size_t depth = 2;           // folder levels: 2 gives /section-3/topic-1/page-42.html

  Duration latency{0};  // added to every response, to make concurrency visible

  // Keep each request's target and arrival time (DemoSite::arrivals()): for
  // tests of politeness. Off by default: a site serving for hours would keep
  // a line per request.
  bool record_arrivals = false;

  // The /faults/ section (site_paths.hpp lists it); off by default.
  bool faults = false;
  std::size_t huge_body_size =
      20 * 1024 * 1024;  // /faults/huge.html: beyond any sane crawler's cap
  Duration slow_chunk_delay =
      std::chrono::milliseconds(100);  // /faults/slow.html: pause between pieces...
  std::size_t slow_chunk_size = 128;   // ...of this many bytes (~0.5 s)
};

// Limits that keep the generated site (all of it in memory) small and quick to build.
inline constexpr std::size_t kMaxPages = 1'000'000;
inline constexpr std::size_t kMaxLinksPerPage = 50;
inline constexpr std::size_t kMaxDepth = 5;

// Throws std::invalid_argument naming the first option that is out of range.
void validate(const SiteOptions& options);

}  // namespace corolab::demo_site
