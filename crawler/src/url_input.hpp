#pragma once
// What a browser does to an href before it parses it (the WHATWG URL
// Standard, for http and https), spelled so that libcurl, which follows
// RFC 3986, then reads the URL a browser would request. Private to the
// crawler.

#include <string>
#include <string_view>

namespace corolab::crawler::detail {

// The scheme an href names ("HTTP" of "HTTP://x", "mailto" of "mailto:a"),
// or "" if it names none (RFC 3986 3.1: a letter, then letters, digits,
// '+', '-', '.'; a scheme longer than 16 characters is left to libcurl).
std::string_view scheme_of(std::string_view href);

// `href` as a browser reads it, on a page whose URL has `base_scheme`
// ("" for none):
//   * spaces and control characters at either end go, and so do tabs and
//     newlines anywhere (an href wrapped over two lines still works);
//   * other control characters are percent-encoded ("a\x01" -> "a%01");
//   * '\' is '/' before the query ("a\b.png" -> "a/b.png");
//   * a host follows any number of slashes: "http:\\host", "http:///host"
//     and "///host" read as "http://host" and "//host", and so does
//     "https:host" on a page that is not https;
//   * "http:g" on an http page is the relative "g".
std::string as_browsers_read(std::string_view href, std::string_view base_scheme);

}  // namespace corolab::crawler::detail
