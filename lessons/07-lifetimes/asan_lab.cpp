// Lesson 07's harness: see asan_lab.hpp.
#include "asan_lab.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <sstream>
#include <system_error>

namespace lesson07 {
namespace {

struct CloseFile {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, CloseFile>;

// An unnamed file that vanishes when closed: the child writes, the parent
// reads. (A pipe could fill up and block a child that writes a long report.)
File temporary_file() {
  File file(std::tmpfile());
  if (!file) throw std::system_error(errno, std::generic_category(), "tmpfile");
  return file;
}

// The whole file, from its start: the child moved the offset the two share.
std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, file))
    text.append(buffer, got);
  return text;
}

void write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

// The child's life: run, write down the result, and leave at once, without
// running the destructors and atexit handlers it shares with its parent (nor
// a second Catch2 summary).
[[noreturn]] void be_the_child(const std::function<std::string()>& scenario, unsigned seconds,
                               std::FILE* errors, std::FILE* result) {
  ::dup2(::fileno(errors), STDERR_FILENO);
  // With ASAN_OPTIONS=abort_on_error=1 (the asan presets' tests) a report
  // ends in abort(): let it end the child, not Catch2's handler inherited
  // from the parent, which would print a test report of its own.
  std::signal(SIGABRT, SIG_DFL);
  ::alarm(seconds);  // a scenario that hangs is killed by SIGALRM
  int exit_code = 0;
  std::string text;
  try {
    text = scenario();
  } catch (const std::exception& error) {
    text = std::string("the scenario threw: ") + error.what();
    exit_code = 2;
  }
  write_all(::fileno(result), text);
  ::_exit(exit_code);
}

// "    #3 0x55d0c2a3b1f4 in f(int) /work/x/y.cpp:12:5" -> "    #3 in f(int) y.cpp:12:5"
std::string without_address_and_folders(const std::string& frame) {
  std::string line = frame;
  const std::size_t build_id = line.find(" (BuildId: ");  // clang's runtime adds it
  if (build_id != std::string::npos) line.erase(build_id);
  const std::size_t address = line.find(" 0x");
  const std::size_t in = line.find(" in ");
  if (address != std::string::npos && in != std::string::npos && address < in) {
    line.erase(address, in - address);
  }
  const std::size_t last_space = line.rfind(' ');
  const std::size_t slash = line.rfind('/');
  if (last_space != std::string::npos && slash != std::string::npos && slash > last_space) {
    line.erase(last_space + 1, slash - last_space);
  }
  return line;
}

bool starts_with(const std::string& line, const char* prefix) { return line.rfind(prefix, 0) == 0; }

// Frames a reader skips: inside the sanitizer, or the standard library.
bool is_plumbing(const std::string& frame) {
  return frame.find("libsanitizer") != std::string::npos ||
         frame.find("compiler-rt") != std::string::npos ||
         frame.find("/include/c++/") != std::string::npos ||
         frame.find("libstdc++") != std::string::npos ||
         frame.find("libc.so") != std::string::npos ||
         frame.find(" in _start") != std::string::npos;
}

}  // namespace

bool ChildRun::reported() const {
  return errors.find("ERROR: AddressSanitizer") != std::string::npos;
}

ChildRun run_in_child(const std::function<std::string()>& scenario, unsigned seconds) {
  File errors = temporary_file();
  File result = temporary_file();
  std::fflush(nullptr);  // else output buffered now would be written twice, once by each
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) be_the_child(scenario, seconds, errors.get(), result.get());

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  ChildRun run;
  run.exited = WIFEXITED(status);
  run.exit_code = run.exited ? WEXITSTATUS(status) : 0;
  run.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  run.result = read_all(result.get());
  run.errors = read_all(errors.get());
  return run;
}

std::string gist_of_report(const std::string& report) {
  std::istringstream lines(report);
  std::string line, gist;
  int frames_shown = 0;  // in the current stack
  int frames_left_out = 0;
  while (std::getline(lines, line)) {
    if (starts_with(line, "Shadow bytes")) break;  // the memory map: for experts
    const bool frame = starts_with(line, "    #");
    if (frame) {
      if (is_plumbing(line) || frames_shown == 4) {
        ++frames_left_out;
        continue;
      }
      ++frames_shown;
      gist += without_address_and_folders(line) + '\n';
      continue;
    }
    frames_shown = 0;
    const std::size_t error = line.find("ERROR: AddressSanitizer: ");
    if (error != std::string::npos) {
      // "==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x6.. at pc .."
      const std::size_t at_pc = line.find(" at pc ");
      gist += line.substr(error, at_pc == std::string::npos ? std::string::npos : at_pc - error);
      gist += '\n';
    } else if (line.find(" of size ") != std::string::npos || starts_with(line, "freed by") ||
               starts_with(line, "previously allocated by") || starts_with(line, "SUMMARY:") ||
               starts_with(line, "The signal is caused by")) {
      gist += line + '\n';
    }
  }
  if (frames_left_out > 0) {
    gist += "(" + std::to_string(frames_left_out) +
            " frames of the sanitizer and the standard library, or deeper, left out)\n";
  }
  return gist;
}

}  // namespace lesson07
