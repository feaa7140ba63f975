// Lesson 07: four programs that read memory after its owner is gone. Each
// scenario runs in a child process built with AddressSanitizer, which
// stops it at the first bad read and prints a report (./corolab check 07
// shows it). Read the report, find what died too early, and fix the code so
// that the scenario runs clean. Only the EXERCISE places need to change.
#include "lifetimes.hpp"

#include <corolab/event_loop.hpp>
#include <coroutine>
#include <deque>
#include <utility>

namespace lesson07 {

using corolab::Task;

// --- 1. A task made now, awaited later --------------------------------------

// #region scenario_1
// #exercise count_words: the task outlives the text it was made with; make it keep its own
Task<std::size_t> count_words(std::string text) { co_return words_in(text); }
// #starter
// Task<std::size_t> count_words(std::string_view text) { co_return words_in(text); }
// #endexercise

Task<std::size_t> words_in_welcome(std::string guest) {
  Task<std::size_t> counting =
      count_words("Dear " + guest + ", welcome to the coroutine workshop.");
  co_return co_await std::move(counting);
}
// #endregion scenario_1

// --- 2. A task per guest, on the loop ---------------------------------------

// #region scenario_2
// #exercise welcome: each welcome reads a guest's name after welcome_all is gone; fix it
Task<void> welcome(std::string guest, Guestbook* book) {
  book->push_back("Welcome, " + guest + "!");
  co_return;
}
// #starter
// Task<void> welcome(const std::string& guest, Guestbook* book) {
//   book->push_back("Welcome, " + guest + "!");
//   co_return;
// }
// #endexercise

Task<void> welcome_all(std::vector<std::string> guests, Guestbook* book) {
  for (const std::string& guest : guests) corolab::EventLoop::current().spawn(welcome(guest, book));
  co_return;  // the welcomes run after this task has ended
}
// #endregion scenario_2

// --- 3. Jobs that make tasks ------------------------------------------------

// #region scenario_3
// #exercise counting_jobs: the tasks read what their lambdas captured after the jobs are gone
// The task of one job. Its parameters are copies in its frame.
Task<void> count_line(std::string line, std::size_t* total) {
  *total += words_in(line);
  co_return;
}

std::vector<Job> counting_jobs(std::vector<std::string> lines, std::size_t* total) {
  std::vector<Job> jobs;
  // The lambda is no coroutine: it hands its captures to one, as parameters.
  for (const std::string& line : lines)
    jobs.push_back([line, total] { return count_line(line, total); });
  return jobs;
}
// #starter
// std::vector<Job> counting_jobs(std::vector<std::string> lines, std::size_t* total) {
//   std::vector<Job> jobs;
//   for (const std::string& line : lines) {
//     jobs.push_back([line, total]() -> Task<void> {
//       *total += words_in(line);
//       co_return;
//     });
//   }
//   return jobs;
// }
// #endexercise

void start_jobs(std::vector<Job> jobs) {
  for (Job& job : jobs) corolab::EventLoop::current().spawn(job(), "job");
}  // the jobs are destroyed here, before any of their tasks has run
// #endregion scenario_3

// --- 4. An awaiter that hands over a letter ----------------------------------

// One reader at a time awaits `box.next_letter()`; post() hands a letter to
// the reader waiting, if any, else keeps it for the next one.
class Letterbox {
 public:
  class NextLetter;
  NextLetter next_letter() noexcept;
  void post(std::string letter);

 private:
  std::deque<std::string> letters_;
  NextLetter* waiting_ = nullptr;  // the awaiter of the reader who waits
};

// The awaiter is the reader's mailbox slot: post() moves the letter into it.
class Letterbox::NextLetter {
 public:
  explicit NextLetter(Letterbox& box) noexcept : box_(box) {}

  bool await_ready() {
    if (box_.letters_.empty()) return false;
    letter_ = std::move(box_.letters_.front());
    box_.letters_.pop_front();
    return true;
  }
  void await_suspend(std::coroutine_handle<> reader) noexcept {
    reader_ = reader;
    box_.waiting_ = this;
  }
  // #exercise next_letter: the reader reads its letter after this awaiter is gone; fix it here
  std::string await_resume() noexcept { return std::move(letter_); }
  // #starter
  // const std::string& await_resume() const noexcept { return letter_; }
  // #endexercise

 private:
  friend class Letterbox;
  Letterbox& box_;
  std::coroutine_handle<> reader_;
  std::string letter_;
};

Letterbox::NextLetter Letterbox::next_letter() noexcept { return NextLetter{*this}; }

void Letterbox::post(std::string letter) {
  if (waiting_ == nullptr) {
    letters_.push_back(std::move(letter));
    return;
  }
  NextLetter* reader = std::exchange(waiting_, nullptr);
  reader->letter_ = std::move(letter);
  // The reader runs now. It may be gone when resume() returns, and its
  // awaiter with it: touch neither after this line.
  reader->reader_.resume();
}

Task<void> postman(Letterbox* box, std::string letter) {
  box->post(std::move(letter));
  co_return;
}

Task<std::size_t> words_in_first_letter(std::string letter) {
  Letterbox box;
  corolab::EventLoop::current().spawn(postman(&box, std::move(letter)), "postman");
  const std::string& first = co_await box.next_letter();
  co_return words_in(first);
}

}  // namespace lesson07
