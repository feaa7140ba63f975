// URLs: normalization, relative resolution (RFC 3986 5.4), what the crawler
// refuses, splitting, and registrable domains.
#include "corolab/crawler/url.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "corolab/crawler/public_suffix.hpp"

using corolab::crawler::normalize_percent_escapes;
using corolab::crawler::normalize_url;
using corolab::crawler::origin_of;
using corolab::crawler::registrable_domain;
using corolab::crawler::resolve_url;
using corolab::crawler::split_url;
using corolab::crawler::UrlParts;
using corolab::crawler::UrlResolver;
using namespace std::string_view_literals;

namespace {

struct Example {
  std::string_view input;
  std::string_view expected;
};

// std::nullopt reads "(none)", so that a failed check prints something useful.
std::string or_none(const std::optional<std::string>& url) { return url.value_or("(none)"); }

// An unrelated base: absolute hrefs must not depend on it.
constexpr std::string_view kOtherBase = "https://elsewhere.example/dir/page.html?x=1";

// RFC 3986 section 5.4: every example there resolves against this base.
constexpr std::string_view kRfcBase = "http://a/b/c/d;p?q";

}  // namespace

TEST_CASE("normalization: one spelling per URL, by resolve_url and normalize_url alike") {
  const Example examples[] = {
      // the header's example: every rule at once
      {"HTTP://Example.COM:80/a/./b/../c#top", "http://example.com/a/c"},
      // scheme and host are lowercased; the path keeps its case
      {"HTTPS://WWW.Example.ORG/Path/File.HTML", "https://www.example.org/Path/File.HTML"},
      {"hTTp://example.com/", "http://example.com/"},
      // default ports go, others stay
      {"http://example.com:80/x", "http://example.com/x"},
      {"https://example.com:443/x", "https://example.com/x"},
      {"http://example.com:443/x", "http://example.com:443/x"},
      {"https://example.com:80/x", "https://example.com:80/x"},
      {"http://example.com:8080/x", "http://example.com:8080/x"},
      {"http://example.com:0080/x", "http://example.com/x"},
      {"http://example.com:/x", "http://example.com/x"},
      // an empty path is "/"
      {"http://example.com", "http://example.com/"},
      {"http://example.com?q=1", "http://example.com/?q=1"},
      // dot segments
      {"http://example.com/a/b/../../c", "http://example.com/c"},
      {"http://example.com/a/./b/.", "http://example.com/a/b/"},
      {"http://example.com/../../a", "http://example.com/a"},
      {"http://example.com/a/b/..", "http://example.com/a/"},
      // ...also when spelled as escapes: decoded first, then removed
      {"http://example.com/a/%2e%2E/b", "http://example.com/b"},
      {"http://example.com/a/%2E/b", "http://example.com/a/b"},
      // percent-escapes: unreserved ones decoded, the others uppercased
      {"http://example.com/%7euser/%41%62%2d%2E%5F", "http://example.com/~user/Ab-._"},
      {"http://example.com/a%2fb%3a", "http://example.com/a%2Fb%3A"},
      {"http://example.com/?q=%7e%2f%3d%26", "http://example.com/?q=~%2F%3D%26"},
      {"http://example.com/%e3%83%84", "http://example.com/%E3%83%84"},
      // what may not appear raw is escaped: space, non-ASCII, '"', '<', a lone '%'
      {"http://example.com/a b?c d", "http://example.com/a%20b?c%20d"},
      {"http://example.com/caf\xC3\xA9?q=\xC3\xA9", "http://example.com/caf%C3%A9?q=%C3%A9"},
      {"http://example.com/\"<x>\"", "http://example.com/%22%3Cx%3E%22"},
      {"http://example.com/100%/%zz", "http://example.com/100%25/%25zz"},
      {"http://example.com/a\\b", "http://example.com/a/b"},  // '\' is '/' (more below)
      // reserved characters keep their meaning
      {"http://example.com/a;b=c/d:e@f!$&'()*+,?x=/?:@",
       "http://example.com/a;b=c/d:e@f!$&'()*+,?x=/?:@"},
      // the fragment goes, and an empty query
      {"http://example.com/a#frag", "http://example.com/a"},
      {"http://example.com/a?#frag", "http://example.com/a"},
      {"http://example.com/a?", "http://example.com/a"},
      {"http://example.com/a?b#c?d", "http://example.com/a?b"},
      // surrounding whitespace; tabs and newlines anywhere
      {"  http://example.com/a \n", "http://example.com/a"},
      {"http://exam\tple.com/a\n/b\r\n", "http://example.com/a/b"},
      // hosts: escapes decoded, IPv4 and IPv6 in their canonical forms
      {"http://ex%41mple.com/", "http://example.com/"},
      {"http://127.1/", "http://127.0.0.1/"},
      {"http://%31%32%37.1/",
       "http://127.0.0.1/"},  // curl 7.88 alone stops at "127.1" (found by fuzzing)
      {"http://%35/", "http://0.0.0.5/"},
      {"http://[::FFFF:1.2.3.4]:80/", "http://[::ffff:1.2.3.4]/"},
      {"http://[2001:DB8:0:0::1]:8080/", "http://[2001:db8::1]:8080/"},
      // already normal: unchanged
      {"https://example.com/a/b?c=d&e=f", "https://example.com/a/b?c=d&e=f"},
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(or_none(normalize_url(example.input)) == example.expected);
    CHECK(or_none(resolve_url(kOtherBase, example.input)) == example.expected);
  }
}

