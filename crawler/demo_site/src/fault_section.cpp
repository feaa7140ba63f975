#include "fault_section.hpp"

#include <string>

#include "corolab/demo_site/site_paths.hpp"
#include "html.hpp"
#include "links.hpp"

namespace corolab::demo_site {

namespace {

namespace fp = fault_paths;
constexpr std::string_view kHere = fp::index;  // the folder every link below resolves against

// Makes the section's nodes; every URL in them starts with base_url.
class FaultSection {
 public:
  explicit FaultSection(std::string_view base_url) : base_url_(base_url) {}

  Node index_page() const {
    Node index = html_page(base_url_, fp::index, "Faults");
    index.links = {
        link_home(base_url_),
        link(fp::redirect_1, "A chain of redirects"),
        link(fp::loop_a, "A redirect loop"),
        link(fp::missing, "A page that is not there"),
        link(fp::missing_folder, "A folder that is not there"),
        link(fp::flaky, "A server error that goes away"),
        link(fp::rate_limited, "Too many requests"),
        link(fp::slow, "A slow page"),
        link(fp::huge, "A huge page"),
        link(fp::pdf, "A PDF"),
        link(fp::png, "A picture"),
        link(fp::malformed, "Broken HTML"),
        link(fp::reset, "A connection reset"),
        link_elsewhere(),
    };
    return index;
  }

  // A page whose only links lead back: home, the faults index, another host.
  Node plain_page(std::string_view target, std::string title, Outcome outcome = Outcome::ok,
                  int first_status = 200) const {
    Node page = html_page(base_url_, target, std::move(title));
    page.outcome = outcome;
    page.status = first_status;
    page.links = {link_home(base_url_), link(fp::index, "Faults"), link_elsewhere()};
    return page;
  }

  // A response whose body a crawler does not parse for links.
  Node unparsed(std::string_view target, Outcome outcome, int status,
                std::string_view content_type = "") const {
    Node node;
    node.url = std::string(base_url_) + std::string(target);
    node.target = std::string(target);
    node.outcome = outcome;
    node.status = status;
    node.content_type = std::string(content_type);
    return node;
  }

  // A redirect to `destination`, its Location header written in `form`.
  Node redirect(std::string_view target, int status, std::string_view destination, HrefForm form,
                Outcome outcome = Outcome::redirect) const {
    Node node = unparsed(target, outcome, status);
    node.location = write_reference(form, base_url_, directory_of(target), destination);
    node.redirect_to = std::string(base_url_) + std::string(destination);
    return node;
  }

  // Broken HTML: its truth is its one real link (special_bodies.cpp writes the rest).
  Node malformed_page() const {
    Node page = html_page(base_url_, fp::malformed, "Malformed page");
    page.links = {link(fp::found_in_malformed, "the one real link")};
    return page;
  }

 private:
  Link link(std::string_view target, std::string text) const {
    return link_to(base_url_, kHere, target, HrefForm::relative, std::move(text));
  }

  std::string_view base_url_;
};

}  // namespace

std::vector<Node> fault_section(std::string_view base_url) {
  const FaultSection section(base_url);
  return {
      section.index_page(),

      // Three hops, each Location written another way, then a real page.
      section.redirect(fp::redirect_1, 301, fp::redirect_2, HrefForm::absolute),
      section.redirect(fp::redirect_2, 302, fp::redirect_3, HrefForm::root_relative),
      section.redirect(fp::redirect_3, 301, fp::redirected_here, HrefForm::relative),
      section.plain_page(fp::redirected_here, "You were redirected here"),

      section.redirect(fp::loop_a, 302, fp::loop_b, HrefForm::relative, Outcome::redirect_loop),
      section.redirect(fp::loop_b, 302, fp::loop_a, HrefForm::root_relative,
                       Outcome::redirect_loop),

      section.unparsed(fp::missing, Outcome::not_found, 404),
      section.unparsed(fp::missing_folder, Outcome::not_found, 404),

      // The pages behind a retry link nowhere new, so whether a crawler
      // retries changes what it gets, not where it goes.
      section.plain_page(fp::flaky, "Flaky page", Outcome::server_error_then_ok, 500),
      section.plain_page(fp::rate_limited, "Busy page", Outcome::too_many_requests_then_ok, 429),
      section.plain_page(fp::slow, "Slow page", Outcome::slow),

      section.unparsed(fp::huge, Outcome::too_large, 200, kHtmlContentType),
      section.unparsed(fp::pdf, Outcome::not_html, 200, "application/pdf"),
      section.unparsed(fp::png, Outcome::not_html, 200, "image/png"),
      section.unparsed(fp::reset, Outcome::reset, 200, kHtmlContentType),

      section.malformed_page(),
      section.plain_page(fp::found_in_malformed, "Found in broken HTML"),
  };
}

}  // namespace corolab::demo_site
