// URL resolution and normalization: libcurl parses and resolves, we make the
// spelling canonical. See url.hpp for the rules.
#include "corolab/crawler/url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpsl.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <new>
#include <unordered_map>
#include <vector>

namespace corolab::crawler {
namespace {

// --- characters (RFC 3986 section 2) ---

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  return (c | 0x20) - 'a' + 10;  // | 0x20 lowercases an ASCII letter
}

bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_sub_delim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

// Characters a path or a query may contain unescaped (pchar, '/' and '?').
bool may_appear_raw(char c) {
  return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?';
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string to_lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return to_lower(c); });
  return lower;
}

void append_escaped(std::string& out, char c) {
  constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

bool starts_with_escape(std::string_view text, std::size_t i) {
  return text[i] == '%' && i + 2 < text.size() && is_hex_digit(text[i + 1]) &&
         is_hex_digit(text[i + 2]);
}

// --- what browsers do to an href before parsing it (WHATWG URL) ---

// Leading and trailing spaces and control characters go, and so do tabs and
// newlines anywhere: an href wrapped over two lines in the HTML still works.
std::string without_ignored_whitespace(std::string_view text) {
  const auto is_space_or_control = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!text.empty() && is_space_or_control(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space_or_control(text.back())) text.remove_suffix(1);
  std::string kept;
  for (char c : text) {
    if (c != '\t' && c != '\n' && c != '\r') kept += c;
  }
  return kept;
}

// "http:g" against an http base is the relative "g" (browsers read it so;
// RFC 3986 5.4.2 calls it the backward-compatible reading). curl rejects it.
std::string_view without_base_scheme(std::string_view href, std::string_view base_scheme) {
  if (base_scheme.empty() || href.size() <= base_scheme.size() || href[base_scheme.size()] != ':')
    return href;
  if (to_lower(href.substr(0, base_scheme.size())) != base_scheme) return href;
  std::string_view rest = href.substr(base_scheme.size() + 1);
  return rest.starts_with("//") ? href : rest;  // "http://x" is absolute
}

// --- libcurl's URL handle ---

struct CurlUrlCleanup {
  void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlCleanup>;

// Spaces are escaped by us (CURLU_URLENCODE would turn them into '+' in the
// query); credentials in a link are refused outright.
constexpr unsigned kSetFlags = CURLU_ALLOW_SPACE | CURLU_DISALLOW_USER;

// Parses `text` as an absolute URL, or as one relative to the URL already in
// `url`. curl reads C strings, so a NUL byte would silently cut the URL short.
bool set_url(CURLU* url, std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  const std::string terminated(text);
  return curl_url_set(url, CURLUPART_URL, terminated.c_str(), kSetFlags) == CURLUE_OK;
}

// One part of the URL, or std::nullopt if it has none.
std::optional<std::string> get_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK) return std::nullopt;
  std::string copy(value);
  curl_free(value);
  return copy;
}

// --- the canonical form of each part ---

// IPv6 has many spellings ("::1", "0:0::1"); inet_ntop knows the canonical one.
std::optional<std::string> canonical_ipv6(std::string_view bracketed) {
  const std::string address(bracketed.substr(1, bracketed.size() - 2));
  in6_addr binary{};
  if (inet_pton(AF_INET6, address.c_str(), &binary) != 1) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, &binary, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text);
}

// curl turns IPv4 numbers such as "127.1" into "127.0.0.1", but only as
// written: "%31%32%37.1" is decoded to "127.1" and left so. Reading the
// decoded host once more finishes the job.
std::optional<std::string> reread_host(std::string_view host) {
  const CurlUrl url(curl_url());
  if (!url || !set_url(url.get(), "http://" + std::string(host) + "/")) return std::nullopt;
  return get_part(url.get(), CURLUPART_HOST);
}

// curl has decoded escapes in the host. What is left for us: IPv6, IPv4
// numbers (above), case, and refusing names that are not plain ASCII (curl
// 7.88 can only punycode them in a UTF-8 locale; the crawler cannot depend
// on the locale).
std::optional<std::string> canonical_host_uncached(std::string_view host) {
  if (host.starts_with('[') && host.ends_with(']')) return canonical_ipv6(host);
  const auto is_host_char = [](char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
  };
  if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) return std::nullopt;
  return reread_host(to_lower(host));
}

