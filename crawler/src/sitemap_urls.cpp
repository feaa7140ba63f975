// The pages a site's sitemaps name: see sitemap_urls.hpp.
#include "corolab/crawler/sitemap_urls.hpp"

#include <optional>

#include "corolab/crawler/sitemap.hpp"
#include "corolab/crawler/url.hpp"

namespace corolab::crawler {
namespace {

// Enough for any real site; a bound on a site whose indexes point in circles.
constexpr std::size_t kMaxSitemaps = 10;

}  // namespace

Task<SitemapUrls> fetch_sitemap_urls(http::Client* client, http::RequestOptions request,
                                     std::vector<std::string> sitemaps, const CrawlScope* scope,
                                     Politeness* turns) {
  SitemapUrls found;
  for (std::size_t i = 0; i < sitemaps.size() && i < kMaxSitemaps; ++i) {
    const std::optional<std::string> url = normalize_url(sitemaps[i]);
    const std::optional<UrlParts> parts = url ? split_url(*url) : std::nullopt;
    if (!parts || !scope->contains(*url, *parts)) continue;
    const HostSlot slot = co_await turns->take_turn(*parts);
    ++found.requests;
    std::optional<http::ClientResponse> response;
    try {
      response = co_await client->get(*url, request);
    } catch (const http::HttpError&) {
      continue;
    }
    if (response->status != 200) continue;
    Sitemap sitemap = parse_sitemap(response->body);
    for (std::string& nested : sitemap.sitemaps) sitemaps.push_back(std::move(nested));
    for (const std::string& page : sitemap.pages) {
      if (std::optional<std::string> normalized = normalize_url(page))
        found.pages.push_back(std::move(*normalized));
    }
  }
  co_return found;
}

}  // namespace corolab::crawler