TEST_CASE("normalization rules apply to relative hrefs too") {
  const std::string_view base = "http://Example.COM:80/dir/page";
  const Example examples[] = {
      {"a/./b/../c#top", "http://example.com/dir/a/c"},
      {"%7eme/%2e%2e/x%2fy", "http://example.com/dir/x%2Fy"},
      {"caf\xC3\xA9 au lait", "http://example.com/dir/caf%C3%A9%20au%20lait"},
      {"?q=%7e", "http://example.com/dir/page?q=~"},
      {"  other  ", "http://example.com/dir/other"},
      {"a\n/\tb", "http://example.com/dir/a/b"},
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(or_none(resolve_url(base, example.input)) == example.expected);
  }
}

TEST_CASE("RFC 3986 5.4.1: normal examples") {
  const Example examples[] = {
      {"g:h", "(none)"},  // scheme "g": not http, so no URL for us
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},  // RFC: "http://g"; our empty path is "/"
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q"},  // RFC: "...?q#s"; we drop fragments
      {"g#s", "http://a/b/c/g"},
      {"g?y#s", "http://a/b/c/g?y"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(or_none(resolve_url(kRfcBase, example.input)) == example.expected);
  }
}

TEST_CASE("RFC 3986 5.4.2: abnormal examples") {
  const Example examples[] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},  // dot segments in a query are data
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g"},
      {"g#s/../x", "http://a/b/c/g"},
      {"http:g", "http://a/b/c/g"},  // the RFC's "backward compatible" reading, as browsers do
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(or_none(resolve_url(kRfcBase, example.input)) == example.expected);
  }
}

TEST_CASE("hrefs libcurl 7.88 gets wrong or does not take: the base itself, and friends") {
  const std::string_view base = "http://example.com/dir/page.html?x=1#old";
  const Example examples[] = {
      // curl 7.88 makes "http://example.com/dir/" of these three
      {"", "http://example.com/dir/page.html?x=1"},
      {"   \t\n ", "http://example.com/dir/page.html?x=1"},
      {"#top", "http://example.com/dir/page.html?x=1"},
      {"#", "http://example.com/dir/page.html?x=1"},
      {"  #top  ", "http://example.com/dir/page.html?x=1"},
      // the base's own scheme without "//": relative (curl 7.88 refuses it)
      {"http:", "http://example.com/dir/page.html?x=1"},
      {"HTTP:other", "http://example.com/dir/other"},
      {"http:?y=2", "http://example.com/dir/page.html?y=2"},
      // protocol-relative: the base's scheme
      {"//other.host/x", "http://other.host/x"},
      {"//OTHER.host:80", "http://other.host/"},
      // query-only
      {"?x=2", "http://example.com/dir/page.html?x=2"},
      {"?", "http://example.com/dir/page.html"},
      // an absolute URL with an uppercase scheme
      {"HTTPS://Secure.Example.com/A", "https://secure.example.com/A"},
      // whitespace around and inside (curl refuses tabs and newlines)
      {"  next.html  ", "http://example.com/dir/next.html"},
      {"ne\txt\n.html", "http://example.com/dir/next.html"},
      {"\r\nhttp://example.com/a\r\n", "http://example.com/a"},
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(or_none(resolve_url(base, example.input)) == example.expected);
  }
  CHECK(resolve_url("https://example.com/a", "//cdn.example.com/x.js") ==
        "https://cdn.example.com/x.js");
  CHECK(resolve_url("https://example.com/a", "https:b") == "https://example.com/b");
}

