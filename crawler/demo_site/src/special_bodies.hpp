#pragma once
// The bodies of the /faults/ pages that are not ordinary generated pages.

#include <cstddef>
#include <string>

#include "corolab/demo_site/site_graph.hpp"

namespace corolab::demo_site {

// Unclosed tags, garbage bytes (invalid UTF-8, control characters, a NUL),
// and in the middle of it node.links[0], the one real link.
std::string malformed_page(const Node& node);

// Exactly `size` bytes of HTML: the start of a page that never ends.
std::string huge_page(std::size_t size);

// A big enough page (64 KiB) that a reset halfway through cuts it off.
std::string reset_page();

// A small PDF. It mentions an <a href>: a crawler that parses it is caught.
std::string pdf_document();

// A 1x1 PNG image.
std::string png_image();

}  // namespace corolab::demo_site
