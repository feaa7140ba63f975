// The links of an HTML page, from libxml2's HTML push parser: see link_extractor.hpp.
//
// libxml2 does the hard parts (recovering from bad markup, entities,
// character sets); we only listen to two of its SAX events, "an element
// starts" and "an element ends". No document tree is ever built.
//
// libxml2 2.9's push parser has quirks that cost links, and some depend on
// where the chunks of the page happen to end. So libxml2 never sees the
// network's chunks: we cut the page into pieces ourselves, at places the
// page decides (see Parser::end_of_piece), the same pieces however the bytes
// arrived, and we keep a few pieces from it (see parse_piece).
#include "corolab/crawler/link_extractor.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <exception>
#include <limits>
#include <new>
#include <utility>

#include "corolab/text.hpp"
#include "libxml2_support.hpp"

namespace corolab::crawler {

namespace {

// --- text ---

using text::iequals;

// libxml2 hands out UTF-8 as `const xmlChar*`, NUL-terminated.
std::string_view as_view(const xmlChar* text) { return reinterpret_cast<const char*>(text); }

// Most pages are plain ASCII: one pass with no branch per byte (the
// compiler vectorizes it) spares them the byte-by-byte walk below.
bool is_ascii(std::string_view bytes) {
  unsigned char high_bits = 0;
  for (const char c : bytes) high_bits |= static_cast<unsigned char>(c);
  return high_bits < 0x80;
}

bool is_utf8(std::string_view bytes) {
  if (is_ascii(bytes)) return true;
  const auto* at = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = at + bytes.size();
  while (at < end) {
    int length =
        static_cast<int>(std::min<std::ptrdiff_t>(end - at, 4));  // in: bytes left; out: bytes used
    if (*at < 0x80) {
      ++at;
    } else if (xmlGetUTF8Char(at, &length) < 0) {
      return false;
    } else {
      at += length;
    }
  }
  return true;
}

// Does `text` start with "</name", in any case?
bool starts_with_end_tag(std::string_view text, std::string_view name) {
  return text.starts_with("</") && text.size() >= name.size() + 2 &&
         iequals(text.substr(2, name.size()), name);
}

// Does it start with the end tag </html> (and not, say, </htmlx>)?
bool starts_with_end_html_tag(std::string_view text) {
  if (!starts_with_end_tag(text, "html") || text.size() == 6) return false;
  const char after = text[6];
  return after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\n' ||
         after == '\r';
}

// --- what we take from libxml2's events ---

// The value of `name` in libxml2's attribute list (name, value, name, value,
// ..., nullptr). Names arrive lowercased, values with entities decoded. An
// attribute written without a value (`<a href>`) has a null value; HTML
// reads that as "".
std::optional<std::string_view> attribute(const xmlChar** attributes, std::string_view name) {
  if (attributes == nullptr) return std::nullopt;
  for (const xmlChar** at = attributes; *at != nullptr; at += 2) {
    if (as_view(at[0]) == name) return at[1] == nullptr ? std::string_view{} : as_view(at[1]);
  }
  return std::nullopt;
}

// Does a space-separated token list (a rel attribute) hold `token`, in any case?
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t start = list.find_first_not_of(" \t\n\f\r");
    if (start == std::string_view::npos) return false;
    list.remove_prefix(start);
    const std::size_t end = std::min(list.find_first_of(" \t\n\f\r"), list.size());
    if (iequals(list.substr(0, end), token)) return true;
    list.remove_prefix(end);
  }
  return false;
}

// In HTML5 these elements hold text, not markup: an <a> written inside a
// <textarea> is text on the screen, not a link. libxml2 2.9 knows that only
// for <script> and <style>, and reports the tags inside these as elements,
// so we ignore what it reports inside them.
bool holds_text_only(std::string_view element) {
  return element == "textarea" || element == "title" || element == "xmp" || element == "iframe" ||
         element == "noembed" || element == "noframes" || element == "plaintext";
}