TEST_CASE("what is not an http(s) URL the crawler wants resolves to nothing") {
  const std::string_view rejected[] = {
      "mailto:someone@example.com",
      "javascript:void(0)",
      "JavaScript:alert(1)",
      "data:text/html,<p>hi</p>",
      "ftp://ftp.example.com/file",
      "file:///etc/passwd",
      "tel:+1-555-0100",
      "urn:isbn:0451450523",
      "http://[::1",  // malformed
      "http:// bad host/",
      "http://bad host/",
      "http://exa<mple.com/",
      "http://example.com%3A80/",  // ':' is no host character, even escaped
      "http://example.com:99999/",
      "http://example.com:port/",
      "//",
      "http://",
      "http://user:password@example.com/",  // credentials: never sent
      "http://user@example.com/",
      "http://[fe80::1%25eth0]/",  // IPv6 zone id
      // hosts browsers take and the crawler does not (url.hpp says why)
      "http://\u2603.net/",  // IDNA2008 disallows the snowman
      "http://ab--c.b\u00FCcher/",
      "http://-a.b\u00FCcher/",
      "http://a!b.example/",
      "http://a~b.example/",
  };
  for (std::string_view href : rejected) {
    CAPTURE(href);
    CHECK(or_none(resolve_url("http://example.com/page", href)) == "(none)");
    CHECK(or_none(normalize_url(href)) == "(none)");
  }  // A relative link on a page whose URL has a zone id has it too.
  CHECK(or_none(resolve_url("http://[fe80::1%25eth0]/a", "b")) == "(none)");
}

// An href, the URL of the page it is on ("" for none), and the URL a browser
// requests for it.
struct BrowserExample {
  std::string_view base;
  std::string_view href;
  std::string_view expected;
};

constexpr std::string_view kPage = "http://example.org/foo/bar";

