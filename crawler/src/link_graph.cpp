// The link graph as a map of the site: see link_graph.hpp for why it looks
// the way it does. Written in four parts: the folders with their pages, the
// outside hosts, the links worth drawing, and the legend.
#include "corolab/crawler/link_graph.hpp"

#include <fmt/core.h>

#include <cmath>
#include <string_view>
#include <vector>

#include "corolab/text.hpp"

namespace corolab::crawler {

namespace {

constexpr std::size_t kFolderLevels = 2;      // /a/b/c/page.html is drawn in /a/b/
constexpr std::size_t kLongestLabel = 28;     // page labels are cut after this many bytes
constexpr std::string_view kOutside = "out";  // outside hosts' node names start with it
constexpr double kLabelAspect = 3;            // a page's box: about 3 times wider than tall

// osage packs a cluster's boxes in a grid: so many columns make it square.
std::string columns_for(double boxes) {
  return fmt::format("array{}", std::max(1, static_cast<int>(std::ceil(std::sqrt(boxes)))));
}

// Each colour, and what the legend says it means.
struct Look {
  std::string_view meaning;
  std::string_view colour;
};

Look look_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::fetched: return {"page fetched", "palegreen"};
    case Outcome::not_html: return {"file, not HTML", "khaki"};
    case Outcome::redirect: return {"redirect", "lightblue"};
    case Outcome::http_error:
    case Outcome::network_error: return {"broken: HTTP or network error", "salmon"};
    case Outcome::too_large: return {"too large to fetch", "orange"};
    case Outcome::blocked_by_robots: return {"blocked by robots.txt", "plum"};
    case Outcome::limit_reached: return {"not fetched: a limit was reached", "white"};
    case Outcome::out_of_scope: return {"another host (out of scope), one node each", "lightgrey"};
    case Outcome::nofollow: return {"not followed: the links to it said nofollow", "wheat"};
    default: return {to_string(outcome), "grey70"};  // an outcome this map has no colour for
  }
}