// Answers that do not depend on the page, remembered. Bounded: when full, it
// forgets everything at once (simpler than least-recently-used, and a crawl
// asks about the same few hosts and links again and again). One per thread.
class Memo {
 public:
  const std::optional<std::string>* recall(const std::string& question) const {
    const auto found = answers_.find(question);
    return found == answers_.end() ? nullptr : &found->second;
  }
  const std::optional<std::string>& remember(const std::string& question,
                                             std::optional<std::string> answer) {
    if (answers_.size() == kCapacity) answers_.clear();
    return answers_.emplace(question, std::move(answer)).first->second;
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  std::unordered_map<std::string, std::optional<std::string>> answers_;
};

// Every link of a crawl names one of a few hosts, and rereading a host is a
// whole URL parse: remember the answers.
std::optional<std::string> canonical_host(const std::string& host) {
  thread_local Memo memo;
  if (const std::optional<std::string>* known = memo.recall(host)) return *known;
  return memo.remember(host, canonical_host_uncached(host));
}

int default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return port;
}

// Takes the last segment off `output` (RFC 3986 5.2.4, "/.." handling).
void drop_last_segment(std::string& output) {
  const std::size_t slash = output.rfind('/');
  output.resize(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 5.2.4, step by step. curl removes dot segments too, but only the
// literal ones: "%2E%2E" becomes ".." once we decode it, so we run this after.
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./") || input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../")) {
      input.remove_prefix(3);
      drop_last_segment(output);
    } else if (input == "/..") {
      input = "/";
      drop_last_segment(output);
    } else if (input == "." || input == "..") {
      input = {};
    } else {  // move the first segment, with its leading '/', to the output
      const std::size_t end = std::min(input.find('/', 1), input.size());
      output += input.substr(0, end);
      input.remove_prefix(end);
    }
  }
  return output;
}

std::string canonical_path(std::string_view path) {
  std::string canonical = remove_dot_segments(normalize_percent_escapes(path));
  if (!canonical.starts_with('/')) canonical.insert(0, 1, '/');
  return canonical;
}

// Our canonical form of the URL in `url`, or std::nullopt if the crawler
// does not want it.
std::optional<UrlParts> canonical_parts(CURLU* url) {
  const std::optional<std::string> scheme = get_part(url, CURLUPART_SCHEME);
  const std::optional<std::string> host = get_part(url, CURLUPART_HOST);
  if (!scheme || !host) return std::nullopt;
  UrlParts parts;
  parts.scheme = to_lower(*scheme);
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  if (get_part(url, CURLUPART_ZONEID)) return std::nullopt;  // link-local IPv6: not on the web

  const std::optional<std::string> canonical = canonical_host(*host);
  if (!canonical) return std::nullopt;
  parts.host = *canonical;

  parts.port = default_port(parts.scheme);
  if (const std::optional<std::string> port = get_part(url, CURLUPART_PORT)) {
    const std::optional<int> number = parse_port(*port);
    if (!number) return std::nullopt;
    parts.port = *number;
  }

  parts.path_and_query = canonical_path(get_part(url, CURLUPART_PATH).value_or("/"));
  const std::string query = get_part(url, CURLUPART_QUERY).value_or("");
  if (!query.empty()) parts.path_and_query += "?" + normalize_percent_escapes(query);
  return parts;
}

std::string to_string(const UrlParts& parts) {
  std::string url = parts.scheme + "://";
  const bool is_ipv6 = parts.host.find(':') != std::string::npos;
  url += is_ipv6 ? "[" + parts.host + "]" : parts.host;
  if (parts.port != default_port(parts.scheme)) url += ":" + std::to_string(parts.port);
  return url + parts.path_and_query;
}

// --- links that need no parser ---
//
// Most links of a site name a page of the same site ("/a/b.html", or the
// site's own "http://host/a/b.html"), spelled as the crawler would spell
// them. Parsing those with libcurl only to get the same string back is most
// of a crawl's URL work, so they take a shorter way; everything else still
// goes through libcurl.

// The canonical "scheme://host[:port]" of a URL already split.
std::string origin_prefix(const UrlParts& parts) {
  UrlParts origin = parts;
  origin.path_and_query.clear();
  return to_string(origin);
}

