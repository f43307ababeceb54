#include "common/logging.hpp"

#include <boost/system/system_error.hpp>
#include <mutex>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/checks.hpp"

namespace sysdist {

namespace {
std::string pattern = "%H:%M:%S.%e %^%-5l%$ [%n] %v";

// Hands lines to the tap, on the tap's own thread only (the tap is not thread-safe).
class TapSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set(LogTap tap) {
    std::lock_guard lock(mutex_);
    tap_ = std::move(tap);
    thread_ = std::this_thread::get_id();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!tap_ || std::this_thread::get_id() != thread_ || msg.level < spdlog::level::info) return;
    const auto level = spdlog::level::to_string_view(msg.level);
    tap_(std::string_view(level.data(), level.size()), std::string_view(msg.logger_name.data(), msg.logger_name.size()),
         std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  LogTap tap_;
  std::thread::id thread_;
};

std::shared_ptr<TapSink> tap_sink() {
  static auto sink = std::make_shared<TapSink>();
  return sink;
}
}  // namespace

void set_log_tap(LogTap tap) { tap_sink()->set(std::move(tap)); }

void setup_logging(const std::string& level, const std::string& node_label) {
  spdlog::set_level(spdlog::level::from_str(level));
  pattern = "%H:%M:%S.%e " + node_label + " %^%-5l%$ [%n] %v";
  spdlog::set_pattern(pattern);
}

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  if (auto existing = spdlog::get(component)) return existing;
  std::shared_ptr<spdlog::logger> created;
  try {
    created = spdlog::stdout_color_mt(component);
  } catch (const spdlog::spdlog_ex&) {  // another thread (simulations run in parallel) made it first
    return spdlog::get(component);
  }
  created->sinks().push_back(tap_sink());
  created->set_pattern(pattern);
  created->set_level(spdlog::get_level());
  return created;
}

std::string preview(std::string_view text) {
  constexpr std::size_t max_bytes = 60;
  if (text.size() <= max_bytes) return escaped(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return escaped(text.substr(0, cut)) + "...(" + std::to_string(text.size()) + " bytes)";
}

void LogFailure::operator()(std::exception_ptr failure) const {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& e) {
    if (e.code() == boost::system::errc::operation_canceled) return;  // shutdown or cancel: expected
    logger("node")->error("{} failed: {}", what, e.what());
  } catch (const std::exception& e) {
    logger("node")->error("{} failed: {}", what, e.what());
  }
}

}  // namespace sysdist
