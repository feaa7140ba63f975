#include "links.hpp"

#include "corolab/demo_site/site_paths.hpp"
#include "corolab/text.hpp"
#include "html.hpp"
#include "numbered.hpp"

namespace corolab::demo_site {

Node html_page(std::string_view base_url, std::string_view target, std::string title) {
  Node page;
  page.url = std::string(base_url) + std::string(target);
  page.target = std::string(target);
  page.content_type = std::string(kHtmlContentType);
  page.title = std::move(title);
  return page;
}

Link link_to(std::string_view base_url, std::string_view from_directory, std::string_view target,
             HrefForm form, std::string label, std::string_view fragment) {
  std::string reference = write_reference(form, base_url, from_directory, target);
  if (!fragment.empty()) {
    reference += '#';
    reference += fragment;
  }
  // In HTML an '&' in an attribute is written "&amp;"; the crawler decodes it.
  return Link{text::escape_markup(reference), std::string(base_url) + std::string(target),
              std::move(label)};
}

Link random_link_to(std::string_view base_url, std::string_view from_directory,
                    std::string_view target, std::string text, Random& random) {
  const auto form = static_cast<HrefForm>(random.below(kHrefFormCount));
  const std::string fragment = random.one_in(4) ? numbered("part-", random.below(3) + 1) : "";
  return link_to(base_url, from_directory, target, form, std::move(text), fragment);
}

Link link_home(std::string_view base_url) { return Link{"/", std::string(base_url) + "/", "Home"}; }

Link link_elsewhere() {
  return Link{std::string(paths::elsewhere), std::string(paths::elsewhere), "Elsewhere"};
}

}  // namespace corolab::demo_site