// Characters that need no escaping and no decoding: not even '%'.
bool are_plain_characters(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c != '%' && may_appear_raw(c); });
}

// Is `segment` a dot segment, which remove_dot_segments() would change?
bool is_dot_segment(std::string_view segment) { return segment == "." || segment == ".."; }

// Longer links are left to libcurl (it has a limit).
constexpr std::size_t kMaxPlainLength = 4096;

// A path and query ("/a/b?x=1") that normalization leaves as it is and
// every URL parser reads alike: only characters that appear raw (no '%',
// so no escapes; no '#', space, control or non-ASCII byte), no dot
// segments, no empty query, not too long.
bool is_plain_path_and_query(std::string_view text) {
  if (!text.starts_with('/') || text.starts_with("//") || text.size() > kMaxPlainLength)
    return false;
  if (!are_plain_characters(text)) return false;
  const std::size_t question = text.find('?');
  if (question + 1 == text.size()) return false;  // "/a?": the empty query would go
  for (std::string_view path = text.substr(0, question); !path.empty();) {
    path.remove_prefix(1);  // the '/'
    const std::size_t slash = std::min(path.find('/'), path.size());
    if (is_dot_segment(path.substr(0, slash))) return false;
    path.remove_prefix(slash);
  }
  return true;
}

// libcurl 7.88 takes a leading "./" and "../"s off a relative path before
// it merges, which goes wrong when a '/' or '?' follows them: against
// "/a/b/c", ".//x" gives "/a/b/x" and "../?q" "/a?q" (RFC 3986 says
// "/a/b//x" and "/a/?q"). Such paths are left to it, to keep its answers.
bool hits_libcurl_dot_quirk(std::string_view text) {
  if (text.starts_with("./")) text.remove_prefix(2);
  while (text.starts_with("../")) text.remove_prefix(3);
  return text.starts_with('/') || text.starts_with('?');
}

// A relative path ("page.html", "../a/b.html?x=1") in plain characters.
// Not "", "?q" (they keep the base's path, a case of their own), nor a
// first segment with a ':' ("mailto:x" names a scheme).
bool is_plain_relative_path(std::string_view text) {
  if (text.empty() || text.starts_with('/') || text.starts_with('?') ||
      text.size() > kMaxPlainLength)
    return false;
  const std::string_view first_segment = text.substr(0, text.find_first_of("/?"));
  return first_segment.find(':') == std::string_view::npos && are_plain_characters(text) &&
         !hits_libcurl_dot_quirk(text);
}

// "/a/b.html?x=1" -> "/a/": what a relative path is resolved against.
// Empty when the base's path is not plain, which leaves its links to libcurl.
std::string directory_of(std::string_view path_and_query) {
  const std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  const std::string_view directory = path.substr(0, path.rfind('/') + 1);
  return are_plain_characters(directory) ? std::string(directory) : std::string();
}

// RFC 3986 5.2.2 and 5.2.3: the relative path goes after the base's
// directory, then the dot segments go. Its query is kept as written.
std::string merge_paths(std::string_view directory, std::string_view relative) {
  const std::size_t question = std::min(relative.find('?'), relative.size());
  std::string merged =
      remove_dot_segments(std::string(directory).append(relative.substr(0, question)));
  return merged.append(relative.substr(question));
}

// The origins of URLs split_url() has split with libcurl: a URL of one of
// them with a plain path splits without it (a bounded memo, per thread; a
// crawl visits few sites).
struct KnownOrigin {
  std::string prefix;  // "http://host:port"
  UrlParts parts;      // its scheme, host and port
};

std::vector<KnownOrigin>& known_origins() {
  thread_local std::vector<KnownOrigin> known;
  return known;
}

void remember_origin(const UrlParts& parts) {
  constexpr std::size_t kMaxRemembered = 64;
  std::vector<KnownOrigin>& known = known_origins();
  std::string prefix = origin_prefix(parts);
  if (std::any_of(known.begin(), known.end(),
                  [&](const KnownOrigin& k) { return k.prefix == prefix; }))
    return;
  if (known.size() == kMaxRemembered) known.clear();
  known.push_back({std::move(prefix), {parts.scheme, parts.host, parts.port, {}}});
}

