// corolab-crawl --demo --workers 3: the demo starts its own redis-server and
// three workers of itself, which share the crawl of the demo site. Their
// records together are the merged output, each URL once; the whole crawl's
// summary, link graph and sitemap come from Redis (--collect). Without
// redis-server on the PATH it says so, and exits 2.
//
// Real time: the processes run at the machine's speed; nothing checks how
// fast. Ctrl-C stops the demo, its workers and its redis-server.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
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

std::vector<std::string> demo_arguments(const TemporaryFolder& folder,
                                        const std::string& pages = "40",
                                        const std::string& latency_ms = "5") {
  return {COROLAB_CRAWL_PATH,  "--demo",
          "--workers",         "3",
          "--demo-pages",      pages,
          "--demo-latency-ms", latency_ms,
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
  // The whole crawl's summary and reports, read from Redis by --collect.
  CHECK(output.find("the whole shared crawl: " + std::to_string(merged.size()) + " URLs") !=
        std::string::npos);
  CHECK(read_text(demo / "site.dot").find(" -> ") != std::string::npos);
  CHECK(read_text(demo / "sitemap.xml").find("<urlset") != std::string::npos);
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

namespace {

// The processes whose command line names `text` (here: the demo's folder,
// which every worker and its redis-server are given).
std::vector<std::string> processes_naming(const std::string& text) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string command_line((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    if (command_line.find(text) != std::string::npos) found.push_back(command_line);
  }
  return found;
}

}  // namespace

// Ctrl-C reaches the demo alone here (kill -INT, as a terminal would send
// it to the demo's process group, which its children are not in): it passes
// it on to the workers, which give their URLs back and exit 130, then stops
// its redis-server. Nothing of it is left running.
TEST_CASE("corolab-crawl --demo --workers stopped with Ctrl-C stops its workers and Redis") {
  TemporaryFolder folder("shared-demo-interrupted");
  const std::filesystem::path log = folder.path / "demo.log";
  const pid_t demo = spawn_logged(demo_arguments(folder, "300", "200"), log);
  const std::filesystem::path first_records = folder.path / "demo" / "worker-1.jsonl";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (urls_in(first_records).size() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(demo, SIGINT);
  const int code = exit_code(demo);
  const std::string output = read_text(log);
  INFO(output);
  CHECK(code == 130);
  CHECK(output.find("stopping: the workers give their URLs back") != std::string::npos);
  CHECK(processes_naming((folder.path / "demo").string()).empty());
  // The demo's table: each worker's exit code, 130 for one stopped.
  CHECK(std::regex_search(output, std::regex("worker 1 +[0-9]+ +130 ")));
  CHECK(std::regex_search(output, std::regex("worker 2 +[0-9]+ +130 ")));
  CHECK(std::regex_search(output, std::regex("worker 3 +[0-9]+ +130 ")));
}