// The expected values are the URLs the WHATWG URL Standard specifies
// (https://url.spec.whatwg.org/, its basic URL parser and host parser, as
// browsers implement them); many pairs are cases of web-platform-tests'
// url/resources/urltestdata.json. They are written as the crawler spells
// them (url.hpp): without the fragment, with normalized escapes. "(none)":
// the Standard says the URL is invalid, or the crawler refuses it (said so).
const BrowserExample kBrowserExamples[] = {
    // '\' is '/' in an http(s) URL, up to the query
    {kPage, "images\\a.png", "http://example.org/foo/images/a.png"},
    {kPage, "\\\\server\\file", "http://server/file"},
    {kPage, "/\\server/file", "http://server/file"},
    {kPage, "\\x\\hello", "http://example.org/x/hello"},
    {"", "http:\\\\www.google.com\\foo", "http://www.google.com/foo"},
    {"", "http://host\\a\\b", "http://host/a/b"},
    {"", "http://host/a\\b?c\\d", "http://host/a/b?c%5Cd"},  // the query keeps its '\'
    // a host follows any number of slashes after "http:" or at the start
    {"", "http:////host/x", "http://host/x"},
    {kPage, "///host/x", "http://host/x"},
    {kPage, "\\/\\host/x", "http://host/x"},
    {"", "http:example.com/", "http://example.com/"},
    {kPage, "https:host/x", "https://host/x"},                // not the page's scheme
    {kPage, "http:host/x", "http://example.org/foo/host/x"},  // the page's: relative
    {kPage, "http:/x", "http://example.org/x"},
    {kPage, "http:a:b", "http://example.org/foo/a:b"},
    // spaces and controls at the ends go, tabs and newlines anywhere
    {kPage, " foo.com  ", "http://example.org/foo/foo.com"},
    {kPage, "\t   :foo.com   \n", "http://example.org/foo/:foo.com"},
    {kPage, "http://example\t.\norg", "http://example.org/"},
    {"", "\0\x1b\x04\x12 http://example.com/\x1f \x0d "sv, "http://example.com/"},
    {"", "http://f:21/ b ? d # e ", "http://f:21/%20b%20?%20d%20"},
    // the other controls are escaped, in a path, a query, a fragment...
    {kPage, "a\x01z", "http://example.org/foo/a%01z"},
    {kPage, "a\0z"sv, "http://example.org/foo/a%00z"},
    {kPage, "a\x7Fz", "http://example.org/foo/a%7Fz"},
    {kPage, "?q=\x1F!", "http://example.org/foo/bar?q=%1F!"},
    {kPage, "b#frag\x01ment", "http://example.org/foo/b"},
    // ...and make a host invalid
    {"", "http://ex\x01ample.com/", "(none)"},
    {"", "http://ex%01ample.com/", "(none)"},
    // internationalized names: IDNA (UTS #46, non-transitional)
    {"", "http://b\u00FCcher.example/", "http://xn--bcher-kva.example/"},
    {"", "https://fa\u00DF.ExAmPlE/", "https://xn--fa-hia.example/"},
    {"", "http://\uFF27\uFF4F.com", "http://go.com/"},  // fullwidth "Go"
    {"", "http://\u4F60\u597D\u4F60\u597D", "http://xn--6qqa088eba/"},
    {"", "http://%E4%BD%A0%E5%A5%BD%E4%BD%A0%E5%A5%BD", "http://xn--6qqa088eba/"},
    {"", "http://www.foo\u3002bar.com", "http://www.foo.bar.com/"},  // ideographic dot
    {kPage, "//B\u00DCCHER.example/x", "http://xn--bcher-kva.example/x"},
    {"", "http://\uFF05\uFF14\uFF11.com", "(none)"},  // fullwidth "%41"
    {"", "http://%ef%bc%85%ef%bc%94%ef%bc%91.com", "(none)"},
    {"", "http://b%FFcher.example/", "(none)"},  // not UTF-8
    // IPv4 in the forms browsers accept
    {"", "http://0x7f.1/", "http://127.0.0.1/"},
    {"", "http://127.0.0.1./", "http://127.0.0.1/"},
    {"", "http://2130706433/", "http://127.0.0.1/"},
    {"", "http://0177.0.0.1/", "http://127.0.0.1/"},
    {"", "http://192.0x00A80001", "http://192.168.0.1/"},
    {"", "http://0x.0x.0", "http://0.0.0.0/"},
    {"", "http://4294967295", "http://255.255.255.255/"},
    {"", "http://1.16777215/", "http://1.255.255.255/"},
    {"", "http://%30%78%63%30%2e%30%32%35%30.01%2e", "http://192.168.0.1/"},
    {"", "http://\uFF10\uFF38\uFF43\uFF10\uFF0E\uFF10\uFF12\uFF15\uFF10\uFF0E\uFF10\uFF11",
     "http://192.168.0.1/"},                                // fullwidth "0Xc0.0250.01"
    {"", "http://0X7F.0.0.0X7G", "http://0x7f.0.0.0x7g/"},  // not a number: a name
    // a last label that is a number makes an IPv4 address, or nothing
    {"", "http://4294967296", "(none)"},
    {"", "http://0xffffffff1", "(none)"},
    {"", "http://99999999999999999999999/", "(none)"},
    {"", "http://256.0.0.1/", "(none)"},
    {"", "http://192.168.0.257", "(none)"},
    {"", "http://1.2.3.4.5", "(none)"},
    {"", "http://1.2.3.4.5.", "(none)"},
    {"", "http://0..0x300/", "(none)"},
    {"", "http://1.2.3.08", "(none)"},
    {"", "http://09.2.3.4", "(none)"},
    {"", "http://foo.09", "(none)"},
    {"", "http://foo.0x4", "(none)"},
    {"", "http://foo.0xfffffffffffffffffffffffff/", "(none)"},
    {"", "http://b\u00FCcher.1/", "(none)"},
    // empty credentials go; others are refused by the crawler (url.hpp says why)
    {"", "http://@www.example.com", "http://www.example.com/"},
    {"", "http://:@www.example.com", "http://www.example.com/"},
    {kPage, "//@host/x", "http://host/x"},
    {"", "http://user@www.example.com", "(none)"},   // the crawler's refusal
    {"", "http://:pass@www.example.com", "(none)"},  // the crawler's refusal
    {"", "http://a:b@c:29/d", "(none)"},             // the crawler's refusal
};