std::optional<UrlParts> split_with_known_origin(std::string_view url) {
  for (const KnownOrigin& known : known_origins()) {
    if (!url.starts_with(known.prefix)) continue;
    const std::string_view path_and_query = url.substr(known.prefix.size());
    if (!is_plain_path_and_query(path_and_query)) continue;
    UrlParts parts = known.parts;
    parts.path_and_query = path_and_query;
    return parts;
  }
  return std::nullopt;
}

// --- the Public Suffix List ---

struct PslFree {
  void operator()(psl_ctx_t* list) const noexcept { psl_free(list); }
};

// libpsl may be built without a compiled-in list; then we load the newest one
// on disk, once (a function-local static is initialized thread-safely).
const psl_ctx_t* public_suffix_list() {
  static const std::unique_ptr<psl_ctx_t, PslFree> loaded(psl_builtin() ? nullptr
                                                                        : psl_latest(nullptr));
  return loaded ? loaded.get() : psl_builtin();
}

bool is_ip_address(const std::string& host) {
  unsigned char binary[sizeof(in6_addr)];
  std::string unbracketed = host;
  if (host.starts_with('[') && host.ends_with(']')) unbracketed = host.substr(1, host.size() - 2);
  return inet_pton(AF_INET, unbracketed.c_str(), binary) == 1 ||
         inet_pton(AF_INET6, unbracketed.c_str(), binary) == 1;
}

}  // namespace

std::string normalize_percent_escapes(std::string_view path_or_query) {
  std::string out;
  out.reserve(path_or_query.size());
  for (std::size_t i = 0; i < path_or_query.size(); ++i) {
    const char c = path_or_query[i];
    if (starts_with_escape(path_or_query, i)) {
      const auto decoded =
          static_cast<char>(hex_value(path_or_query[i + 1]) * 16 + hex_value(path_or_query[i + 2]));
      if (is_unreserved(decoded)) {
        out += decoded;
      } else {
        append_escaped(out, decoded);
      }
      i += 2;
    } else if (c != '%' && may_appear_raw(c)) {
      out += c;
    } else {  // includes a '%' that starts no escape: "%zz" -> "%25zz"
      append_escaped(out, c);
    }
  }
  return out;
}

namespace {

std::optional<std::string> canonical_url(CURLU* url) {
  const std::optional<UrlParts> parts = canonical_parts(url);
  if (!parts) return std::nullopt;
  return to_string(*parts);
}

// Does the href start with a scheme ("mailto:", "https:")? Then libcurl
// reads it without the base. (RFC 3986 3.1: a letter, then letters, digits,
// '+', '-', '.'; a long one is left to the general way.)
bool names_its_scheme(std::string_view href) {
  constexpr std::size_t kMaxSchemeLength = 16;
  const std::size_t colon = href.find(':');
  if (colon == 0 || colon > kMaxSchemeLength || colon == std::string_view::npos ||
      !is_alpha(href[0]))
    return false;
  return std::all_of(href.begin(), href.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
  });
}

// An href that names its scheme means the same on every page: the links to
// other sites, mailto: and javascript: come back page after page, so their
// answers are remembered.
std::optional<std::string> resolve_absolute(std::string_view href) {
  thread_local Memo memo;
  const std::string question(href);
  if (const std::optional<std::string>* known = memo.recall(question)) return *known;
  const CurlUrl url(curl_url());
  if (!url) return std::nullopt;  // out of memory: not an answer to remember
  return memo.remember(question,
                       set_url(url.get(), href) ? canonical_url(url.get()) : std::nullopt);
}

}  // namespace

struct UrlResolver::Parsed {
  std::string text;
  CurlUrl url{curl_url()};
  bool has_base = false;  // without a usable base, an absolute href still resolves (to itself)
  bool has_zone_id = false;
  std::string scheme;
  std::string origin;     // "http://host:port" of a canonical base, else empty
  std::string directory;  // "/a/" of a canonical base with a plain path, else empty

  // A handle holding the base, to resolve an href against. curl 7.88's
  // curl_url_dup() loses an IPv6 zone id, so such a base is parsed afresh.
  CurlUrl copy() const {
    if (!has_zone_id) return CurlUrl(curl_url_dup(url.get()));
    CurlUrl fresh(curl_url());
    if (fresh) set_url(fresh.get(), text);
    return fresh;
  }
};

