// Lesson 07 stage: when things die, around coroutines.
//
// A Loud value prints when it is made and when it dies, and each coroutine
// prints when its body starts. Three timelines, the shapes of the lab's bugs:
//
//   1. a lazy task given a reference to a temporary, then a copy;
//   2. a coroutine lambda, and the closure its captures live in;
//   3. an awaiter made in the co_await expression, and what await_resume
//      hands out of it.
//
// Nothing here reads a dead object: the bodies that would (the buggy
// shapes) only say where they start. Read the order of the lines.
#include <fmt/format.h>

#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <coroutine>
#include <string>
#include <utility>

using corolab::Task;

namespace {

// A string that says when it is made, copied and destroyed.
class Loud {
 public:
  explicit Loud(std::string text) : text_(std::move(text)) { say("made"); }
  Loud(const Loud& other) : text_(other.text_) { say("copied"); }
  ~Loud() { say("dies"); }
  Loud& operator=(const Loud&) = delete;

  const std::string& text() const { return text_; }

 private:
  void say(const char* what) const { fmt::print("      Loud \"{}\" {}\n", text_, what); }
  std::string text_;
};

void say(const char* what) { fmt::print("  {}\n", what); }

// --- 1. a reference parameter, a value parameter ------------------------------

// #region two_parameters
Task<void> by_reference(const Loud& letter) {
  say("by_reference's body starts: `letter` refers to the temporary, dead above");
  (void)letter;  // reading it here would be the lab's first bug
  co_return;
}

Task<void> by_value(Loud letter) {
  say("by_value's body starts and reads its own copy:");
  fmt::print("      \"{}\"\n", letter.text());
  co_return;
}
// #endregion two_parameters

Task<void> parameters() {
  say("Task t = by_reference(Loud{\"Dear Ada\"});");
  Task<void> t = by_reference(Loud{"Dear Ada"});
  say("co_await std::move(t);");
  co_await std::move(t);

  say("Task u = by_value(Loud{\"Dear Grace\"});");
  Task<void> u = by_value(Loud{"Dear Grace"});
  say("co_await std::move(u);");
  co_await std::move(u);
  say("the end of parameters(): u dies, and by_value's frame with it:");
}

// --- 2. a coroutine lambda ----------------------------------------------------

Task<void> lambda() {
  Task<void> t = [] {
    Loud line{"a line"};
    say("auto job = [line]() -> Task<void> {...};  (a copy of line in the closure)");
    auto job = [line]() -> Task<void> {
      say("the lambda's body starts: `line` is a member of the closure, dead above");
      (void)line;  // names it, reads nothing: reading it would be the lab's third bug
      co_return;
    };
    say("return job();  (the frame points to the closure; job and line die at the })");
    return job();
  }();
  say("co_await std::move(t);");
  co_await std::move(t);
}

// --- 3. an awaiter in a temporary ---------------------------------------------

// An awaiter that never suspends and hands out a reference to its member.
class Lends {
 public:
  explicit Lends(std::string text) : letter_(std::move(text)) {}
  ~Lends() { say("    the awaiter dies, and its Loud with it:"); }

  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  const Loud& await_resume() const noexcept { return letter_; }

 private:
  Loud letter_;
};

Task<void> awaiter() {
  say("const Loud& first = co_await Lends{\"a letter\"};");
  const Loud& first = co_await Lends{"a letter"};
  say("the next statement: `first` refers into the awaiter, dead above");
  (void)first;
  say("Loud copy = co_await Lends{\"another letter\"};");
  Loud copy = co_await Lends{"another letter"};
  say("the next statement reads the copy:");
  fmt::print("      \"{}\"\n", copy.text());
}

}  // namespace

int main() {
  fmt::print("1. Parameters: a reference, then a value\n");
  corolab::sync_wait(parameters());
  fmt::print("\n2. A coroutine lambda that captures by value\n");
  corolab::sync_wait(lambda());
  fmt::print("\n3. An awaiter made in the co_await expression\n");
  corolab::sync_wait(awaiter());
}
