#include "responses.hpp"

#include "corolab/text.hpp"
#include "html.hpp"

namespace corolab::demo_site {

http::Response html_response(int status, std::string body) {
  return http::Response::text(status, std::move(body), std::string(kHtmlContentType));
}

http::Response text_response(int status, std::string body) {
  return http::Response::text(status, std::move(body));
}

http::Response redirect_response(int status, std::string location) {
  http::Response response = text_response(status, "Moved to " + location + "\n");
  response.headers.set("Location", std::move(location));
  return response;
}

http::Response not_found_response(std::string_view target) {
  return html_response(404,
                       "<!DOCTYPE html>\n<html><head><title>Not found</title></head><body>\n"
                       "<h1>404 Not Found</h1>\n<p>This site has no page at " +
                           text::escape_markup(target) + ".</p>\n</body></html>\n");
}

}  // namespace corolab::demo_site
