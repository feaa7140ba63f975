#pragma once
// The pages a site's sitemaps name (the Sitemap: lines of its robots.txt),
// fetched and parsed, for the crawler to discover.

#include <cstddef>
#include <string>
#include <vector>

#include "corolab/crawler/politeness.hpp"
#include "corolab/crawler/scope.hpp"
#include "corolab/http/client.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

struct SitemapUrls {
  std::vector<std::string> pages;  // normalized, in the order the sitemaps list them
  std::size_t requests = 0;        // sitemaps fetched
};

// Fetches `sitemaps` with `request`, and the sitemaps that sitemap indexes
// name, up to ten in all; a sitemap outside `scope` is not fetched, and one
// that cannot be fetched or parsed is skipped. Each request waits for its
// host's turn (`turns`), as a page's does.
Task<SitemapUrls> fetch_sitemap_urls(http::Client* client, http::RequestOptions request,
                                     std::vector<std::string> sitemaps, const CrawlScope* scope,
                                     Politeness* turns);

}  // namespace corolab::crawler
