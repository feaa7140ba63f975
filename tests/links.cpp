// LinkExtractor: the <a href>s and the <base href> of a page, from
// libxml2's HTML push parser. A table of pages, each read whole, byte by
// byte and in random chunks (the network decides where chunks end, so all
// three must agree); then charsets, broken and huge pages, nofollow links,
// a page's robots directives and canonical URL, and the Content-Type helpers.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/crawler/content_type.hpp"
#include "corolab/crawler/link_extractor.hpp"
#include "corolab/crawler/robots_directives.hpp"

using corolab::crawler::charset_of;
using corolab::crawler::extract_links;
using corolab::crawler::ExtractedLinks;
using corolab::crawler::is_html_content_type;
using corolab::crawler::LinkExtractor;
using namespace std::string_view_literals;
using Hrefs = std::vector<std::string>;

namespace {

// A page, and the links it must yield.
struct Page {
  std::string_view what;
  std::string_view html;
  Hrefs hrefs;
  std::optional<std::string> base_href = std::nullopt;
};

// "\0"sv keeps NUL bytes in the literals.
const Page kPages[] = {
    {"two links, double and single quotes",
     R"(<p><a href="/x">x</a> <a href='y.html'>y</a>)",
     {"/x", "y.html"}},
    {"relative and absolute hrefs, kept as written",
     R"(<a href="https://example.com/a"><a href="//cdn.example.com/b">)"
     R"(<a href="../up"><a href="?q=1">)"
     R"(<a href="#top"><a href="mailto:me@example.com">)",
     {"https://example.com/a", "//cdn.example.com/b", "../up", "?q=1", "#top",
      "mailto:me@example.com"}},
    {"entities decoded",
     R"(<a href="/a?b=1&amp;c=2&#x2F;d&quot;&#39;&eacute;">)",
     {"/a?b=1&c=2/d\"'\xc3\xa9"}},
    {"an unterminated entity is kept as text",
     R"(<a href="/a?x=1&copy=2&amp">)",
     {"/a?x=1&copy=2&amp"}},
    {"upper-case tags and attributes", R"(<A HREF="/X">x</A><BASE HREF="/B/">)", {"/X"}, "/B/"},
    {"unquoted attributes", "<a href=/p/q?x=1>a</a><a href=z>", {"/p/q?x=1", "z"}},
    {"spaces and newlines inside the value kept", "<a href=\" /padded\n \">", {" /padded\n "}},
    {"the first <base href> wins; a <base> without href does not count",
     R"(<base target="_blank"><base href="/first/"><base href="/second/"><a href="x">)",
     {"x"},
     "/first/"},
    {"<a> without href is no link", R"(<a name="top">top</a><a id="x">)", {}},
    {"<a href> without a value is an empty href, as in HTML",
     R"(<a href>x</a><a href="">y</a>)",
     {"", ""}},
    {"a repeated href: the first counts", "<a href=/first href=/second>", {"/first"}},
    {"only <a>: not <area>, <link>, <img>, <script src>",
     R"(<link href="/style.css"><img src="/i.png"><map><area href="/area"></map>)"
     R"(<script src="/s.js"></script>)",
     {}},
    {"links in a comment are not links", "<!-- <a href=/commented> --><a href=/real>", {"/real"}},
    {"an unclosed comment hides the rest", "<a href=/x><!-- <a href=/y>", {"/x"}},
    {"<!--> is an empty comment", "<!--><a href=/x>", {"/x"}},
    {"links in a script are not links",
     "<script>document.write('<a href=\"/s\">s</a>'); if (a<b) x = '</a>';</script><a href=/real>",
     {"/real"}},
    {"</SCRIPT> in any case ends a script",
     "<script>x='<a href=/s>'</SCRIPT><a href=/real>",
     {"/real"}},
    {"links in a style are not links",
     "<style>/* <a href=/s> */ a</b {}</style><a href=/real>",
     {"/real"}},
    {"an unclosed script hides the rest", "<a href=/x><script>var a; <a href=/y>", {"/x"}},
    // libxml2 2.9 reports the <a> inside these as elements: LinkExtractor
    // ignores them, as browsers do.
    {"links in a textarea are text",
     "<textarea><a href=/t>t</a></textarea><a href=/real>",
     {"/real"}},
    {"links in a title are text", "<title><a href=/t></title><a href=/real>", {"/real"}},
    {"links in an iframe are text", "<iframe><a href=/i></iframe><a href=/real>", {"/real"}},
    {"links in a noscript count (we run no scripts)",
     "<noscript><a href=/n></a></noscript>",
     {"/n"}},
    {"unclosed tags", "<div><p><b><a href=/x>x<p><a href=/y>y", {"/x", "/y"}},
    {"a tag never finished: the page ends inside it", R"(<a href="/x">x</a><a href="/y)", {"/x"}},
    {"a script, then a tag never finished", R"(<script>e}</script><a href="/x)", {}},
    {"garbage bytes around links",
     "\x01\x02\xff\xfe<a href=/x>\x80\x81<<>><a href=/y>\x7f",
     {"/x", "/y"}},
    {"a stray NUL", "<a href=/x>a\0b</a><a href=/y>"sv, {"/x", "/y"}},
    {"a NUL inside a value ends it", "<a href=\"/a\0b\">x</a><a href=/y>"sv, {"/a", "/y"}},
    {"a stray end tag first", "</div><a href=/x>", {"/x"}},
    {"links after </html> count, as in browsers",
     "<html><body><a href=/x></body></html><a href=/y>",
     {"/x", "/y"}},
    {"</b<a href=/x> is one (end) tag, no link", "<p></b<a href=/x>y</p><a href=/z>", {"/z"}},
    {"</ a> is a comment, not a tag", "<p></ a><a href=/x>", {"/x"}},
    {"a doctype and a UTF-8 byte order mark", "\xef\xbb\xbf<!DOCTYPE html><a href=/x>", {"/x"}},
    {"XHTML",
     R"(<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">)"
     R"(<body><a href="/x"/></body></html>)",
     {"/x"}},
};

