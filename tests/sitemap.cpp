// parse_sitemap: the URLs of a sitemap.xml (a <urlset>) or the sitemaps of
// a sitemap index (a <sitemapindex>); nothing from malformed XML or another
// root; and no external entities, ever.
#include "corolab/crawler/sitemap.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

using corolab::crawler::parse_sitemap;
using corolab::crawler::Sitemap;
using Urls = std::vector<std::string>;

namespace {

// What a sitemap that parse_sitemap must refuse yields: nothing.
void check_refused(std::string_view xml) {
  const Sitemap sitemap = parse_sitemap(xml);
  CHECK_FALSE(sitemap.valid);
  CHECK(sitemap.pages.empty());
  CHECK(sitemap.sitemaps.empty());
}

}  // namespace

TEST_CASE("a urlset lists pages") {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/</loc><lastmod>2024-01-01</lastmod><priority>1.0</priority></url>
  <url><loc>https://example.com/a?x=1&amp;y=2</loc></url>
  <url><changefreq>daily</changefreq><loc>https://example.com/b</loc></url>
</urlset>)");
  CHECK(sitemap.valid);
  CHECK(sitemap.pages ==
        Urls{"https://example.com/", "https://example.com/a?x=1&y=2", "https://example.com/b"});
  CHECK(sitemap.sitemaps.empty());
}

TEST_CASE("a sitemapindex lists sitemaps") {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.com/sitemap1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>https://example.com/sitemap2.xml.gz</loc></sitemap>
</sitemapindex>)");
  CHECK(sitemap.valid);
  CHECK(sitemap.sitemaps ==
        Urls{"https://example.com/sitemap1.xml", "https://example.com/sitemap2.xml.gz"});
  CHECK(sitemap.pages.empty());
}

TEST_CASE("whitespace around a <loc> is trimmed, and an empty <loc> skipped") {
  const Sitemap sitemap = parse_sitemap(
      "<urlset><url><loc>\n\t  https://example.com/a \r\n</loc></url>"
      "<url><loc>   </loc></url><url><loc/></url>"
      "<url><loc> <![CDATA[https://example.com/b?x=<1>]]> </loc></url></urlset>");
  CHECK(sitemap.valid);
  CHECK(sitemap.pages == Urls{"https://example.com/a", "https://example.com/b?x=<1>"});
}

TEST_CASE("with or without a namespace, with any prefix") {
  const char* const kSitemaps[] = {
      "<urlset><url><loc>https://example.com/</loc></url></urlset>",
      R"(<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">)"
      R"(<url><loc>https://example.com/</loc></url></urlset>)",
      R"(<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">)"
      R"(<sm:url><sm:loc>https://example.com/</sm:loc></sm:url></sm:urlset>)",
      R"(<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">)"
      R"(<url><loc>https://example.com/</loc></url></urlset>)",
  };
  for (const char* xml : kSitemaps) {
    INFO(xml);
    const Sitemap sitemap = parse_sitemap(xml);
    CHECK(sitemap.valid);
    CHECK(sitemap.pages == Urls{"https://example.com/"});
  }
}

TEST_CASE("only <loc> right inside an entry of the right kind counts") {
  const Sitemap sitemap = parse_sitemap(
      "<urlset><loc>https://example.com/root-loc</loc>"
      "<url><image:image xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">"
      "<image:loc>https://example.com/i.png</image:loc></image:image><loc>https://example.com/"
      "page</loc></url>"
      "<sitemap><loc>https://example.com/wrong-kind.xml</loc></sitemap></urlset>");
  CHECK(sitemap.valid);
  CHECK(sitemap.pages == Urls{"https://example.com/page"});
  CHECK(sitemap.sitemaps.empty());
}

TEST_CASE("malformed XML is refused") {
  check_refused("");
  check_refused("not xml at all");
  check_refused("<urlset><url><loc>https://example.com/</loc></url>");               // never closed
  check_refused("<urlset><url><loc>https://example.com/</url></loc></urlset>");      // crossed tags
  check_refused("<urlset><url><loc>https://example.com/?a&b</loc></url></urlset>");  // a bare &
  check_refused("<urlset></urlset><urlset></urlset>");                               // two roots
  check_refused(std::string_view("<urlset>\0</urlset>", 18));
}

TEST_CASE("another root element is refused") {
  check_refused("<html><body><a href=\"/x\">x</a></body></html>");
  check_refused("<rss><channel><item><link>https://example.com/</link></item></channel></rss>");
  check_refused("<url><loc>https://example.com/</loc></url>");
}

TEST_CASE("an external entity (XXE) is never read") {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<urlset><url><loc>https://example.com/&xxe;</loc></url></urlset>)");
  CHECK(sitemap.valid);
  REQUIRE(sitemap.pages.size() == 1);
  CHECK(sitemap.pages[0] == "https://example.com/");  // the reference is dropped, not replaced
  CHECK(sitemap.pages[0].find("root:") == std::string::npos);
}

TEST_CASE("neither is an external DTD, nor a parameter entity") {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset SYSTEM "file:///etc/passwd" [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;
]>
<urlset><url><loc>https://example.com/</loc></url></urlset>)");
  CHECK(sitemap.valid);
  CHECK(sitemap.pages == Urls{"https://example.com/"});
}

TEST_CASE("an internal entity is not expanded either") {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [ <!ENTITY page "page.html"> ]>
<urlset><url><loc>https://example.com/&page;</loc></url></urlset>)");
  CHECK(sitemap.valid);
  CHECK(sitemap.pages == Urls{"https://example.com/"});
}

TEST_CASE("nested entities (billion laughs) do not blow up") {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [\n<!ENTITY lol \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string below = level == 1 ? "&lol;" : "&lol" + std::to_string(level - 1) + ";";
    xml += "<!ENTITY lol" + std::to_string(level) + " \"";
    for (int copy = 0; copy < 10; ++copy) xml += below;
    xml += "\">\n";
  }
  xml += "]>\n<urlset><url><loc>https://example.com/&lol9;</loc></url></urlset>";
  const Sitemap sitemap = parse_sitemap(xml);  // returns quickly, valid or not
  for (const std::string& page : sitemap.pages) CHECK(page.size() < 100);
}

TEST_CASE("at most 50 MiB") {
  const std::string entry =
      "<url><loc>https://example.com/a-page-with-a-long-enough-name</loc></url>\n";
  std::string xml = "<urlset>\n";
  std::size_t entries = 0;
  for (; xml.size() + entry.size() + 10 <= 50 * 1024 * 1024; ++entries) xml += entry;
  xml += "</urlset>";
  REQUIRE(xml.size() <= 50 * 1024 * 1024);
  const Sitemap largest = parse_sitemap(xml);
  CHECK(largest.valid);
  CHECK(largest.pages.size() == entries);

  xml.insert(xml.size() - 9,
             std::string(50 * 1024 * 1024 - xml.size() + 1, ' '));  // one byte too many
  REQUIRE(xml.size() == 50 * 1024 * 1024 + 1);
  check_refused(xml);
}
