#pragma once
// What a Content-Type header says about a body: is it a page to read for
// links, and in which charset ("text/html; charset=ISO-8859-1").

#include <string>
#include <string_view>

namespace corolab::crawler {

// From a Content-Type header: is the body an HTML page (text/html or
// application/xhtml+xml, any case, parameters ignored)?
bool is_html_content_type(std::string_view content_type);
// The charset it names, lowercase and unquoted ("text/html; charset=\"UTF-8\""
// -> "utf-8"); empty if it names none.
std::string charset_of(std::string_view content_type);

}  // namespace corolab::crawler