// The links `html` yields when fed in chunks of the given sizes (the last
// size repeats until the page is all in).
ExtractedLinks links_in_chunks(std::string_view html, const std::vector<std::size_t>& sizes,
                               std::string_view charset = {}) {
  LinkExtractor extractor(charset);
  std::size_t next = 0;
  while (!html.empty()) {
    const std::size_t size = std::min(html.size(), sizes[std::min(next++, sizes.size() - 1)]);
    extractor.feed(html.substr(0, size));
    html.remove_prefix(size);
  }
  return extractor.finish();
}

std::vector<std::size_t> random_sizes(std::size_t count, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> size(1, 17);
  std::vector<std::size_t> sizes(count);
  std::ranges::generate(sizes, [&] { return size(random); });
  return sizes;
}

// Whole, byte by byte, and in random chunks: the same links.
void check_page(const Page& page) {
  INFO(page.what);
  const ExtractedLinks whole = extract_links(page.html);
  CHECK(whole.hrefs == page.hrefs);
  CHECK(whole.base_href == page.base_href);

  const ExtractedLinks bytes = links_in_chunks(page.html, {1});
  CHECK(bytes.hrefs == whole.hrefs);
  CHECK(bytes.base_href == whole.base_href);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const ExtractedLinks chunks = links_in_chunks(page.html, random_sizes(page.html.size(), seed));
    CHECK(chunks.hrefs == whole.hrefs);
    CHECK(chunks.base_href == whole.base_href);
  }
}

}  // namespace

TEST_CASE("each page of the table, whole, byte by byte and in random chunks") {
  for (const Page& page : kPages) check_page(page);
}

TEST_CASE("a chunk may end anywhere in </script> (libxml2 2.9 alone would miss the end tag)") {
  const std::string_view html = "<script>var s = '</a>';</script><a href=/after>";
  for (std::size_t cut = 1; cut < html.size(); ++cut) {
    INFO("cut after " << cut << " bytes");
    LinkExtractor extractor;
    extractor.feed(html.substr(0, cut));
    extractor.feed(html.substr(cut));
    CHECK(extractor.finish().hrefs == Hrefs{"/after"});
  }
}

