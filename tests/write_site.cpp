// The demo site written to files (write_site): every page a polite crawler
// requests is there, byte for byte what the live site answers.
#include "corolab/demo_site/write_site.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "corolab/demo_site/demo_site.hpp"
#include "corolab/sync_wait.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using corolab::demo_site::DemoSite;
using corolab::demo_site::SiteOptions;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing: " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string live_body(DemoSite& site, std::string target) {
  corolab::http::Request request;
  request.method = "GET";
  request.target = std::move(target);
  return corolab::sync_wait(site.handle(std::move(request))).body;
}

SiteOptions small_site() {
  SiteOptions options;
  options.pages = 40;
  options.base_url = "http://127.0.0.1:9999";
  return options;
}

}  // namespace

TEST_CASE("a written site holds every page a polite crawler requests, as the live site serves it") {
  TemporaryFolder folder("write-site");
  const corolab::demo_site::WrittenSite written = write_site(small_site(), folder.path);
  DemoSite live(small_site());

  const std::vector<std::string> paths = lines_of(read_file(folder.path / "paths.txt"));
  REQUIRE(paths.front() == "/robots.txt");
  // robots.txt, then every polite-crawl URL the site answers with 200.
  std::size_t pages = 0;
  for (const std::string& url : live.graph().polite_crawl())
    pages += live.graph().find(url)->status == 200;
  CHECK(paths.size() == 1 + pages);
  CHECK(written.files >= paths.size());

  for (const std::string& target : paths) {
    INFO(target);
    fs::path file = target == "/" ? fs::path("index.html") : fs::path(target.substr(1));
    if (const std::size_t query = target.find('?'); query != std::string::npos) {
      file = fs::path(target.substr(1, query - 1)) / target.substr(query + 1);  // tags?x -> tags/x
    }
    CHECK(read_file(folder.path / file) == live_body(live, target));
  }
  CHECK(read_file(folder.path / "sitemap.xml") == live.sitemap_xml());
  // Absolute URLs name the address the files will be served at.
  CHECK(read_file(folder.path / "robots.txt").find("http://127.0.0.1:9999/sitemap.xml") !=
        std::string::npos);
}

TEST_CASE("the /faults/ section cannot be written: it needs a live server") {
  TemporaryFolder folder("write-site");
  SiteOptions options = small_site();
  options.faults = true;
  CHECK_THROWS_AS(write_site(options, folder.path), std::invalid_argument);
}