// --- the libxml2 parser ---

struct HtmlContextDeleter {
  void operator()(htmlParserCtxtPtr context) const { htmlFreeParserCtxt(context); }
};
using HtmlContext = std::unique_ptr<htmlParserCtxt, HtmlContextDeleter>;

// libxml2 converts other charsets to UTF-8 as it reads. A charset the
// server named in Content-Type wins over any <meta charset>, as in browsers;
// an unknown name is ignored. Returns whether the charset is now fixed.
bool use_server_charset(htmlParserCtxtPtr context, std::string_view charset) {
  if (charset.empty()) return false;
  xmlCharEncodingHandlerPtr converter = xmlFindCharEncodingHandler(std::string(charset).c_str());
  if (converter == nullptr) return false;
  if (std::string_view(converter->name) == "UTF-8") {
    // libxml2 reads UTF-8 without a converter. With one, a single invalid
    // byte would stop the parse; without, libxml2 reads on (as Latin-1).
    xmlCharEncCloseFunc(converter);
    return true;
  }
  return xmlSwitchToEncoding(context, converter) == 0;  // the context owns the converter now
}

// libxml2's push parser, reporting `events` to `listener`.
HtmlContext make_context(const htmlSAXHandler& events, void* listener, std::string_view charset) {
  // Without a charset from the server, read UTF-8 (most of the web), unless
  // a <meta charset> says otherwise. (libxml2 copies `events`.)
  HtmlContext context(htmlCreatePushParserCtxt(const_cast<htmlSAXHandler*>(&events), listener,
                                               nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8));
  if (!context) throw std::bad_alloc();

  // RECOVER: parse on after errors, as browsers do; it also makes a
  // <script> end only at </script>, not at the first "</" in a string.
  // NOERROR, NOWARNING: bad HTML is normal. NONET: never fetch anything.
  int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  if (use_server_charset(context.get(), charset))
    options |= HTML_PARSE_IGNORE_ENC;  // ignore <meta charset>
  htmlCtxtUseOptions(context.get(), options);
  return context;
}

// The element whose content libxml2 reads as text, not markup (2.9: only
// <script> and <style>); "" outside them.
std::string_view raw_text_element(htmlParserCtxtPtr context) {
  if (context->name == nullptr) return {};
  const std::string_view name = as_view(context->name);
  return name == "script" || name == "style" ? name : std::string_view{};
}

// Reading UTF-8 as it comes, with no converter: no other charset named.
bool reads_utf8_as_is(htmlParserCtxtPtr context) {
  return context->input != nullptr && context->input->buf != nullptr &&
         context->input->buf->encoder == nullptr;
}

// The end tags libxml2 must not see (a piece that starts with "</" is one
// whole end tag). Its 2.9 push parser stops reading when an end tag leaves
// no element open, at </html> or at any end tag before the first element:
// it takes the page to be over, where browsers read on. And "</" without a
// letter after it is no tag but a kind of comment ("</ a>"), which libxml2
// would read as "</" and then markup.
bool is_hidden_end_tag(htmlParserCtxtPtr context, std::string_view piece) {
  if (!piece.starts_with("</")) return false;
  if (piece.size() < 3 || std::isalpha(static_cast<unsigned char>(piece[2])) == 0) return true;
  return context->nameNr == 0 || starts_with_end_html_tag(piece);
}

void parse_piece(htmlParserCtxtPtr context, std::string_view piece) {
  if (is_hidden_end_tag(context, piece)) return;

  // libxml2 reads a page as UTF-8 until a byte is not, then as Latin-1. But
  // if that byte is inside an attribute, 2.9 garbles the attribute
  // ("/caf\xE9" comes out as "/caf\xC3\x83"). So we look first, and switch
  // before the piece goes in. (Pieces end before a '<', so they never cut
  // a UTF-8 character in two.)
  if (reads_utf8_as_is(context) && !is_utf8(piece))
    xmlSwitchEncoding(context, XML_CHAR_ENCODING_8859_1);

  constexpr std::size_t kMaxBytes =
      std::numeric_limits<int>::max();  // htmlParseChunk counts in int
  while (!piece.empty()) {
    const std::size_t bytes = std::min(piece.size(), kMaxBytes);
    htmlParseChunk(context, piece.data(), static_cast<int>(bytes), /*terminate=*/0);
    piece.remove_prefix(bytes);
  }
}

}  // namespace

