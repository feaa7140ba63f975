#pragma once
// Finding the links in an HTML page with libxml2's HTML push parser.
//
// The page is fed in pieces as they arrive from the network, so the crawler
// never needs the whole body in one string, and bad HTML is parsed the way
// browsers recover from it. However the page is cut into chunks, the same
// links come out. Only real links count: <a href> (not <area>, <link>,
// <img>) and the first <base href>; text in comments, <script>, <style>,
// <textarea> or <title> is not markup, so an <a> in there is no link.
// Entities in attributes are decoded (&amp; -> &); otherwise an href is
// kept as written, spaces and all: resolving it is the URL parser's job.
// Also read: which links say rel="nofollow", the page's robots directives
// (<meta name="robots">, robots_directives.hpp) and its <link rel="canonical">.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/crawler/robots_directives.hpp"

namespace corolab::crawler {

struct ExtractedLinks {
  std::optional<std::string> base_href;       // the first <base href>, if any
  std::vector<std::string> hrefs;             // as written (decoded), in document order
  std::vector<std::size_t> nofollow;          // the indexes in hrefs of <a rel="nofollow">s
  std::optional<std::string> canonical_href;  // the first <link rel="canonical" href>
  RobotsDirectives robots;                    // of the page's <meta name="robots">s

  // May hrefs[index] be followed: neither its rel nor the page says nofollow?
  bool may_follow(std::size_t index) const;
};

class LinkExtractor {
 public:
  // `charset` from the Content-Type header, if it had one ("utf-8",
  // "iso-8859-1"): it wins over <meta charset>. Without it (or with a name
  // libxml2 does not know) the page is read as UTF-8 unless a <meta charset>
  // says otherwise, and as Latin-1 from the first byte that is not UTF-8.
  // `product_token`: our name in <meta name="..."> besides "robots".
  explicit LinkExtractor(std::string_view charset = {}, std::string_view product_token = {});
  ~LinkExtractor();
  LinkExtractor(const LinkExtractor&) = delete;
  LinkExtractor& operator=(const LinkExtractor&) = delete;

  void feed(std::string_view chunk);
  // Ends the document and returns what was found. Never throws on bad HTML
  // (only std::bad_alloc). Call it once: later feed()s are ignored, and a
  // second finish() finds nothing.
  ExtractedLinks finish();

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

// Convenience for tests and small pages.
ExtractedLinks extract_links(std::string_view html, std::string_view charset = {},
                             std::string_view product_token = {});

}  // namespace corolab::crawler