TEST_CASE("hrefs resolve to the URL a browser requests (WHATWG URL Standard)") {
  for (const BrowserExample& example : kBrowserExamples) {
    CAPTURE(example.base, example.href);
    CHECK(or_none(resolve_url(example.base, example.href)) == example.expected);
    // The answer is in normal form: normalizing it changes nothing.
    if (const std::optional<std::string> url = resolve_url(example.base, example.href)) {
      CHECK(normalize_url(*url) == *url);
    }
  }
}

TEST_CASE("a UrlResolver reads its base as browsers do") {
  CHECK(or_none(UrlResolver("http://0x7f.1/a\\b").resolve("c")) == "http://127.0.0.1/a/c");
  CHECK(or_none(UrlResolver("http://b\u00FCcher.example/a/").resolve("c")) ==
        "http://xn--bcher-kva.example/a/c");
  CHECK(or_none(UrlResolver("http://@example.com/a/").resolve("/x")) == "http://example.com/x");
  CHECK(or_none(UrlResolver("http://u@example.com/a/").resolve("/x")) == "(none)");
}

TEST_CASE("one UrlResolver resolves a page's links one after another, each on its own") {
  const UrlResolver resolver("http://example.com/a/page");
  CHECK(or_none(resolver.resolve("b")) == "http://example.com/a/b");
  CHECK(or_none(resolver.resolve("../c?x=%7e")) == "http://example.com/c?x=~");
  CHECK(or_none(resolver.resolve("http://Other.example:80/d#f")) == "http://other.example/d");
  CHECK(or_none(resolver.resolve("mailto:x@y")) == "(none)");
  CHECK(or_none(resolver.resolve("")) ==
        "http://example.com/a/page");  // the base, untouched by the others
  CHECK(or_none(resolver.resolve("#top")) == "http://example.com/a/page");
}

// Links of the base's own site in canonical spelling skip libcurl
// (url.cpp); the others must not: each answer here is libcurl's.
TEST_CASE("links that skip libcurl resolve as the ones that do not") {
  const UrlResolver resolver("http://example.com:8080/a/page");
  CHECK(or_none(resolver.resolve("/b/c.html")) == "http://example.com:8080/b/c.html");
  CHECK(or_none(resolver.resolve("http://example.com:8080/b?x=1#f")) ==
        "http://example.com:8080/b?x=1");
  CHECK(or_none(resolver.resolve("/b?#f")) == "http://example.com:8080/b");
  CHECK(or_none(resolver.resolve("/b??")) == "http://example.com:8080/b??");
  CHECK(or_none(resolver.resolve("/a/./b/../c")) == "http://example.com:8080/a/c");
  CHECK(or_none(resolver.resolve("/%7e/b%2f")) == "http://example.com:8080/~/b%2F");
  CHECK(or_none(resolver.resolve("//other.example/x")) == "http://other.example/x");
  CHECK(or_none(resolver.resolve("http://example.com:80800/x")) == "(none)");
  CHECK(or_none(resolver.resolve("http://example.com:8080@evil.example/x")) == "(none)");
  CHECK(or_none(resolver.resolve(" /b\tc ")) == "http://example.com:8080/bc");
  CHECK(or_none(resolver.resolve(std::string_view("/b#x\0y", 6))) ==
        "http://example.com:8080/b");  // libcurl would refuse the NUL
  // An href that names its scheme is remembered: the second answer is the first.
  for (int twice = 0; twice < 2; ++twice) {
    CHECK(or_none(resolver.resolve("HTTP://Other.example/x#f")) == "http://other.example/x");
    CHECK(or_none(resolver.resolve("mailto:a@example.com")) == "(none)");
    CHECK(or_none(UrlResolver("https://example.com/a").resolve("http:b")) == "http://b/");
    CHECK(or_none(UrlResolver("http://example.com/a").resolve("http:b")) == "http://example.com/b");
  }
}