// Everything libxml2 calls back into lives here, at a stable address.
struct LinkExtractor::Parser {
  ExtractedLinks found;
  std::string product_token;  // besides "robots", our name in <meta name>
  int text_only_depth = 0;    // > 0: inside a <textarea>, <title>, ...
  std::exception_ptr callback_error;
  std::string unparsed;      // the bytes received and not yet given to libxml2
  std::size_t searched = 0;  // how far the search for the end of the current piece got
  HtmlContext context;

  Parser(std::string_view charset, std::string_view product_token)
      : product_token(product_token), context(make_context(events(), this, charset)) {}

  // Why pieces: given the same page in other chunks, libxml2 2.9's push
  // parser finds other links. A chunk that ends inside "</script>" makes
  // it miss that end tag and read the rest of the page as script.
  void feed(std::string_view bytes) {
    unparsed.append(bytes);
    std::size_t start = 0;
    for (std::size_t end; (end = end_of_piece(start)) != std::string::npos;) {
      parse_piece(context.get(), std::string_view(unparsed).substr(start, end - start));
      start = searched = end;
    }
    unparsed.erase(0, start);
    searched -= start;
  }

  void finish() {
    // A page cut short (a size limit, a lost connection) may end inside a
    // tag, as in `<a href="/produ`. libxml2 would report that half a link;
    // browsers drop an unfinished tag, and so do we.
    const bool ends_inside_tag =
        unparsed.starts_with('<') && unparsed.find('>') == std::string::npos;
    if (!ends_inside_tag) parse_piece(context.get(), unparsed);
    unparsed.clear();
    htmlParseChunk(context.get(), nullptr, 0, /*terminate=*/1);
  }

  // Where the piece that starts at `start` ends; npos while the bytes so
  // far do not tell. Pieces end before a '<', where markup may start, but
  // - an end tag is a piece of its own, up to its '>' ("</b<a href=x>" is
  //   one tag, not two);
  // - inside a <script> or <style>, only its end tag ends a piece: libxml2
  //   2.9 takes script starting with "</" (as in "'</a>'") for an end tag.
  std::size_t end_of_piece(std::size_t start) {
    const std::string_view piece = std::string_view(unparsed).substr(start);
    const std::string_view raw_text = raw_text_element(context.get());
    if (raw_text.empty()) {
      if (piece.starts_with("</")) return end_after_next('>', start);
      return find_next('<', start + 1);  // start + 1: a piece's own '<' does not end it
    }
    if (piece.size() < raw_text.size() + 2) return std::string::npos;  // "</scr": wait for more
    if (starts_with_end_tag(piece, raw_text)) return end_after_next('>', start);
    return find_end_tag(raw_text, start + 1);
  }

  // Each search goes on from where the last one for this piece stopped
  // (`searched`): a page that comes in many small chunks is read once.
  std::size_t find_next(char c, std::size_t from) {
    const std::size_t at = unparsed.find(c, std::max(from, searched));
    if (at == std::string::npos) searched = unparsed.size();
    return at;
  }

  std::size_t end_after_next(char c, std::size_t from) {
    const std::size_t at = find_next(c, from);
    return at == std::string::npos ? at : at + 1;
  }

