// How the site answers a URL of its graph: most are ordinary pages; the
// /faults/ section's are not.
#include "corolab/demo_site/demo_site.hpp"
#include "corolab/demo_site/site_paths.hpp"
#include "corolab/testing/faulty_bodies.hpp"
#include "html.hpp"
#include "responses.hpp"
#include "special_bodies.hpp"

namespace corolab::demo_site {

http::Response DemoSite::respond_with(const Node& node, int attempt) const {
  switch (node.outcome) {
    case Outcome::redirect:
    case Outcome::redirect_loop: return redirect_response(node.status, node.location);
    case Outcome::server_error_then_ok:
      if (attempt == 1) return text_response(500, "Something went wrong; try again.\n");
      break;
    case Outcome::too_many_requests_then_ok:
      if (attempt == 1) {
        http::Response response = text_response(429, "Too many requests; come back in a second.\n");
        response.headers.set("Retry-After", "1");
        return response;
      }
      break;
    case Outcome::slow: {
      http::Response response = html_response(200, render_page(node));
      response.write_body = testing::SlowBody{.pause = options_.slow_chunk_delay,
                                              .piece_size = options_.slow_chunk_size};
      return response;
    }
    case Outcome::too_large: return html_response(200, huge_page(options_.huge_body_size));
    case Outcome::not_html: {
      const bool pdf = node.target == fault_paths::pdf;
      return http::Response::text(200, pdf ? pdf_document() : png_image(), node.content_type);
    }
    case Outcome::reset: {
      http::Response response = html_response(200, reset_page());
      response.write_body = testing::ResetHalfway{};
      return response;
    }
    default:  // ok and disallowed: an ordinary page
      break;
  }
  if (node.target == fault_paths::malformed) return html_response(200, malformed_page(node));
  return html_response(200, render_page(node));
}

}  // namespace corolab::demo_site
