#pragma once
// The demo site as files, for any web server to serve (bench/ has nginx
// serve it, so that a crawl measures the crawler and not our server).
//
//   write_site(options, "site/")  ->  site/index.html, site/robots.txt,
//       site/sitemap.xml, site/section-1/topic-2/page-3.html, ...,
//       site/tags/name=coroutines&page=1, and site/paths.txt
//
// A target with a query string ("/tags?name=coroutines&page=1") becomes the
// file "<path>/<query>"; a server maps it back (bench/nginx.conf.in does).
// Links inside the pages are absolute for `options.base_url`, so write the
// site for the address it will be served at. Only the pages a plain server
// can serve are written: the /faults/ section needs a live server, and
// options with faults are refused (std::invalid_argument).
//
// paths.txt lists the targets a polite crawler requests (robots.txt first),
// one per line: the URL list for a raw fetcher such as curl.

#include <cstddef>
#include <filesystem>

#include "corolab/demo_site/site_options.hpp"

namespace corolab::demo_site {

struct WrittenSite {
  std::size_t files = 0;
  std::size_t bytes = 0;
};

WrittenSite write_site(const SiteOptions& options, const std::filesystem::path& folder);

}  // namespace corolab::demo_site