TEST_CASE("a realistic page, in any chunks") {
  const std::string_view html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Shop &amp; more</title>
<base href="https://shop.example/">
<link rel="stylesheet" href="/s.css">
<script>window.dataLayer = []; if (a < b && c) { document.write("<a href='/fake'></a>"); }</script>
<style>a > b { color: red } /* </b> */</style>
</head><body>
<!-- navigation -->
<nav><ul><li><A HREF="/">Home</A><li><a href="/products?page=1&amp;sort=asc">Products</a></ul></nav>
<main><p>Caf&eacute; <a href='caf%C3%A9'>menu</a> <img src=/i.png alt="<a href=/no>">
<textarea><a href="/in-textarea"></a></textarea>
<a href=https://other.example/x#frag>elsewhere</a></main>
</body></html>
)";
  const Hrefs expected = {"/", "/products?page=1&sort=asc", "caf%C3%A9",
                          "https://other.example/x#frag"};
  check_page({"a realistic page", html, expected, "https://shop.example/"});

  for (std::size_t cut = 1; cut < html.size(); ++cut) {  // in two chunks, cut anywhere
    INFO("cut after " << cut << " bytes");
    const ExtractedLinks found = links_in_chunks(html, {cut, html.size()});
    CHECK(found.hrefs == expected);
    CHECK(found.base_href == "https://shop.example/");
  }
}

TEST_CASE("charsets: named by the server, by <meta>, or none, and links always in UTF-8") {
  SECTION("ISO-8859-1 named by the server comes out as UTF-8") {
    CHECK(extract_links("<a href=\"/caf\xe9\">", "iso-8859-1").hrefs == Hrefs{"/caf\xc3\xa9"});
    CHECK(links_in_chunks("<a href=\"/caf\xe9\">", {1}, "iso-8859-1").hrefs ==
          Hrefs{"/caf\xc3\xa9"});
  }
  SECTION("ISO-8859-1 named by <meta charset>, or by <meta http-equiv>") {
    const std::string_view meta = "<meta charset=\"ISO-8859-1\"><a href=\"/caf\xe9\">";
    const std::string_view http_equiv =
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><a "
        "href=\"/caf\xe9\">";
    CHECK(extract_links(meta).hrefs == Hrefs{"/caf\xc3\xa9"});
    CHECK(links_in_chunks(meta, {1}).hrefs == Hrefs{"/caf\xc3\xa9"});
    CHECK(extract_links(http_equiv).hrefs == Hrefs{"/caf\xc3\xa9"});
  }
  SECTION("the server's charset wins over <meta charset>") {
    CHECK(extract_links("<meta charset=utf-8><a href=\"/caf\xe9\">", "iso-8859-1").hrefs ==
          Hrefs{"/caf\xc3\xa9"});
    CHECK(extract_links("<meta charset=iso-8859-1><a href=\"/caf\xc3\xa9\">", "utf-8").hrefs ==
          Hrefs{"/caf\xc3\xa9"});
  }
  SECTION("no charset: UTF-8, or Latin-1 once a byte is not UTF-8") {
    CHECK(extract_links("<a href=\"/caf\xc3\xa9\">").hrefs == Hrefs{"/caf\xc3\xa9"});
    // libxml2 2.9 alone garbles this one ("/caf\xC3\x83"): the first bad byte is in an attribute.
    CHECK(extract_links("<a href=\"/caf\xe9\">").hrefs == Hrefs{"/caf\xc3\xa9"});
    CHECK(extract_links("<p>\xe9</p><a href=\"/caf\xe9\">").hrefs == Hrefs{"/caf\xc3\xa9"});
  }
  SECTION("a charset libxml2 does not know is ignored") {
    CHECK(extract_links("<a href=\"/caf\xc3\xa9\">", "x-no-such-charset").hrefs ==
          Hrefs{"/caf\xc3\xa9"});
  }
  SECTION("other charsets, through iconv") {
    CHECK(extract_links("<a href=\"/\xcf\">", "windows-1251").hrefs == Hrefs{"/\xd0\x9f"});  // П
    CHECK(extract_links("<a href=\"/\x82\xa0\">", "shift_jis").hrefs ==
          Hrefs{"/\xe3\x81\x82"});  // あ
  }
  SECTION("invalid UTF-8 in a page said to be UTF-8 is read as Latin-1") {
    CHECK(extract_links("<a href=\"/caf\xe9\">x</a><a href=/y>", "utf-8").hrefs ==
          Hrefs{"/caf\xc3\xa9", "/y"});
  }
}

