#include "special_bodies.hpp"

#include <array>
#include <string_view>

namespace corolab::demo_site {

std::string malformed_page(const Node& node) {
  std::string html =
      // (The title is closed: a title's text runs to "</title>", so an unclosed
      // one would swallow the link for a parser that follows the HTML standard.)
      "<html><head><title>Malformed page</title><body>\n"  // no </head>, and no end tags below
      "<div><p>Unclosed tags, <b>bold <i>crossed</b> over</i>, <table><tr><td>a cell\n"
      "Garbage bytes: \xff\xfe\x80\x01\x02; a stray < sign; </nonsense>; <<>>\n";
  const Link& link = node.links.at(0);
  html += "<p>The one real link: <a href=\"" + link.href + "\">" + link.text + "</a>\n";
  html += "A NUL byte: ";
  html += '\0';  // after the link, so a crawler that stops at it still finds the link
  html += " and more.\n<div class=\"unterminated";  // the body ends inside a tag
  return html;
}

std::string huge_page(std::size_t size) {
  constexpr std::string_view kStart =
      "<!DOCTYPE html>\n<html><head><title>Huge page</title></head><body>\n";
  constexpr std::string_view kLine =
      "<p>This page goes on and on, far beyond what a crawler reads.</p>\n";
  std::string html;
  html.reserve(size + kLine.size());
  html += kStart;
  while (html.size() < size) html += kLine;
  html.resize(size);  // exactly `size`: the last line is cut short
  return html;
}

std::string reset_page() {
  constexpr std::size_t kSize = 64 * 1024;
  std::string html = "<!DOCTYPE html>\n<html><head><title>Reset</title></head><body>\n";
  while (html.size() < kSize) html += "<p>The connection is reset before this page ends.</p>\n";
  html += "</body></html>\n";
  return html;
}

std::string pdf_document() {
  return "%PDF-1.4\n"
         "% corolab demo site: not HTML, whatever it contains, e.g. <a "
         "href=\"/faults/inside-pdf.html\">\n"
         "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
         "trailer << /Root 1 0 R >>\n"
         "%%EOF\n";
}

std::string png_image() {
  // Signature, then the IHDR, IDAT and IEND chunks of one transparent pixel.
  constexpr std::array<unsigned char, 70> kBytes = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
      0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
      0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47,
      0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  return std::string(kBytes.begin(), kBytes.end());
}

}  // namespace corolab::demo_site
