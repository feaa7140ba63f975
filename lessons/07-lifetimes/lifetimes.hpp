#pragma once
// Lesson 07: the lab's four scenarios, each a small program with a lifetime
// bug that AddressSanitizer reports (lifetimes.cpp, the exercise). The tests
// run each in a child process of their own (asan_lab.hpp).

#include <corolab/task.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson07 {

// The words of a text: runs of characters other than spaces.
inline std::size_t words_in(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (c == ' ') {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

// 1. The words of a welcome letter to `guest`, counted by a task that is
// made first and awaited a moment later.
corolab::Task<std::size_t> words_in_welcome(std::string guest);

// 2. A welcome for each guest, each written by a task of its own, spawned on
// the current loop, into `book`.
using Guestbook = std::vector<std::string>;
corolab::Task<void> welcome_all(std::vector<std::string> guests, Guestbook* book);

// 3. A job is a function that makes a task. counting_jobs makes one per
// line, each adding the line's words to *total; start_jobs spawns the tasks
// the jobs make, on the current loop.
using Job = std::function<corolab::Task<void>()>;
std::vector<Job> counting_jobs(std::vector<std::string> lines, std::size_t* total);
void start_jobs(std::vector<Job> jobs);

// 4. The words of the first letter a postman (a task spawned on the current
// loop) puts into a letterbox that a reader awaits.
corolab::Task<std::size_t> words_in_first_letter(std::string letter);

}  // namespace lesson07
