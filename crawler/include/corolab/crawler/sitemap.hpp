#pragma once
// sitemap.xml (sitemaps.org): the pages a site wants crawled.
//
// Either a <urlset> of <url><loc>...</loc></url>, or a <sitemapindex> of
// <sitemap><loc>...</loc></sitemap> pointing at more sitemaps. Parsed with
// libxml2 (no network access, no external entities).

#include <string>
#include <string_view>
#include <vector>

namespace corolab::crawler {

struct Sitemap {
  std::vector<std::string> pages;     // <urlset> locations
  std::vector<std::string> sitemaps;  // <sitemapindex> locations
  bool valid = false;                 // false for malformed XML or another root element
};

Sitemap parse_sitemap(std::string_view xml);

}  // namespace corolab::crawler
