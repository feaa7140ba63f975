// sitemap.xml, read with libxml2's streaming XML reader: see sitemap.hpp.
//
// The reader walks the document node by node and keeps no tree, so a big
// sitemap costs little memory. We only look at three levels:
//   depth 0: the root, <urlset> or <sitemapindex>
//   depth 1: its entries, <url> or <sitemap>
//   depth 2: their <loc>, whose text (depth 3) is a URL
// Names are compared without their namespace prefix: sitemaps in the wild
// use the sitemaps.org namespace, another one, or none at all.
#include "corolab/crawler/sitemap.hpp"

#include <libxml/xmlreader.h>

#include <cstddef>
#include <memory>

#include "corolab/text.hpp"
#include "libxml2_support.hpp"

namespace corolab::crawler {

namespace {

// sitemaps.org: "no larger than 50MB (52,428,800 bytes)".
constexpr std::size_t kMaxSitemapBytes = 50 * 1024 * 1024;

// NONET: never fetch anything. NOERROR, NOWARNING: bad XML is not our
// problem to print. Left out on purpose, for safety (XXE): NOENT (replace
// entities by their text), DTDLOAD, DTDATTR, DTDVALID (read external DTDs).
// So an entity pointing at file:///etc/passwd is never read, only named.
constexpr int kReaderOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

struct ReaderDeleter {
  void operator()(xmlTextReaderPtr reader) const { xmlFreeTextReader(reader); }
};
using Reader = std::unique_ptr<xmlTextReader, ReaderDeleter>;

std::string_view local_name(xmlTextReaderPtr reader) {
  const xmlChar* name = xmlTextReaderConstLocalName(reader);
  return name == nullptr ? std::string_view{} : reinterpret_cast<const char*>(name);
}

std::string_view value(xmlTextReaderPtr reader) {
  const xmlChar* text = xmlTextReaderConstValue(reader);
  return text == nullptr ? std::string_view{} : reinterpret_cast<const char*>(text);
}

// Follows the reader down root -> entry -> <loc> and collects the locations.
class SitemapWalker {
 public:
  explicit SitemapWalker(Sitemap& sitemap) : sitemap_(sitemap) {}

  // Returns false when the document is no sitemap (another root).
  bool on_element(xmlTextReaderPtr reader) {
    const int depth = xmlTextReaderDepth(reader);
    const std::string_view name = local_name(reader);
    const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;  // <loc/>: no end element follows
    if (depth == 0) return choose_kind(name);
    if (depth == 1) in_entry_ = name == entry_name_ && !empty;
    if (depth == 2 && in_entry_ && name == "loc" && !empty) {
      in_loc_ = true;
      loc_.clear();
    }
    return true;
  }

  // Text (or CDATA, or whitespace) right inside a <loc>. Entity references are not:
  // they are skipped, never expanded.
  void on_text(xmlTextReaderPtr reader) {
    if (in_loc_ && xmlTextReaderDepth(reader) == 3) loc_ += value(reader);
  }

  bool saw_sitemap_root() const { return locations_ != nullptr; }

  void on_end_element(xmlTextReaderPtr reader) {
    const int depth = xmlTextReaderDepth(reader);
    if (depth == 2 && in_loc_) {
      in_loc_ = false;
      const std::string_view location = text::trim(loc_);
      if (!location.empty()) locations_->emplace_back(location);
    } else if (depth == 1) {
      in_entry_ = false;
    }
  }

 private:
  bool choose_kind(std::string_view root) {
    if (root == "urlset") {
      entry_name_ = "url";
      locations_ = &sitemap_.pages;
    } else if (root == "sitemapindex") {
      entry_name_ = "sitemap";
      locations_ = &sitemap_.sitemaps;
    }
    return locations_ != nullptr;
  }

  Sitemap& sitemap_;
  std::vector<std::string>* locations_ = nullptr;  // where this kind of sitemap's <loc>s go
  std::string_view entry_name_;                    // "url" or "sitemap"
  bool in_entry_ = false;
  bool in_loc_ = false;
  std::string loc_;
};

// Reads the whole document; false if it is malformed or no sitemap.
bool walk(xmlTextReaderPtr reader, SitemapWalker& walker) {
  int status = 0;
  while ((status = xmlTextReaderRead(reader)) == 1) {
    switch (xmlTextReaderNodeType(reader)) {
      case XML_READER_TYPE_ELEMENT:
        if (!walker.on_element(reader)) return false;
        break;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA:
      case XML_READER_TYPE_WHITESPACE:
      case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: walker.on_text(reader); break;
      case XML_READER_TYPE_END_ELEMENT: walker.on_end_element(reader); break;
      default: break;
    }
  }
  return status == 0 && walker.saw_sitemap_root();  // status 0: the end of a well-formed document
}

}  // namespace

Sitemap parse_sitemap(std::string_view xml) {
  if (xml.empty() || xml.size() > kMaxSitemapBytes) return {};
  detail::init_libxml2();
  detail::QuietLibxml2Errors quiet;
  const Reader reader(xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), /*URL=*/nullptr,
                                         /*encoding=*/nullptr, kReaderOptions));
  if (!reader) return {};

  Sitemap sitemap;
  SitemapWalker walker(sitemap);
  if (!walk(reader.get(), walker)) return {};  // all or nothing: a broken sitemap yields no URLs
  sitemap.valid = true;
  return sitemap;
}

}  // namespace corolab::crawler
