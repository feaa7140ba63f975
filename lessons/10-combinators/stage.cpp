// Lesson 10 stage: a coffee shop, on one thread.
//
// One cashier takes an order every 50 ms and puts it on the counter, a
// Channel with room for two orders. Two baristas take orders from the
// counter and need 600 to 900 ms a drink. The cashier is much faster, so the
// counter fills up and the cashier waits for room: backpressure. Ten
// customers, about four seconds.
//
// Ctrl-C (or SIGTERM) closes the shop gracefully: the cashier stops taking
// orders, the baristas make every drink already ordered, and the program
// says what was finished and what was abandoned, then exits 0. (A second
// Ctrl-C, while they finish, quits at once.)
//
// COROLAB_TRACE=trace.json shows it: one row per coroutine, and the
// cashier's waits on the full counter.
#include <fmt/format.h>

#include <chrono>
#include <corolab/cancellation.hpp>
#include <corolab/channel.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/signals.hpp>
#include <corolab/sleep.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task_group.hpp>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using corolab::Channel;
using corolab::Task;
using corolab::TaskGroup;

namespace {

constexpr std::size_t kCounterSpace = 2;                // orders the counter holds
constexpr auto kTakingAnOrder = 50ms;                   // the cashier, per customer
constexpr auto kQuickestDrink = 600ms;                  // a barista, per drink...
constexpr std::chrono::milliseconds kDrinkSpread{300};  // ...plus up to this much

struct Order {
  int number = 0;
  std::string drink;
  std::string customer;
};

std::vector<Order> customers_in_line() {
  const char* drinks[] = {"latte", "espresso", "cappuccino", "flat white", "mocha", "americano"};
  const char* names[] = {"Ada",    "Brian", "Chen", "Dana", "Emil",
                         "Fatima", "Grace", "Hiro", "Ines", "Jonas"};
  std::vector<Order> line;
  for (int i = 0; i < 10; ++i) line.push_back({i + 1, drinks[(i * 5) % 6], names[i]});
  return line;
}

// What happened today, for the closing report.
struct Shop {
  corolab::TimePoint opened;
  std::vector<int> finished;           // order numbers, in the order they were ready
  int orders_taken = 0;                // on the counter, or made
  corolab::Duration cashier_waited{};  // for room on the counter
  bool interrupted = false;
};

corolab::TimePoint now() { return corolab::EventLoop::current().now(); }

double seconds_since(corolab::TimePoint start) {
  return std::chrono::duration<double>(now() - start).count();
}

// "#5 cappuccino for Emil"
std::string describe(const Order& order) {
  return fmt::format("#{} {} for {}", order.number, order.drink, order.customer);
}

void say(const Shop& shop, const std::string& who, const std::string& what) {
  fmt::print("  {:5.2f} s  {:<12} {}\n", seconds_since(shop.opened), who, what);
}

// "#5 mocha for Emil: on the counter (2/2), after waiting 0.15 s for room"
std::string handed_over(const Order& order, const Channel<Order>& counter,
                        corolab::Duration waited) {
  std::string text = describe(order) + ": ";
  if (counter.size() == 0) return text + "straight to a waiting barista";
  text += fmt::format("on the counter ({}/{})", counter.size(), counter.capacity());
  if (waited >= 10ms)
    text += fmt::format(", after waiting {:.2f} s for room",
                        std::chrono::duration<double>(waited).count());
  return text;
}

// Takes the orders, one customer at a time, and puts them on the counter.
// When the counter is full, send() waits: the cashier can go no faster
// than the baristas. Cancelled (Ctrl-C), it stops wherever it is waiting.
Task<void> cashier(std::vector<Order> line, Channel<Order>* counter, Shop* shop) {
  for (Order& order : line) {
    co_await corolab::sleep_for(kTakingAnOrder);
    const corolab::TimePoint ready_to_hand_over = now();
    co_await counter->send(order);
    const corolab::Duration waited = now() - ready_to_hand_over;
    shop->cashier_waited += waited;
    ++shop->orders_taken;
    say(*shop, "cashier", handed_over(order, *counter, waited));
  }
}

// Makes drinks until the counter is closed and empty. Never cancelled: a
// drink that was ordered gets made, even after Ctrl-C.
Task<void> barista(std::string name, int pace, Channel<Order>* counter, Shop* shop) {
  while (true) {
    std::optional<Order> order = co_await counter->receive();
    if (!order) co_return;  // closed, and nothing left on it: home time
    const auto making = kQuickestDrink + kDrinkSpread * ((order->number * pace) % 4) / 3;
    co_await corolab::sleep_for(making);
    shop->finished.push_back(order->number);
    say(*shop, name, describe(*order) + ": ready");
  }
}

// Waits for Ctrl-C; then stops the cashier (only the cashier).
Task<void> close_on_ctrl_c(TaskGroup* front_of_house, Shop* shop) {
  Task<int> ctrl_c = corolab::wait_for_signal(std::vector<int>{SIGINT, SIGTERM});
  const int received = co_await std::move(ctrl_c);
  shop->interrupted = true;
  say(*shop, "doorman",
      fmt::format("{}: closing the doors; the drinks already ordered get made",
                  received == SIGINT ? "Ctrl-C" : "SIGTERM"));
  front_of_house->cancel();
}

Task<void> open_shop(Shop* shop) {
  Channel<Order> counter{kCounterSpace};
  // Three groups, because they stop differently: Ctrl-C cancels the front
  // of house only; the baristas stop when the counter is closed and empty.
  TaskGroup front_of_house;
  TaskGroup baristas;
  TaskGroup doorman;
  front_of_house.spawn(cashier(customers_in_line(), &counter, shop), "cashier");
  baristas.spawn(barista("barista Ana", 1, &counter, shop), "barista Ana");
  baristas.spawn(barista("barista Ben", 2, &counter, shop), "barista Ben");
  doorman.spawn(close_on_ctrl_c(&front_of_house, shop), "doorman");

  co_await front_of_house.join();  // every order taken, or Ctrl-C
  counter.close();                 // no more orders: the baristas finish the rest
  doorman.cancel();                // no need to watch for Ctrl-C any more
  co_await doorman.join();
  co_await baristas.join();
}

std::string numbers(const std::vector<int>& list) {
  std::string text;
  for (int number : list) text += (text.empty() ? "#" : " #") + std::to_string(number);
  return text.empty() ? "none" : text;
}

}  // namespace

int main() {
  corolab::EventLoop loop;
  Shop shop;
  shop.opened = loop.now();
  fmt::print(
      "coffee shop: 1 cashier (an order per {} ms), 2 baristas ({}-{} ms a drink), room for {} "
      "orders "
      "on the counter\n(Ctrl-C closes the shop early)\n",
      kTakingAnOrder.count(), kQuickestDrink.count(), (kQuickestDrink + kDrinkSpread).count(),
      kCounterSpace);
  corolab::sync_wait(open_shop(&shop));

  const int in_line = static_cast<int>(customers_in_line().size());
  std::vector<int> abandoned;
  for (int number = shop.orders_taken + 1; number <= in_line; ++number) abandoned.push_back(number);
  fmt::print("{} after {:.2f} s: finished {} drinks ({}); abandoned {} ({})\n",
             shop.interrupted ? "closed early" : "closed", seconds_since(shop.opened),
             shop.finished.size(), numbers(shop.finished), abandoned.size(), numbers(abandoned));
  fmt::print("the cashier spent {:.2f} s waiting for room on the counter (backpressure)\n",
             std::chrono::duration<double>(shop.cashier_waited).count());
  return 0;
}
