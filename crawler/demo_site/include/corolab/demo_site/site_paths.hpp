#pragma once
// The demo site's URL layout. Content pages are generated from the seed; the
// rest has fixed paths, listed here for the site, its tests and the crawler's.
//
//   /                                 home: links to the first page of each section
//   /section-S/topic-T/page-N.html    content pages (SiteOptions::depth folder levels)
//   /tags?name=coroutines&page=1      two tag pages, linked with "&amp;" in the HTML
//   /private/page-K.html              three pages robots.txt disallows, linked from content pages
//   /robots.txt, /sitemap.xml
//   /faults/...                       only with SiteOptions::faults
//
// Query strings are part of a page's name: the site answers a target (path
// and query) only if it is exactly one of its own; anything else is a 404.
// No two URLs of the site serve the same page.

#include <array>
#include <string_view>

namespace corolab::demo_site::paths {

inline constexpr std::string_view home = "/";
inline constexpr std::string_view robots_txt = "/robots.txt";
inline constexpr std::string_view sitemap_xml = "/sitemap.xml";
inline constexpr std::string_view private_prefix = "/private/";  // robots.txt: Disallow
inline constexpr std::array<std::string_view, 2> tag_pages = {"/tags?name=coroutines&page=1",
                                                              "/tags?name=coroutines&page=2"};

// Another host, linked from every page: out of scope, never to be fetched.
inline constexpr std::string_view elsewhere = "http://elsewhere.example/about.html";

}  // namespace corolab::demo_site::paths

// The /faults/ section: one URL per way a server can let a crawler down.
// The index links to each of them, except the ones only a redirect reaches.
namespace corolab::demo_site::fault_paths {

inline constexpr std::string_view index = "/faults/";  // linked from home

// 301 (Location: the absolute URL of redirect-2), 302 (Location: /faults/redirect-3),
// 301 (Location: redirected-here.html), then a page.
inline constexpr std::string_view redirect_1 = "/faults/redirect-1";
inline constexpr std::string_view redirect_2 = "/faults/redirect-2";
inline constexpr std::string_view redirect_3 = "/faults/redirect-3";
inline constexpr std::string_view redirected_here = "/faults/redirected-here.html";

// 302 to loop-b, which is a 302 back to loop-a.
inline constexpr std::string_view loop_a = "/faults/loop-a";
inline constexpr std::string_view loop_b = "/faults/loop-b";

// Links to pages that do not exist: 404.
inline constexpr std::string_view missing = "/faults/missing.html";
inline constexpr std::string_view missing_folder = "/faults/old/page-1.html";

inline constexpr std::string_view flaky = "/faults/flaky";  // 500 the first time, then 200
inline constexpr std::string_view rate_limited =
    "/faults/rate-limited";  // 429, Retry-After: 1; then 200

inline constexpr std::string_view slow =
    "/faults/slow.html";  // in pieces: SiteOptions::slow_chunk_*
inline constexpr std::string_view huge =
    "/faults/huge.html";  // SiteOptions::huge_body_size bytes of HTML
inline constexpr std::string_view pdf = "/faults/report.pdf";   // application/pdf
inline constexpr std::string_view png = "/faults/diagram.png";  // image/png
inline constexpr std::string_view reset =
    "/faults/reset.html";  // half the body, then a connection reset

// Broken HTML (unclosed tags, garbage bytes) holding one real link, to the second.
inline constexpr std::string_view malformed = "/faults/malformed.html";
inline constexpr std::string_view found_in_malformed = "/faults/found-in-malformed.html";

}  // namespace corolab::demo_site::fault_paths
