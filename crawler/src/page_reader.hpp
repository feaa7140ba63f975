#pragma once
// Collects what the crawler needs from a response as it streams in: whether
// it is a page, and its links, parsed chunk by chunk; and the client options
// its requests are made with. Private to the crawler.

#include <algorithm>
#include <optional>
#include <string>

#include "corolab/crawler/content_type.hpp"
#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/link_extractor.hpp"
#include "corolab/crawler/robots.hpp"
#include "corolab/crawler/robots_directives.hpp"
#include "corolab/text.hpp"

namespace corolab::crawler::detail {

// The client every request of the crawl goes through (pages, robots.txt,
// sitemaps): as many connections as requests in flight, and the CAs to trust.
inline http::ClientOptions client_options(const CrawlOptions& crawl) {
  return {.max_total_connections = crawl.concurrency,
          .max_host_connections = crawl.per_host,
          .ca_file = crawl.ca_file};
}

struct PageReader {
  explicit PageReader(const CrawlOptions& crawl)
      : crawl(crawl), product_token(crawler::product_token(crawl.user_agent)) {}

  const CrawlOptions& crawl;
  const std::string product_token;         // our name in <meta name> and X-Robots-Tag
  std::optional<LinkExtractor> extractor;  // set when the head says: a page
  std::string content_type;
  RobotsDirectives header_robots;  // from the X-Robots-Tag headers
  std::size_t attempts = 0;

  // The page's links, with the directives of its head and its body.
  ExtractedLinks finish() {
    ExtractedLinks links = extractor->finish();
    links.robots |= header_robots;
    return links;
  }

  // The options of the next request for the page; a retry starts afresh.
  http::RequestOptions next_attempt() {
    ++attempts;
    extractor.reset();
    content_type.clear();
    header_robots = {};
    http::RequestOptions options;
    options.user_agent = crawl.user_agent;
    options.max_body_size = crawl.max_body_size;
    options.total_timeout = crawl.timeout;
    options.connect_timeout = std::min(crawl.timeout, Duration{std::chrono::seconds(10)});
    // Decide from the head whether the body is worth having.
    options.accept_body = [this](int status, const http::Headers& headers) {
      content_type = std::string(headers.get("Content-Type").value_or(""));
      if (status < 200 || status >= 300 || !is_html_content_type(content_type)) return false;
      for (const http::Headers::Field& field : headers) {
        if (text::iequals(field.name, "X-Robots-Tag"))
          header_robots |= x_robots_tag_directives(field.value, product_token);
      }
      extractor.emplace(charset_of(content_type), product_token);
      return true;
    };
    options.on_body_chunk = [this](std::string_view chunk) { extractor->feed(chunk); };
    return options;
  }
};

}  // namespace corolab::crawler::detail
