// A tiny Prometheus text-format (version 0.0.4) builder for /metrics: no global registry, the
// server asks each part for its numbers and writes them here when scraped.
//
//   MetricsWriter out;
//   out.counter("livechat_frames_in_total", "WebSocket frames received", stats.frames_in);
//   out.family("livechat_sockets_open", "Open WebSocket connections", MetricType::gauge);
//   out.sample("livechat_sockets_open", {{"channel", "visitor"}}, stats.visitor_sockets_open);
//   out.histogram("livechat_commit_seconds", "Group commit latency", commit_histogram);
//   respond(out.text());   // Content-Type: text/plain; version=0.0.4
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livechat::server {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

// The Content-Type of the text this file produces.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Latency histogram with fixed upper bounds in seconds (plus the implicit +Inf bucket).
// observe() is thread-safe and lock-free (the store's writer thread may observe while the I/O
// thread renders); a render may see a sample in _count but not yet in _sum, which Prometheus
// tolerates.
class Histogram {
 public:
  // `bounds_seconds` ascending; duplicates and unsorted input are sorted out.
  explicit Histogram(std::vector<double> bounds_seconds = default_latency_bounds());
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // 0.0001 s (100 µs) .. 10 s, roughly x2.5 steps: fits loopback latencies and fsyncs alike.
  static std::vector<double> default_latency_bounds();

  void observe(double seconds);
  void observe_ms(double milliseconds) { observe(milliseconds / 1000.0); }

  const std::vector<double>& bounds() const { return bounds_; }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  // Cumulative count of observations <= bounds()[i] (i < bounds().size()), then +Inf (= count()).
  std::vector<uint64_t> cumulative() const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> buckets_;  // non-cumulative, bounds_.size() + 1 (+Inf)
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

class MetricsWriter {
 public:
  // Writes the # HELP and # TYPE lines of a metric family; follow with sample() calls.
  void family(std::string_view name, std::string_view help, MetricType type);
  // One sample line: name{labels} value.
  void sample(std::string_view name, const MetricLabels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }

  // A single-sample family in one call.
  void counter(std::string_view name, std::string_view help, double value, const MetricLabels& labels = {});
  void gauge(std::string_view name, std::string_view help, double value, const MetricLabels& labels = {});
  // A whole histogram family: _bucket{le=...} lines, _sum and _count.
  void histogram(std::string_view name, std::string_view help, const Histogram& histogram,
                 const MetricLabels& labels = {});
  // Only the sample lines of a histogram (after family(name, ..., MetricType::histogram)), for a
  // family with several label sets.
  void histogram_samples(std::string_view name, const Histogram& histogram, const MetricLabels& labels = {});

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Number formatting as Prometheus expects: integers without exponent or fraction, "+Inf",
// "-Inf", "NaN", else the shortest round-trip form.
std::string format_metric_value(double value);
// A label value with \\, \" and \n escaped.
std::string escape_label_value(std::string_view value);

}  // namespace livechat::server
