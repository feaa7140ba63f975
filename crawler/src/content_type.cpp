// Content-Type: "text/html; charset=ISO-8859-1". See content_type.hpp.
#include "corolab/crawler/content_type.hpp"

#include "corolab/text.hpp"

namespace corolab::crawler {

namespace {

using text::iequals;
using text::trim;

// `"utf-8"` -> `utf-8`; a missing closing quote is forgiven.
std::string_view unquote(std::string_view value) {
  if (!value.starts_with('"')) return value;
  value.remove_prefix(1);
  return value.substr(0, value.find('"'));
}

}  // namespace

bool is_html_content_type(std::string_view content_type) {
  const std::string_view media_type = trim(content_type.substr(0, content_type.find(';')));
  return iequals(media_type, "text/html") || iequals(media_type, "application/xhtml+xml");
}

std::string charset_of(std::string_view content_type) {
  // The parameters follow the media type, each after a ';'.
  for (std::size_t separator = content_type.find(';'); separator != std::string_view::npos;
       separator = content_type.find(';', separator + 1)) {
    std::string_view parameter = content_type.substr(separator + 1);
    parameter = parameter.substr(0, parameter.find(';'));
    const std::size_t equals = parameter.find('=');
    if (equals == std::string_view::npos ||
        !iequals(trim(parameter.substr(0, equals)), "charset")) {
      continue;
    }
    return text::to_lower(unquote(trim(parameter.substr(equals + 1))));
  }
  return {};
}

}  // namespace corolab::crawler
