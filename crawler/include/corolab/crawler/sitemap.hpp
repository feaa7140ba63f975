#pragma once
// sitemap.xml (sitemaps.org): the pages a site wants crawled.
//
// Either a <urlset> of <url><loc>...</loc></url>, or a <sitemapindex> of
// <sitemap><loc>...</loc></sitemap> pointing at more sitemaps. Parsed with
// libxml2's streaming reader: no network access, and references to declared
// entities (<!ENTITY name ...>, &name;) are dropped, never expanded, so no
// file is ever read (XXE); &amp; and &#47; are decoded as usual.
// Element names are matched without their namespace; a <loc> is trimmed of
// whitespace, and skipped if empty. All or nothing: malformed XML, another
// root, or more than 50 MiB (the sitemaps.org limit) yields no URLs.

#include <string>
#include <string_view>
#include <vector>

namespace corolab::crawler {

struct Sitemap {
  std::vector<std::string> pages;     // <urlset> locations
  std::vector<std::string> sitemaps;  // <sitemapindex> locations
  bool valid = false;                 // false for malformed XML, another root element, > 50 MiB
};

Sitemap parse_sitemap(std::string_view xml);

}  // namespace corolab::crawler
