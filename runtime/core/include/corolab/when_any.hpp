#pragma once
// when_any: race tasks; the first to end wins, the others are cancelled.
//
//   std::variant<Page, Page> first =
//       co_await corolab::when_any(fetch(mirror_a), fetch(mirror_b));
//   // first.index() says which mirror answered first
//
// The first task to *end* decides: its value is returned, or its exception
// rethrown. The losers are cancelled and awaited before when_any returns, so
// nothing keeps running in the background; whatever they return or throw
// after losing is dropped. Over a vector of tasks, the result is a
// WhenAnyResult: the winner's index and value.

#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "corolab/detail/result_slot.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"

namespace corolab {

template <typename T>
struct WhenAnyResult {
  std::size_t index;        // which task won
  detail::Stored<T> value;  // what it returned
};

namespace detail {

// What the racers share: the group they run in, and the verdict.
template <typename Result>
struct Race {
  TaskGroup group;
  std::optional<Result> winner;
  std::exception_ptr winner_error;
  bool decided() const noexcept { return winner.has_value() || winner_error != nullptr; }
};

// Runs one racer. The first racer to end, by returning or by throwing,
// decides the race: it records its outcome (make_result turns its value into
// a Result) and asks the others to stop. A racer that ends after that has
// lost, whatever it returns or throws, and must not change the outcome.
template <typename T, typename Result, typename MakeResult>
Task<void> run_racer(Task<T> task, Race<Result>* race, MakeResult make_result) {
  // #exercise run_racer: await the task; the first to end records its outcome and stops the rest
  std::optional<Stored<T>> slot;
  std::exception_ptr error;
  try {
    co_await store_result(std::move(task), &slot);
  } catch (...) {
    error = std::current_exception();  // a racer's error is an outcome, not a group failure
  }
  if (race->decided()) co_return;  // lost the race
  if (error) {
    race->winner_error = error;
  } else {
    race->winner.emplace(make_result(std::move(*slot)));
  }
  race->group.cancel();
  // #starter
  // (void)task;
  // (void)race;
  // (void)make_result;
  // throw std::logic_error("lesson 10: write run_racer");
  // #endexercise
}

// The variadic form's make_result: the value goes into the variant at the
// racer's own index, so that the caller can tell which task won.
template <typename Variant, std::size_t I>
struct PutInVariant {
  template <typename V>
  Variant operator()(V&& value) const {
    return Variant{std::in_place_index<I>, std::forward<V>(value)};
  }
};

// A racer per task, in the race's group, named after its position.
template <typename Variant, typename... Ts, std::size_t... I>
void spawn_racers(Race<Variant>& race, std::index_sequence<I...>, Task<Ts>... tasks) {
  (race.group.spawn(run_racer(std::move(tasks), &race, PutInVariant<Variant, I>{}),
                    "when_any[" + std::to_string(I) + "]"),
   ...);
}

// What when_any gives its caller once the race is over: the winner's value,
// or the winner's error, rethrown.
template <typename Result>
Result race_outcome(Race<Result>& race) {
  if (race.winner_error) std::rethrow_exception(race.winner_error);
  return std::move(*race.winner);
}

}  // namespace detail

template <typename... Ts>
Task<std::variant<detail::Stored<Ts>...>> when_any(Task<Ts>... tasks) {
  static_assert(sizeof...(Ts) > 0, "when_any needs at least one task");
  using Result = std::variant<detail::Stored<Ts>...>;
  detail::Race<Result> race;
  detail::spawn_racers(race, std::index_sequence_for<Ts...>{}, std::move(tasks)...);
  // #exercise end_of_race: when is the race over? Then give its outcome
  co_await race.group.join();
  co_return detail::race_outcome(race);
  // #starter
  // throw std::logic_error("lesson 10: write when_any: the end of the race");
  // #endexercise
}

template <typename T>
Task<WhenAnyResult<T>> when_any(std::vector<Task<T>> tasks) {
  if (tasks.empty()) throw std::invalid_argument("when_any needs at least one task");
  detail::Race<WhenAnyResult<T>> race;
  // #exercise when_any_vector: a racer per task, its result tagged with its index; then the end
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto tag_with_index = [i](detail::Stored<T>&& value) {
      return WhenAnyResult<T>{i, std::move(value)};
    };
    race.group.spawn(detail::run_racer(std::move(tasks[i]), &race, tag_with_index),
                     "when_any[" + std::to_string(i) + "]");
  }
  co_await race.group.join();
  co_return detail::race_outcome(race);
  // #starter
  // throw std::logic_error("lesson 10: write when_any over a vector");
  // #endexercise
}

}  // namespace corolab
