#pragma once
// A folder of the test's own under the system's temporary folder, emptied
// when the test starts and removed when it ends. Its name carries the
// process id: ctest runs test cases side by side, and two of them sharing a
// folder (one removing it under the other) fail at random.

#include <unistd.h>

#include <filesystem>
#include <string>

struct TemporaryFolder {
  std::filesystem::path path;

  explicit TemporaryFolder(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("corolab-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TemporaryFolder() { std::filesystem::remove_all(path); }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
};
