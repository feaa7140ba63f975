// Where a fetched page leads: its links, followed or not, and what its
// record keeps of the page's own word (noindex, its canonical URL).
//
// A nofollow link (rel="nofollow", or any link of a page whose meta robots
// or X-Robots-Tag says nofollow) is in the link graph, but its URL is not
// queued. Another link may still lead there, so a URL ends as `nofollow`
// only if nothing else led to it by the end of the crawl: each URL still
// has exactly one outcome, and the summary's counts add up.
#include <optional>
#include <string>

#include "corolab/crawler/crawler.hpp"

namespace corolab::crawler {

void Crawler::follow_links(const QueuedUrl& item, const ExtractedLinks& links, PageRecord* record) {
  std::string base = item.url;
  if (links.base_href) base = resolve_url(item.url, *links.base_href).value_or(item.url);
  const UrlResolver resolver(base);
  record->noindex = links.robots.noindex;
  if (links.canonical_href)
    record->canonical = resolver.resolve(*links.canonical_href).value_or("");
  for (std::size_t i = 0; i < links.hrefs.size(); ++i) {
    std::optional<std::string> url = resolver.resolve(links.hrefs[i]);
    if (!url) continue;  // mailto:, javascript:, malformed: not something to crawl
    ++record->links_found;
    sink_.on_link(item.url, *url);
    if (options_.obey_nofollow && !links.may_follow(i)) {
      note_unfollowed(*url, item);
    } else {
      discover(*url, item, 0);
    }
  }
}

// Like discover(), but the URL waits for the end of the crawl (the frontier
// keeps it): a link to a URL already seen, or already noted, is a duplicate.
void Crawler::note_unfollowed(const std::string& url, const QueuedUrl& from) {
  PageRecord record;
  record.url = url;
  record.parent = from.url;
  record.depth = from.depth + 1;
  record.outcome = Outcome::nofollow;
  if (!frontier_.defer(std::move(record))) stats_.count_duplicate();
}

}  // namespace corolab::crawler