TEST_CASE("never throws, whatever the bytes") {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int page = 0; page < 50; ++page) {
    std::string garbage(4096, '\0');
    std::ranges::generate(garbage, [&] { return static_cast<char>(byte(random)); });
    const ExtractedLinks whole = extract_links(garbage);
    const ExtractedLinks chunks = links_in_chunks(garbage, random_sizes(garbage.size(), page));
    CHECK(chunks.hrefs == whole.hrefs);
    CHECK(chunks.base_href == whole.base_href);
  }
}

TEST_CASE("deep nesting and huge attributes") {
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "<div><span>";
  deep += "<a href=/deep>";
  CHECK(extract_links(deep).hrefs == Hrefs{"/deep"});

  const std::string long_href = "/" + std::string(4 * 1024 * 1024, 'h');
  const std::string huge =
      "<a title=\"" + std::string(1024 * 1024, 't') + "\" href=\"" + long_href + "\">";
  const ExtractedLinks found = extract_links(huge);
  REQUIRE(found.hrefs.size() == 1);
  CHECK(found.hrefs[0] == long_href);
}

TEST_CASE("a 5 MiB page, whole and in 16 KiB chunks") {
  std::string html = "<html><head><title>big</title></head><body>\n";
  Hrefs expected;
  while (html.size() < 5 * 1024 * 1024) {
    expected.push_back("/page/" + std::to_string(expected.size()) + "?a=1&b=2");
    html += "<p>Some <b>text</b> <a href=\"/page/" + std::to_string(expected.size() - 1) +
            "?a=1&amp;b=2\">link</a> <!-- <a href=/no> --></p>\n";
    if (expected.size() % 100 == 0)
      html += "<script>if (a < b) { s = '</p><a href=/no>'; }</script>\n";
  }
  html += "</body></html>\n";
  CHECK(extract_links(html).hrefs == expected);
  CHECK(links_in_chunks(html, {16 * 1024}).hrefs == expected);
}

TEST_CASE("finish() ends the document") {
  LinkExtractor extractor;
  extractor.feed("<a href=/x>");
  CHECK(extractor.finish().hrefs == Hrefs{"/x"});
  extractor.feed("<a href=/y>");  // ignored
  const ExtractedLinks again = extractor.finish();
  CHECK(again.hrefs.empty());
  CHECK_FALSE(again.base_href);
}

// --- what else a page says: nofollow links, its robots directives, its canonical URL ---

TEST_CASE("rel=\"nofollow\" marks a link, in a space-separated list and in any case") {
  const ExtractedLinks links = extract_links(
      R"(<a href="/a">a</a> <a href="/b" rel="nofollow">b</a>)"
      R"(<a href="/c" rel="external NoFollow">c</a> <a href="/d" rel="nofollowers">d</a>)"
      R"(<a rel="nofollow">no href</a> <a href="/e" rel=" ugc	nofollow ">e</a>)");
  CHECK(links.hrefs == Hrefs{"/a", "/b", "/c", "/d", "/e"});
  CHECK(links.nofollow == std::vector<std::size_t>{1, 2, 4});
  CHECK(links.may_follow(0));
  CHECK_FALSE(links.may_follow(1));
  CHECK(links.may_follow(3));  // "nofollowers" is another token
  CHECK_FALSE(links.robots.nofollow);
}

