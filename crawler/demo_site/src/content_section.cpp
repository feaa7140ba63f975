#include "content_section.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>

#include "corolab/demo_site/site_paths.hpp"
#include "links.hpp"
#include "numbered.hpp"
#include "random.hpp"

namespace corolab::demo_site {

namespace {

constexpr std::size_t kFoldersPerLevel = 4;
constexpr std::array<std::string_view, kMaxDepth> kFolderNames = {"section", "topic", "part",
                                                                  "chapter", "unit"};
constexpr std::size_t kPrivatePages = 3;
// How many content pages link to each private page, and to the first tag page.
constexpr std::size_t kPagesLinkingToEach = 3;
constexpr std::size_t kResultsPerTagPage = 5;
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// A link to a page that is not a content page.
struct OtherLink {
  std::string target;
  std::string text;
};

// A content page before it becomes a Node: where it lives, what it links to.
struct ContentPage {
  std::string target;
  std::size_t section = 0;
  std::vector<std::size_t> links_to;     // other content pages, by number
  std::vector<OtherLink> also_links_to;  // private and tag pages
};

std::string title_of(std::size_t number) { return numbered("Page ", number); }

std::string private_page(std::size_t k) {
  return std::string(paths::private_prefix) + numbered("page-", k, ".html");
}

// One folder per level, drawn at random: "/section-3/topic-1/page-42.html".
ContentPage place_page(std::size_t number, std::size_t depth, Random& random) {
  ContentPage page;
  page.target = "/";
  for (std::size_t level = 0; level < depth; ++level) {
    const std::size_t folder = random.below(kFoldersPerLevel);
    if (level == 0) page.section = folder;
    page.target += kFolderNames[level];
    page.target += numbered("-", folder, "/");
  }
  page.target += numbered("page-", number, ".html");
  return page;
}

// A spanning tree first: every page but page 0 gets a link from a page
// numbered before it, so following links from page 0 reaches them all. A
// parent whose links are all used passes the child on to the next page.
void link_spanning_tree(std::vector<ContentPage>& pages, std::size_t per_page, Random& random) {
  for (std::size_t child = 1; child < pages.size(); ++child) {
    std::size_t parent = random.below(child);
    while (pages[parent].links_to.size() >= per_page) parent = (parent + 1) % child;
    pages[parent].links_to.push_back(child);
  }
}

// Then each page's remaining links go to random pages: never itself, never twice.
void add_random_links(std::vector<ContentPage>& pages, std::size_t per_page, Random& random) {
  for (std::size_t from = 0; from < pages.size(); ++from) {
    std::vector<std::size_t>& links = pages[from].links_to;
    while (links.size() < per_page) {
      const std::size_t to = random.below(pages.size());
      if (to != from && std::find(links.begin(), links.end(), to) == links.end())
        links.push_back(to);
    }
  }
}

// A few random content pages link to `target` (a private or tag page).
void link_from_random_pages(std::vector<ContentPage>& pages, std::string_view target,
                            std::string text, Random& random) {
  for (std::size_t i = 0; i < kPagesLinkingToEach; ++i) {
    std::vector<OtherLink>& also = pages[random.below(pages.size())].also_links_to;
    const auto same_target = [&](const OtherLink& link) { return link.target == target; };
    if (std::none_of(also.begin(), also.end(), same_target))
      also.push_back({std::string(target), text});
  }
}

// `count` different content pages drawn at random (all of them if there are fewer).
std::vector<std::size_t> pick_pages(std::size_t count, std::size_t page_count, Random& random) {
  std::vector<std::size_t> picked;
  while (picked.size() < std::min(count, page_count)) {
    const std::size_t page = random.below(page_count);
    if (std::find(picked.begin(), picked.end(), page) == picked.end()) picked.push_back(page);
  }
  return picked;
}

// `base_directory` is not empty on the one page with a <base href>: its
// relative links are written against that folder instead of its own.
Node content_node(const SiteOptions& options, const std::vector<ContentPage>& pages,
                  std::size_t number, std::string_view base_directory, Random& random) {
  const std::string& base_url = options.base_url;
  const ContentPage& page = pages[number];
  Node node = html_page(base_url, page.target, title_of(number));
  std::string from_directory = directory_of(page.target);
  if (!base_directory.empty()) {
    node.base_href = base_url + std::string(base_directory);
    from_directory = std::string(base_directory);
  }
  node.links.push_back(link_home(base_url));
  for (const std::size_t to : page.links_to) {
    node.links.push_back(
        random_link_to(base_url, from_directory, pages[to].target, title_of(to), random));
  }
  for (const OtherLink& also : page.also_links_to) {
    node.links.push_back(random_link_to(base_url, from_directory, also.target, also.text, random));
  }
  node.links.push_back(link_elsewhere());
  return node;
}

// Home links to the first page of each section (the pages are all reachable
// from page 0 anyway, which is always among them), and to /faults/.
Node home_node(const SiteOptions& options, const std::vector<ContentPage>& pages) {
  const std::string& base_url = options.base_url;
  Node home = html_page(base_url, paths::home, "corolab demo site");
  std::array<std::size_t, kFoldersPerLevel> first_in_section;
  first_in_section.fill(kNone);
  for (std::size_t number = pages.size(); number-- > 0;)
    first_in_section[pages[number].section] = number;
  for (const std::size_t number : first_in_section) {
    if (number == kNone) continue;
    home.links.push_back(
        link_to(base_url, "/", pages[number].target, HrefForm::relative, title_of(number)));
  }
  if (options.faults) {
    home.links.push_back(link_to(base_url, "/", fault_paths::index, HrefForm::relative, "Faults"));
  }
  home.links.push_back(link_elsewhere());
  return home;
}

// Two tag pages: a few results each, and a link to each other whose query
// string is written "?name=coroutines&amp;page=2" in the HTML.
Node tag_node(const SiteOptions& options, const std::vector<ContentPage>& pages, std::size_t k,
              Random& random) {
  const std::string& base_url = options.base_url;
  Node node = html_page(base_url, paths::tag_pages[k], numbered("Tagged coroutines, page ", k + 1));
  node.links.push_back(link_home(base_url));
  for (const std::size_t result : pick_pages(kResultsPerTagPage, pages.size(), random)) {
    node.links.push_back(
        random_link_to(base_url, "/", pages[result].target, title_of(result), random));
  }
  const std::size_t other = 1 - k;
  node.links.push_back(link_to(base_url, "/", paths::tag_pages[other], HrefForm::relative,
                               numbered("Tagged coroutines, page ", other + 1)));
  node.links.push_back(link_elsewhere());
  return node;
}

Node private_node(const SiteOptions& options, std::size_t k) {
  const std::string& base_url = options.base_url;
  Node node = html_page(base_url, private_page(k), numbered("Private page ", k));
  node.outcome = Outcome::disallowed;
  const std::size_t next = (k + 1) % kPrivatePages;
  node.links.push_back(link_home(base_url));
  node.links.push_back(link_to(base_url, paths::private_prefix, private_page(next),
                               HrefForm::relative, numbered("Private page ", next)));
  node.links.push_back(link_elsewhere());
  return node;
}

}  // namespace

std::vector<Node> content_section(const SiteOptions& options) {
  Random random(options.seed);
  const std::size_t per_page = std::min(options.links_per_page, options.pages - 1);

  std::vector<ContentPage> pages;
  for (std::size_t number = 0; number < options.pages; ++number) {
    pages.push_back(place_page(number, options.depth, random));
  }
  link_spanning_tree(pages, per_page, random);
  add_random_links(pages, per_page, random);
  for (std::size_t k = 0; k < kPrivatePages; ++k) {
    link_from_random_pages(pages, private_page(k), numbered("Private page ", k), random);
  }
  link_from_random_pages(pages, paths::tag_pages[0], "Tagged coroutines", random);
  const std::size_t page_with_base = random.below(pages.size());
  const std::string base_directory = directory_of(pages[random.below(pages.size())].target);

  std::vector<Node> nodes;
  nodes.push_back(home_node(options, pages));
  for (std::size_t number = 0; number < pages.size(); ++number) {
    const std::string_view base = number == page_with_base ? std::string_view(base_directory) : "";
    nodes.push_back(content_node(options, pages, number, base, random));
  }
  for (std::size_t k = 0; k < paths::tag_pages.size(); ++k) {
    nodes.push_back(tag_node(options, pages, k, random));
  }
  for (std::size_t k = 0; k < kPrivatePages; ++k) nodes.push_back(private_node(options, k));
  return nodes;
}

}  // namespace corolab::demo_site
