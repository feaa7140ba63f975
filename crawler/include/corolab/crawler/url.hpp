#pragma once
// URLs as the crawler sees them: resolved, normalized, and comparable.
//
// Two spellings of the same page must become the same string, or the crawler
// fetches it twice: "HTTP://Example.COM:80/a/./b/../c#top" and
// "http://example.com/a/c" are one URL. And an href must name the page a
// browser would request for it: hrefs are read by the WHATWG URL Standard's
// rules for http and https, as browsers read them. Resolution and parsing
// are done by libcurl's URL API (curl_url); the rules it does not apply are
// ours.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace corolab::crawler {

// Resolves `href` (as found in a page) against `base` (the page's URL, or
// its <base href>), then normalizes it. First, as browsers do (WHATWG URL):
//   * surrounding spaces and control characters go, and tabs and newlines
//     anywhere; other control characters are percent-escaped ("a%01");
//   * '\' is '/' up to the query ("img\a.png" -> "img/a.png",
//     "\\host\x" -> "//host/x"), and a host follows any number of
//     slashes ("http:///host", "https:host" on an http page);
//   * "http:g" against an http base means "g" (RFC 3986 5.4.2 allows
//     either reading);
//   * empty credentials go ("http://@host/" -> "http://host/");
//   * the host: escapes decoded, then an internationalized name becomes
//     punycode (IDNA, UTS #46: "bücher.example" -> "xn--bcher-kva.example"),
//     and a name whose last label is a number becomes an IPv4 address in
//     dotted form ("0x7f.1", "2130706433", "127.0.0.1." -> "127.0.0.1").
// Then one spelling per URL:
//   * lowercases scheme and host; drops the default port (80, 443);
//     IPv6 addresses take their canonical form ("0:0::1" -> "::1");
//   * removes dot segments; an empty path becomes "/";
//   * uppercases percent-escapes and decodes unreserved ones (%7E -> ~),
//     see normalize_percent_escapes();
//   * drops the fragment, and an empty query ("/a?" -> "/a").
// An empty or fragment-only href means the base itself (handled here:
// libcurl 7.88 gets both wrong).
//
// Returns std::nullopt for what is no URL by the Standard, and for what the
// crawler will not fetch. Refused, and why:
//   * a scheme other than http and https (mailto:, javascript:, ftp:):
//     nothing to crawl;
//   * malformed URLs: no host, a bad port, a bad IPv6 address;
//   * a host whose last label is a number but which is no valid IPv4
//     address ("1.2.3.256", "1.2.3.4.5", "example.09"): browsers refuse it;
//   * a name that fails IDNA (libidn2): not UTF-8, a character IDNA
//     disallows ("☃.net"), or a hyphen rule of IDNA2008 ("ab--c.bücher",
//     "-a.bücher"; browsers skip these checks, libidn2 does not);
//   * a name with a character other than a letter, digit, '-', '.' or '_'
//     ("a!b.example", "a%b"): browsers allow some, but no DNS name has one;
//   * a non-empty user name or password ("http://user:pw@host/"): a crawler
//     must not send credentials it found in a page to a server, and
//     "user@host" would make one page into a page per user name;
//   * an IPv6 zone id ("[fe80::1%25eth0]"): a link-local address, not on the
//     web.
std::optional<std::string> resolve_url(std::string_view base, std::string_view href);

// resolve_url for many hrefs against one base (a page's links): the base is
// parsed once, not once per link.
class UrlResolver {
 public:
  explicit UrlResolver(std::string_view base);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  std::optional<std::string> resolve(std::string_view href) const;

 private:
  struct Parsed;  // libcurl's handle of the base (url.cpp)
  std::unique_ptr<Parsed> base_;
};

// normalize_url(u) == resolve_url(u, "") for an absolute URL.
std::optional<std::string> normalize_url(std::string_view url);

struct UrlParts {
  std::string scheme;          // "http" or "https"
  std::string host;            // lowercase, without port; IPv6 without brackets
  int port = 0;                // the effective port (80 or 443 when none was given)
  std::string path_and_query;  // "/a/b?x=1": what robots.txt rules match against
};
// Splits a normalized URL; std::nullopt if it is not one (if normalize_url
// would change it).
std::optional<UrlParts> split_url(std::string_view url);

// "host:port", the unit of politeness and of robots.txt ("[::1]:8080" for
// IPv6, so that the port stays readable).
std::string origin_of(const UrlParts& url);

// One spelling for the percent-escapes of a path or query (RFC 3986 6.2.2):
// escapes of unreserved characters are decoded ("%7E" -> "~"), the others
// uppercased ("%2f" -> "%2F"), and what may not appear raw in a URL (space,
// non-ASCII bytes, controls, '"', '<', a '%' that starts no escape, ...) is
// escaped. Reserved characters keep their meaning: "/" and "%2F" stay apart.
// robots.txt matching uses it too, on both the rules and the paths.
std::string normalize_percent_escapes(std::string_view path_or_query);

}  // namespace corolab::crawler