  // Where "</name" is, in any case.
  std::size_t find_end_tag(std::string_view name, std::size_t from) {
    for (std::size_t at = std::max(from, searched);; ++at) {
      at = unparsed.find('<', at);
      if (at == std::string::npos) {
        searched = unparsed.size();
        return at;
      }
      const std::string_view rest = std::string_view(unparsed).substr(at);
      if (rest.size() < name.size() + 2) {  // "</scr": wait for more
        searched = at;
        return std::string::npos;
      }
      if (starts_with_end_tag(rest, name)) return at;
    }
  }

  void start_element(std::string_view name, const xmlChar** attributes) {
    if (holds_text_only(name)) ++text_only_depth;
    if (text_only_depth > 0) return;
    if (name == "a") {
      const std::optional<std::string_view> href = attribute(attributes, "href");
      if (!href) return;
      if (has_token(attribute(attributes, "rel").value_or(""), "nofollow"))
        found.nofollow.push_back(found.hrefs.size());
      found.hrefs.emplace_back(*href);
    } else if (name == "base" && !found.base_href) {
      if (auto href = attribute(attributes, "href")) found.base_href.emplace(*href);
    } else if (name == "meta") {
      const std::optional<std::string_view> content = attribute(attributes, "content");
      found.robots |= meta_robots_directives(attribute(attributes, "name").value_or(""),
                                             content.value_or(""), product_token);
    } else if (name == "link" && !found.canonical_href) {
      const std::optional<std::string_view> href = attribute(attributes, "href");
      if (href && has_token(attribute(attributes, "rel").value_or(""), "canonical"))
        found.canonical_href.emplace(*href);
    }
  }

  void end_element(std::string_view name) {
    if (holds_text_only(name) && text_only_depth > 0) --text_only_depth;
  }

  // The SAX events we listen to; libxml2 skips the callbacks left null.
  static htmlSAXHandler events() {
    htmlSAXHandler events{};
    events.startElement = &on_start_element;
    events.endElement = &on_end_element;
    return events;
  }

  static void on_start_element(void* self, const xmlChar* name, const xmlChar** attributes) {
    static_cast<Parser*>(self)->without_throwing(
        [&](Parser& parser) { parser.start_element(as_view(name), attributes); });
  }

  static void on_end_element(void* self, const xmlChar* name) {
    static_cast<Parser*>(self)->without_throwing(
        [&](Parser& parser) { parser.end_element(as_view(name)); });
  }

  // An exception must not unwind through libxml2's C frames: keep it, stop
  // the parser, and rethrow once libxml2 has returned.
  template <typename Handler>
  void without_throwing(Handler handler) {
    try {
      handler(*this);
    } catch (...) {
      callback_error = std::current_exception();
      xmlStopParser(context.get());
    }
  }

  void rethrow_callback_error() {
    if (callback_error) std::rethrow_exception(std::exchange(callback_error, nullptr));
  }
};

bool ExtractedLinks::may_follow(std::size_t index) const {
  return !robots.nofollow && !std::binary_search(nofollow.begin(), nofollow.end(), index);
}

LinkExtractor::LinkExtractor(std::string_view charset, std::string_view product_token) {
  detail::init_libxml2();
  detail::QuietLibxml2Errors quiet;
  parser_ = std::make_unique<Parser>(charset, product_token);
}

LinkExtractor::~LinkExtractor() = default;

void LinkExtractor::feed(std::string_view chunk) {
  if (!parser_->context) return;  // finished already
  {
    detail::QuietLibxml2Errors quiet;
    parser_->feed(chunk);
  }
  parser_->rethrow_callback_error();
}

ExtractedLinks LinkExtractor::finish() {
  if (!parser_->context) return {};  // finished already
  {
    detail::QuietLibxml2Errors quiet;
    parser_->finish();
    parser_->context.reset();  // the parser's memory goes now, not with the extractor
  }
  parser_->rethrow_callback_error();
  return std::move(parser_->found);
}

ExtractedLinks extract_links(std::string_view html, std::string_view charset,
                             std::string_view product_token) {
  LinkExtractor extractor(charset, product_token);
  extractor.feed(html);
  return extractor.finish();
}

}  // namespace corolab::crawler
