#include "corolab/demo_site/write_site.hpp"

#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "corolab/demo_site/demo_site.hpp"
#include "corolab/demo_site/site_paths.hpp"
#include "corolab/sync_wait.hpp"

namespace corolab::demo_site {

namespace {

// "/" -> index.html; "/a/b.html" -> a/b.html; "/tags?x=1&y=2" -> tags/x=1&y=2
std::filesystem::path file_for(std::string_view target) {
  if (target == "/") return "index.html";
  const std::size_t query = target.find('?');
  std::string relative(
      target.substr(1, query == std::string_view::npos ? std::string_view::npos : query - 1));
  if (query != std::string_view::npos) relative += "/" + std::string(target.substr(query + 1));
  return relative;
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out)
    throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
}

// Asks the site for each target, as a server would, and writes the 200s.
Task<WrittenSite> write_pages(DemoSite* site, std::vector<std::string> targets,
                              std::filesystem::path folder) {
  WrittenSite written;
  for (const std::string& target : targets) {
    http::Request request;
    request.method = "GET";
    request.target = target;
    const http::Response response = co_await site->handle(std::move(request));
    if (response.status != 200) continue;  // nothing to serve from a file
    write_file(folder / file_for(target), response.body);
    ++written.files;
    written.bytes += response.body.size();
  }
  co_return written;
}

}  // namespace

WrittenSite write_site(const SiteOptions& options, const std::filesystem::path& folder) {
  if (options.faults)
    throw std::invalid_argument("write_site: the /faults/ section needs a live server");
  SiteOptions instant = options;
  instant.latency = Duration::zero();  // files have no latency: a server may add its own
  DemoSite site(instant);

  std::string paths_txt = std::string(paths::robots_txt) + "\n";
  std::vector<std::string> targets{std::string(paths::robots_txt), std::string(paths::sitemap_xml)};
  for (const std::string& target : site.graph().page_paths()) targets.push_back(target);
  for (const std::string& url : site.graph().polite_crawl()) {
    const Node* node = site.graph().find(url);
    if (node != nullptr && node->status == 200) paths_txt += node->target + "\n";
  }

  const WrittenSite written = sync_wait(write_pages(&site, std::move(targets), folder));
  write_file(folder / "paths.txt", paths_txt);
  return written;
}

}  // namespace corolab::demo_site