UrlResolver::UrlResolver(std::string_view base) : base_(std::make_unique<Parsed>()) {
  if (!base_->url) throw std::bad_alloc();
  base_->text = without_ignored_whitespace(base);
  base_->has_base = set_url(base_->url.get(), base_->text);
  if (base_->has_base) {
    base_->scheme = get_part(base_->url.get(), CURLUPART_SCHEME).value_or("");
    base_->has_zone_id = get_part(base_->url.get(), CURLUPART_ZONEID).has_value();
  }
  if (const std::optional<UrlParts> parts = split_url(base_->text)) {
    base_->origin = origin_prefix(*parts);
    base_->directory = directory_of(parts->path_and_query);
  }
}

// The link, if it names a page of the base's own site in plain spelling:
// "/a/b.html", or the base's origin and that, or a relative path such as
// "../b.html"; a plain fragment goes. std::nullopt when libcurl has to decide.
std::optional<std::string> UrlResolver::resolve_plain(std::string_view href) const {
  if (base_->origin.empty()) return std::nullopt;
  const std::size_t hash = std::min(href.find('#'), href.size());
  if (!are_plain_characters(href.substr(std::min(hash + 1, href.size())))) return std::nullopt;
  std::string_view path_and_query = href.substr(0, hash);
  if (is_plain_relative_path(path_and_query)) return resolve_plain_relative(path_and_query);
  if (path_and_query.starts_with(base_->origin)) path_and_query.remove_prefix(base_->origin.size());
  if (!is_plain_path_and_query(path_and_query)) return std::nullopt;
  return base_->origin + std::string(path_and_query);
}

// "../b.html" against the base's directory. The merged path must be plain
// as well ("..//b" could make "//b"); if not, libcurl decides.
std::optional<std::string> UrlResolver::resolve_plain_relative(std::string_view relative) const {
  if (base_->directory.empty()) return std::nullopt;
  const std::string path_and_query = merge_paths(base_->directory, relative);
  if (!is_plain_path_and_query(path_and_query)) return std::nullopt;
  return base_->origin + path_and_query;
}

UrlResolver::~UrlResolver() = default;

std::optional<std::string> UrlResolver::resolve(std::string_view href) const {
  if (std::optional<std::string> plain = resolve_plain(href)) return plain;
  const std::string cleaned = without_ignored_whitespace(href);
  const std::string_view relative = without_base_scheme(cleaned, base_->scheme);
  if (names_its_scheme(relative)) return resolve_absolute(relative);
  // "" and "#top" mean the base itself; curl 7.88 would drop its last segment.
  const bool means_base = relative.empty() || relative.starts_with('#');
  if (means_base && !base_->has_base) return std::nullopt;
  // A copy of the parsed base: cheaper than parsing it again.
  const CurlUrl url = base_->copy();
  if (!url) return std::nullopt;
  if (!means_base && !set_url(url.get(), relative)) return std::nullopt;
  return canonical_url(url.get());
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view href) {
  return UrlResolver(base).resolve(href);
}

std::optional<std::string> normalize_url(std::string_view url) { return resolve_url(url, ""); }

std::optional<UrlParts> split_url(std::string_view url) {
  if (std::optional<UrlParts> parts = split_with_known_origin(url)) return parts;
  const CurlUrl handle(curl_url());
  if (!handle || !set_url(handle.get(), url)) return std::nullopt;
  std::optional<UrlParts> parts = canonical_parts(handle.get());
  // Only a URL already in canonical form splits: the parts must spell it.
  if (!parts || to_string(*parts) != url) return std::nullopt;
  remember_origin(*parts);
  return parts;
}

std::string origin_of(const UrlParts& url) {
  const bool is_ipv6 = url.host.find(':') != std::string::npos;
  const std::string host = is_ipv6 ? "[" + url.host + "]" : url.host;
  return host + ":" + std::to_string(url.port);
}

std::string registrable_domain(std::string_view host) {
  std::string lower = to_lower(host);
  if (is_ip_address(lower)) return lower;  // the list would make "0.1" of "127.0.0.1"
  const psl_ctx_t* list = public_suffix_list();
  const char* domain = list ? psl_registrable_domain(list, lower.c_str()) : nullptr;
  return domain ? std::string(domain) : lower;
}

}  // namespace corolab::crawler
