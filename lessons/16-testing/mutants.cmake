# Lesson 16's mutants: retrying_get.cpp broken on purpose, one way each.
# Your tests must pass against the real client and fail against every one
# of these (corolab_mutant is in cmake/CorolabLessons.cmake). The second
# argument completes "the client that ...", in `./corolab check 16`'s report
# (keep it short: one line). Each text must appear exactly once in
# retrying_get.cpp; its replacement follows it.
# (Spoilers: the exercise is to catch them without reading this first.)

corolab_mutant(retries_501 "retries a 501"
  [[    case 502:  // Bad Gateway]]
  [[    case 501:  // Not Implemented
    case 502:  // Bad Gateway]])

corolab_mutant(no_retry_503 "does not retry a 503"
  [[    case 503:  // Service Unavailable
]] "")

corolab_mutant(no_retry_reset "does not retry a reset"
  [[kind == ErrorKind::reset || ]] "")

corolab_mutant(no_backoff "does not wait"
  [[    co_await corolab::sleep_for(wait);]]
  [[    (void)wait;]])

corolab_mutant(backoff_does_not_grow "never grows its backoff"
  [[    backoff = std::chrono::duration_cast<Duration>(backoff * policy.multiplier);
]] "")

corolab_mutant(ignores_retry_after "ignores Retry-After"
  [[      wait = retry_after(response).value_or(backoff);
]] "")

corolab_mutant(never_gives_up "never gives up"
  [[    const bool last_attempt = attempt >= policy.max_attempts;]]
  [[    const bool last_attempt = attempt < 0;]])

corolab_mutant(waits_after_the_last_attempt "waits after its last try"
  [[      if (last_attempt || !worth_retrying(response.status)) co_return response;]]
  [[      if (!worth_retrying(response.status)) co_return response;
      if (last_attempt) {
        co_await corolab::sleep_for(backoff);
        co_return response;
      }]])

corolab_mutant(leaks_a_timer "leaks a timer"
  [[#include <corolab/sleep.hpp>]]
  [[#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>]]
  [[corolab::Task<ClientResponse> get_with_retries(]]
  [[corolab::Task<void> watchdog(Duration limit) { co_await corolab::sleep_for(limit); }

corolab::Task<ClientResponse> get_with_retries(]]
  [[  Duration backoff = policy.first_backoff;]]
  [[  corolab::EventLoop::current().spawn(watchdog(policy.first_backoff * 100));
  Duration backoff = policy.first_backoff;]])

corolab_mutant(system_clock "sleeps on the system clock"
  [[    co_await corolab::sleep_for(wait);]]
  [[    co_await corolab::sleep_until(corolab::Clock::now() + wait);]])