// A DOT string: markup as entities (Graphviz decodes them), backslashes
// doubled (Graphviz reads \N, \l ... as escapes), line breaks as \n.
std::string dot_text(std::string_view text) {
  std::string escaped = "\"";
  for (const char c : text::escape_markup(text)) {
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    if (c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped + '"';
}

// A normalized URL's two halves: "http://h:8080" and "/a/b.html?x=1".
std::pair<std::string_view, std::string_view> split_origin(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t path = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path == std::string_view::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

std::string_view host_of(std::string_view origin) {
  const std::size_t scheme_end = origin.find("://");
  return scheme_end == std::string_view::npos ? origin : origin.substr(scheme_end + 3);
}

// What a page's box says: the last piece of its path, with its query.
std::string label_of(std::string_view path_and_query) {
  const std::size_t query = path_and_query.find('?');
  const std::size_t last_slash = path_and_query.rfind('/', query);
  std::string label(path_and_query.substr(last_slash + 1));
  if (label.empty() || label.front() == '?') label = "/" + label;
  if (label.size() > kLongestLabel) label = label.substr(0, kLongestLabel) + "...";
  return label;
}

// A folder of the site: its pages, and its folders by name.
struct Folder {
  std::vector<const ReportedUrl*> pages;
  std::map<std::string, Folder> folders;

  std::size_t size() const {
    std::size_t total = pages.size();
    for (const auto& [name, folder] : folders) total += folder.size();
    return total;
  }
};

// Every URL in scope, filed by origin, then by folder.
std::map<std::string, Folder> file_by_folder(const std::map<std::string, ReportedUrl>& urls) {
  std::map<std::string, Folder> origins;
  for (const auto& [url, reported] : urls) {
    if (reported.outcome == Outcome::out_of_scope) continue;
    const auto [origin, path_and_query] = split_origin(url);
    std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
    Folder* folder = &origins[std::string(origin)];
    for (std::size_t level = 0; level < kFolderLevels; ++level) {
      path.remove_prefix(1);  // the '/' before the next piece
      const std::size_t slash = path.find('/');
      if (slash == std::string_view::npos) break;  // the last piece: the page itself
      folder = &folder->folders[std::string(path.substr(0, slash))];
      path.remove_prefix(slash);
    }
    folder->pages.push_back(&reported);
  }
  return origins;
}

// An outside host: its URLs the crawl found, and the links that lead there.
struct OutsideHost {
  std::size_t urls = 0;
  std::size_t links = 0;
};

class GraphWriter {
 public:
  GraphWriter(std::ostream& out, const std::map<std::string, ReportedUrl>& urls,
              const std::set<std::pair<std::string, std::string>>& links)
      : out_(out), urls_(urls), links_(links) {}

  void write() {
    out_ << "digraph crawl {\n"
         << "  graph [layout=osage, pack=8, fontname=Helvetica, fontsize=" << legend_font_size()
         << ", tooltip=\"the crawl\", labelloc=t, labeljust=l];\n"
            "  node [shape=box, style=filled, fontname=Helvetica, fontsize=8, height=0.2, "
            "margin=\"0.05,0.02\"];\n"
            "  edge [arrowsize=0.5];\n";
    const std::map<std::string, Folder> origins = file_by_folder(urls_);
    out_ << "  packmode=" << columns_for(static_cast<double>(origins.size() + 1)) << ";\n";
    int cluster = 0;
    for (const auto& [origin, folder] : origins) write_folder(origin, folder, &cluster, 1);
    write_outside_hosts(&cluster);
    write_links();
    write_legend();
    out_ << "}\n";
  }

 private:
  void indent(int depth) { out_ << std::string(2 * depth, ' '); }

  // The legend grows with the map, so that it stays readable beside it.
  int legend_font_size() const {
    return std::max(12, static_cast<int>(std::sqrt(static_cast<double>(urls_.size())) / 2));
  }

  // A folder is a cluster: Graphviz draws it as a box around its pages. A
  // folder's own pages get a box of their own beside its folders' boxes.
  void write_folder(const std::string& label, const Folder& folder, int* cluster, int depth) {
    const bool pages_apart = !folder.pages.empty() && !folder.folders.empty();
    const double boxes = pages_apart || folder.pages.empty()
                             ? static_cast<double>(folder.folders.size() + (pages_apart ? 1 : 0))
                             : static_cast<double>(folder.pages.size()) / kLabelAspect;
    const std::string path = depth == 1 ? "/" : label;  // depth 1: the origin, "http://host"
    open_cluster(fmt::format("{} ({})", label, text::count_of(folder.size(), "URL")), boxes,
                 cluster, depth);
    if (pages_apart) {
      open_cluster(
          fmt::format("pages in {} ({})", path, text::count_of(folder.pages.size(), "URL")),
          static_cast<double>(folder.pages.size()) / kLabelAspect, cluster, depth + 1);
    }
    for (const ReportedUrl* page : folder.pages) write_page(*page, depth + 1 + pages_apart);
    if (pages_apart) close_cluster(depth + 1);
    for (const auto& [name, subfolder] : folder.folders)
      write_folder(path + name + "/", subfolder, cluster, depth + 1);
    close_cluster(depth);
  }

  void open_cluster(const std::string& label, double boxes, int* cluster, int depth) {
    indent(depth);
    out_ << "subgraph cluster_" << ++*cluster << " {\n";
    indent(depth + 1);
    out_ << "label=" << dot_text(label) << "; packmode=" << columns_for(boxes)
         << "; style=rounded; color=grey50; fontsize=10;\n";
  }

  void close_cluster(int depth) {
    indent(depth);
    out_ << "}\n";
  }

  void write_page(const ReportedUrl& page, int depth) {
    const Look look = look_of(page.outcome);
    ++counts_[page.outcome];
    std::string status(to_string(page.outcome));
    if (page.status != 0) status += fmt::format(", {}", page.status);
    if (!page.error.empty()) status += ": " + page.error;
    indent(depth);
    out_ << dot_text(page.url) << " [label=" << dot_text(label_of(split_origin(page.url).second))
         << ", fillcolor=" << look.colour << ", URL=" << dot_text(page.url)
         << ", tooltip=" << dot_text(page.url + " (" + status + ")") << "];\n";
  }

  // One node per outside host, its size growing with the links to it.
  void write_outside_hosts(int* cluster) {
    std::map<std::string, OutsideHost> hosts;
    for (const auto& [url, reported] : urls_) {
      if (reported.outcome == Outcome::out_of_scope)
        ++hosts[std::string(host_of(split_origin(url).first))].urls;
    }
    for (const auto& [from, to] : links_) {
      const auto found = urls_.find(to);
      if (found != urls_.end() && found->second.outcome == Outcome::out_of_scope)
        ++hosts[std::string(host_of(split_origin(to).first))].links;
    }
    if (hosts.empty()) return;
    open_cluster(fmt::format("other hosts ({}), not crawled", hosts.size()),
                 static_cast<double>(hosts.size()), cluster, 1);
    const Look look = look_of(Outcome::out_of_scope);
    for (const auto& [host, counts] : hosts) {
      counts_[Outcome::out_of_scope] += 1;
      const std::size_t links = std::max(counts.links, counts.urls);  // no links kept: URLs
      const double size = 0.4 + 0.2 * std::log2(1.0 + static_cast<double>(links));
      out_ << "    " << dot_text(std::string(kOutside) + " " + host)
           << " [shape=ellipse, fillcolor=" << look.colour
           << ", label=" << dot_text(fmt::format("{}\n{}", host, text::count_of(links, "link")))
           << fmt::format(", width={:.2f}, height={:.2f}, ", size, size * 0.6) << "tooltip="
           << dot_text(fmt::format("{}: {} to {}, out of scope", host,
                                   text::count_of(links, "link"),
                                   text::count_of(counts.urls, "URL")))
           << "];\n";
    }
    close_cluster(1);
  }

  // Only the links worth a look: redirects, and links to broken pages.
  void write_links() {
    for (const auto& [from, to] : links_) {
      const auto source = urls_.find(from);
      const auto target = urls_.find(to);
      if (source == urls_.end() || target == urls_.end()) continue;
      if (target->second.outcome == Outcome::out_of_scope) continue;  // counted by its host
      const char* colour = source->second.outcome == Outcome::redirect ? "blue"
                           : is_broken(target->second.outcome)         ? "red"
                                                                       : nullptr;
      if (colour == nullptr) {
        ++links_not_drawn_;
        continue;
      }
      out_ << "  " << dot_text(from) << " -> " << dot_text(to) << " [color=" << colour << "];\n";
    }
  }

  // An HTML-like table as the graph's label: every colour, what it means,
  // how many; then the arrows and what is not drawn.
  void write_legend() {
    std::vector<std::pair<Look, std::size_t>> rows_by_look;  // in the order of Outcome
    for (const auto& [outcome, count] : counts_) {
      const Look look = look_of(outcome);
      if (!rows_by_look.empty() && rows_by_look.back().first.meaning == look.meaning) {
        rows_by_look.back().second += count;  // two outcomes, one colour: broken
      } else {
        rows_by_look.emplace_back(look, count);
      }
    }
    std::string rows;
    for (const auto& [look, count] : rows_by_look) {
      rows += fmt::format(
          "<tr><td bgcolor=\"{}\" width=\"24\"></td><td align=\"left\">{}: {}</td></tr>",
          look.colour, text::escape_markup(look.meaning), count);
    }
    rows += fmt::format(
        "<tr><td><font color=\"red\">&#8594;</font></td><td align=\"left\">a link to a broken "
        "page</td></tr><tr><td><font color=\"blue\">&#8594;</font></td><td align=\"left\">a "
        "redirect</td></tr><tr><td colspan=\"2\" align=\"left\">boxes: folders; {} between "
        "pages not drawn</td></tr>",
        text::count_of(links_not_drawn_, "other link"));
    out_ << "  label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
         << "<tr><td colspan=\"2\"><b>Legend</b></td></tr>" << rows << "</table>>;\n";
  }

  std::ostream& out_;
  const std::map<std::string, ReportedUrl>& urls_;
  const std::set<std::pair<std::string, std::string>>& links_;
  std::map<Outcome, std::size_t> counts_;  // nodes drawn, by outcome
  std::size_t links_not_drawn_ = 0;
};

}  // namespace

void write_link_graph(std::ostream& out, const std::map<std::string, ReportedUrl>& urls,
                      const std::set<std::pair<std::string, std::string>>& links) {
  GraphWriter(out, urls, links).write();
}

}  // namespace corolab::crawler