// Plain relative paths are merged with the base's directory without
// libcurl (url.cpp); the answers here are libcurl's, quirks included.
TEST_CASE("relative links that skip libcurl resolve as the ones that do not") {
  const UrlResolver resolver("http://example.com:8080/a/page?q");
  CHECK(or_none(resolver.resolve("b.html")) == "http://example.com:8080/a/b.html");
  CHECK(or_none(resolver.resolve("./c?y=1#f")) == "http://example.com:8080/a/c?y=1");
  CHECK(or_none(resolver.resolve("../../../x/y.html#f")) ==
        "http://example.com:8080/x/y.html");  // not above the root
  CHECK(or_none(resolver.resolve("b/.")) == "http://example.com:8080/a/b/");
  CHECK(or_none(resolver.resolve("b/..")) == "http://example.com:8080/a/");
  CHECK(or_none(resolver.resolve("b//c")) == "http://example.com:8080/a/b//c");
  CHECK(or_none(resolver.resolve("a?")) == "http://example.com:8080/a/a");
  CHECK(or_none(resolver.resolve("..//x")) == "http://example.com:8080//x");
  // libcurl 7.88 reads these two its own way (RFC 3986: "/a//x", "/a/?y").
  CHECK(or_none(resolver.resolve(".//x")) == "http://example.com:8080/a/x");
  CHECK(or_none(resolver.resolve("./?y")) == "http://example.com:8080/a?y");
  CHECK(or_none(resolver.resolve("?y")) == "http://example.com:8080/a/page?y");
  CHECK(or_none(resolver.resolve("x:y/z")) == "(none)");  // a scheme, not a path
  CHECK(or_none(resolver.resolve("a%2Fb")) == "http://example.com:8080/a/a%2Fb");
  CHECK(or_none(UrlResolver("http://[::1]/d/e").resolve("../f")) == "http://[::1]/f");
  CHECK(or_none(UrlResolver("http://example.com/%7e/e").resolve("f")) == "http://example.com/~/f");
}

TEST_CASE("split_url of a known site's URL skips libcurl, and says the same") {
  REQUIRE(split_url("http://example.com:8080/"));  // the site is known from now on
  const std::optional<UrlParts> parts = split_url("http://example.com:8080/a/b?x=1");
  REQUIRE(parts);
  CHECK(parts->host == "example.com");
  CHECK(parts->port == 8080);
  CHECK(parts->path_and_query == "/a/b?x=1");
  CHECK_FALSE(split_url("http://example.com:8080/a/./b"));
  CHECK_FALSE(split_url("http://example.com:8080/a?"));
  CHECK_FALSE(split_url("http://example.com:8080/a#f"));
  CHECK_FALSE(split_url("http://example.com:8080/%7e"));
  CHECK_FALSE(split_url("http://example.com:80800/a"));
}

TEST_CASE("a base that is no http(s) URL resolves only absolute hrefs") {
  CHECK_FALSE(resolve_url("", "page.html"));
  CHECK_FALSE(resolve_url("not a url", "page.html"));
  CHECK_FALSE(resolve_url("ftp://example.com/dir/", "page.html"));
  CHECK_FALSE(resolve_url("mailto:a@example.com", ""));
  CHECK(resolve_url("", "http://example.com/x") == "http://example.com/x");
  CHECK(resolve_url("mailto:a@example.com", "https://example.com") == "https://example.com/");
}

