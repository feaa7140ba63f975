// corolab-crawl --demo --workers 3: the demo starts its own redis-server and
// three workers of itself, which share the crawl of the demo site. Their
// records together are the merged output, each URL once. Without
// redis-server on the PATH it says so, and exits 2.
//
// Real time: the processes run at the machine's speed; nothing checks how
// fast.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temporary_folder.hpp"

namespace {

int exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> urls_in(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> urls;
  for (std::string line; std::getline(in, line);)
    urls.push_back(nlohmann::json::parse(line).at("url").get<std::string>());
  return urls;
}

std::vector<std::string> demo_arguments(const TemporaryFolder& folder) {
  return {COROLAB_CRAWL_PATH,  "--demo",
          "--workers",         "3",
          "--demo-pages",      "40",
          "--demo-latency-ms", "5",
          "--out-dir",         (folder.path / "demo").string()};
}

}  // namespace

TEST_CASE("corolab-crawl --demo --workers 3 shares the demo crawl among three processes") {
  TemporaryFolder folder("shared-demo");
  const std::filesystem::path log = folder.path / "demo.log";
  const int code = exit_code(spawn_logged(demo_arguments(folder), log));
  const std::string output = read_text(log);
  INFO(output);
  REQUIRE(code == 0);
  CHECK(output.find("3 workers, each corolab-crawl --redis") != std::string::npos);

  const std::filesystem::path demo = folder.path / "demo";
  const std::vector<std::string> merged = urls_in(demo / "crawl.jsonl");
  const std::set<std::string> unique(merged.begin(), merged.end());
  CHECK(unique.size() == merged.size());
  CHECK(merged.size() > 40);
  std::multiset<std::string> from_workers;
  for (int i = 1; i <= 3; ++i) {
    for (const std::string& url : urls_in(demo / ("worker-" + std::to_string(i) + ".jsonl")))
      from_workers.insert(url);
  }
  CHECK(from_workers == std::multiset<std::string>(merged.begin(), merged.end()));
}

TEST_CASE("corolab-crawl --demo --workers without redis-server says so and exits 2") {
  TemporaryFolder folder("shared-demo-no-redis");
  std::filesystem::create_directories(folder.path / "empty");
  std::vector<std::string> args = demo_arguments(folder);
  args.insert(args.begin(), {"env", "PATH=" + (folder.path / "empty").string()});
  const std::filesystem::path log = folder.path / "demo.log";
  const int code = exit_code(spawn_logged(args, log));
  const std::string output = read_text(log);
  INFO(output);
  CHECK(code == 2);
  CHECK(output.find("needs redis-server, which is not installed") != std::string::npos);
}
