#pragma once
// URLs as the crawler sees them: resolved, normalized, and comparable.
//
// Two spellings of the same page must become the same string, or the crawler
// fetches it twice: "HTTP://Example.COM:80/a/./b/../c#top" and
// "http://example.com/a/c" are one URL. Resolution and parsing are done by
// libcurl's URL API (curl_url); the rules it does not apply are ours.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace corolab::crawler {

// Resolves `href` (as found in a page) against `base` (the page's URL, or
// its <base href>), then normalizes it:
//   * trims surrounding whitespace and drops tabs and newlines anywhere
//     (as browsers do, per the WHATWG URL standard);
//   * lowercases scheme and host; drops the default port (80, 443);
//     IP addresses take their canonical form ("127.1" -> "127.0.0.1");
//   * removes dot segments; an empty path becomes "/";
//   * uppercases percent-escapes and decodes unreserved ones (%7E -> ~),
//     see normalize_percent_escapes();
//   * drops the fragment, and an empty query ("/a?" -> "/a").
// Returns std::nullopt for anything that is not an http or https URL
// (mailto:, javascript:, ftp:, malformed), and for URLs the crawler will not
// fetch: with user:password@, with a non-ASCII host (IDN: write it as
// punycode, xn--...), or with an IPv6 zone id. An empty or fragment-only href
// means the base itself (handled here: libcurl 7.88 gets both wrong).
// "http:g" against an http base means "g", as in browsers (RFC 3986 5.4.2
// allows either reading).
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