TEST_CASE("normalize_url is idempotent on its results") {
  const std::string_view urls[] = {
      "HTTP://Example.COM:80/a/./b/../c#top",
      "http://example.com/%%34%31",
      "http://example.com/a/%2e%2e%2f..",
      "http://example.com/?a=%2e%2e&b=%zz",
      "http://[::1]:80/",
      "https://example.com:443//double//slash",
  };
  for (std::string_view url : urls) {
    CAPTURE(url);
    const std::optional<std::string> once = normalize_url(url);
    REQUIRE(once);
    CHECK(normalize_url(*once) == *once);
  }
}

TEST_CASE("normalize_percent_escapes: decode unreserved, uppercase the rest, escape what must be") {
  CHECK(normalize_percent_escapes("/%7e%41%30%2D%2e%5f") == "/~A0-._");
  CHECK(normalize_percent_escapes("/a%2fb%3F%23") == "/a%2Fb%3F%23");
  CHECK(normalize_percent_escapes("/a b\xE3\x83\x84") == "/a%20b%E3%83%84");
  CHECK(normalize_percent_escapes("/50%/%4") == "/50%25/%254");
  CHECK(normalize_percent_escapes("/%%34%31") == "/%2541");  // not "%41": that would decode again
  CHECK(normalize_percent_escapes("/a?b=c&d=/e:f@g") == "/a?b=c&d=/e:f@g");
  CHECK(normalize_percent_escapes("") == "");
}

TEST_CASE("split_url takes a normalized URL apart") {
  const std::optional<UrlParts> plain = split_url("http://example.com/a/b?x=1");
  REQUIRE(plain);
  CHECK(plain->scheme == "http");
  CHECK(plain->host == "example.com");
  CHECK(plain->port == 80);
  CHECK(plain->path_and_query == "/a/b?x=1");
  CHECK(origin_of(*plain) == "example.com:80");

  const std::optional<UrlParts> secure = split_url("https://example.com/");
  REQUIRE(secure);
  CHECK(secure->port == 443);
  CHECK(secure->path_and_query == "/");
  CHECK(origin_of(*secure) == "example.com:443");

  const std::optional<UrlParts> with_port = split_url("https://example.com:8443/x");
  REQUIRE(with_port);
  CHECK(with_port->port == 8443);
  CHECK(origin_of(*with_port) == "example.com:8443");

  const std::optional<UrlParts> ipv6 = split_url("http://[::1]:8080/x");
  REQUIRE(ipv6);
  CHECK(ipv6->host == "::1");
  CHECK(ipv6->port == 8080);
  CHECK(origin_of(*ipv6) == "[::1]:8080");
}

TEST_CASE("split_url refuses what is not normalized") {
  const std::string_view not_normalized[] = {
      "HTTP://example.com/",    "http://Example.com/",
      "http://example.com",     "http://example.com:80/",
      "http://example.com/a#f", "http://example.com/%7e",
      "http://example.com/./a", "ftp://example.com/",
      "example.com/",           "",
  };
  for (std::string_view url : not_normalized) {
    CAPTURE(url);
    CHECK_FALSE(split_url(url));
  }
}

TEST_CASE("registrable_domain: eTLD+1 from the Public Suffix List") {
  CHECK(registrable_domain("www.example.co.uk") == "example.co.uk");
  CHECK(registrable_domain("a.b.example.com") == "example.com");
  CHECK(registrable_domain("example.com") == "example.com");
  CHECK(registrable_domain("WWW.Example.COM") == "example.com");
  // addresses and bare public suffixes return themselves
  CHECK(registrable_domain("127.0.0.1") == "127.0.0.1");
  CHECK(registrable_domain("::1") == "::1");
  CHECK(registrable_domain("localhost") == "localhost");
  CHECK(registrable_domain("co.uk") == "co.uk");
}