TEST_CASE("<meta name=robots>: noindex, nofollow, none, for robots or for our token") {
  const auto page = [](std::string_view meta) {
    return extract_links(std::string(meta) + "<a href=/x>x</a>", {}, "corolab");
  };
  const ExtractedLinks nofollow = page(R"(<meta name="robots" content="nofollow">)");
  CHECK(nofollow.robots.nofollow);
  CHECK_FALSE(nofollow.robots.noindex);
  CHECK_FALSE(nofollow.may_follow(0));  // the page's nofollow covers every link

  const ExtractedLinks listed = page(R"(<META NAME="Robots" CONTENT=" NoIndex , max-snippet:20">)");
  CHECK(listed.robots.noindex);
  CHECK_FALSE(listed.robots.nofollow);
  CHECK(listed.may_follow(0));

  const ExtractedLinks none = page(R"(<meta name="corolab" content="none">)");
  CHECK(none.robots.noindex);
  CHECK(none.robots.nofollow);

  const ExtractedLinks other = page(R"(<meta name="otherbot" content="none">)");
  CHECK_FALSE(other.robots.noindex);
  CHECK_FALSE(other.robots.nofollow);

  const ExtractedLinks two =
      page(R"(<meta name="robots" content="noindex"><meta name="corolab" content="nofollow">)");
  CHECK(two.robots.noindex);
  CHECK(two.robots.nofollow);

  const ExtractedLinks description = page(R"(<meta name="description" content="nofollow">)");
  CHECK_FALSE(description.robots.nofollow);
}

TEST_CASE("<link rel=canonical>: the first one, as written, in any chunks") {
  const std::string_view html =
      R"(<head><link rel="stylesheet" href="/s.css"><link rel="Canonical" href="/the-page">)"
      R"(<link rel="canonical" href="/second"></head><a href=/x>)";
  CHECK(extract_links(html).canonical_href == std::optional<std::string>("/the-page"));
  CHECK(links_in_chunks(html, {1}).canonical_href == std::optional<std::string>("/the-page"));
  CHECK_FALSE(extract_links("<link rel=stylesheet href=/s.css>").canonical_href);
}

TEST_CASE("X-Robots-Tag: for every crawler, or for the one it names") {
  using corolab::crawler::x_robots_tag_directives;
  CHECK(x_robots_tag_directives("noindex", "corolab").noindex);
  CHECK(x_robots_tag_directives("NOFOLLOW", "corolab").nofollow);
  const auto none = x_robots_tag_directives("none", "corolab");
  CHECK((none.noindex && none.nofollow));
  CHECK(x_robots_tag_directives("corolab: nofollow", "corolab").nofollow);
  CHECK(x_robots_tag_directives("CoroLab: noindex, nofollow", "corolab").nofollow);
  CHECK_FALSE(x_robots_tag_directives("otherbot: noindex, nofollow", "corolab").noindex);
  const auto after_other =
      x_robots_tag_directives("otherbot: noindex, corolab: nofollow", "corolab");
  CHECK(after_other.nofollow);
  CHECK_FALSE(after_other.noindex);
  // A directive's own colon names no crawler.
  const auto dated =
      x_robots_tag_directives("unavailable_after: 25 Jun 2030 15:00:00 PST, noindex", "corolab");
  CHECK(dated.noindex);
  CHECK_FALSE(x_robots_tag_directives("noarchive, max-snippet: 5", "corolab").noindex);
}

TEST_CASE("is_html_content_type") {
  CHECK(is_html_content_type("text/html"));
  CHECK(is_html_content_type("text/html; charset=utf-8"));
  CHECK(is_html_content_type("TEXT/HTML;charset=UTF-8"));
  CHECK(is_html_content_type("  text/html  ; q=1"));
  CHECK(is_html_content_type("application/xhtml+xml"));
  CHECK_FALSE(is_html_content_type(""));
  CHECK_FALSE(is_html_content_type("text/plain"));
  CHECK_FALSE(is_html_content_type("text/htmlx"));
  CHECK_FALSE(is_html_content_type("application/xml"));
  CHECK_FALSE(is_html_content_type("text/html-sandboxed"));
}

TEST_CASE("charset_of") {
  CHECK(charset_of("text/html; charset=utf-8") == "utf-8");
  CHECK(charset_of("text/html;charset=ISO-8859-1") == "iso-8859-1");
  CHECK(charset_of("text/html; CHARSET=\"Windows-1252\"") == "windows-1252");
  CHECK(charset_of("text/html; format=flowed; charset=utf-8; x=y") == "utf-8");
  CHECK(charset_of("text/html ; charset = utf-8 ") == "utf-8");
  CHECK(charset_of("text/html; charset=\"utf-8") == "utf-8");  // no closing quote
  CHECK(charset_of("text/html") == "");
  CHECK(charset_of("text/html; charset=") == "");
  CHECK(charset_of("text/html; mycharset=utf-8") == "");
  CHECK(charset_of("") == "");
}
