#include "metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace livechat::server {

// --- Histogram -------------------------------------------------------------------------------

std::vector<double> Histogram::default_latency_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Histogram(std::vector<double> bounds_seconds) : bounds_(std::move(bounds_seconds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  bounds_.erase(std::remove_if(bounds_.begin(), bounds_.end(), [](double b) { return !std::isfinite(b); }),
                bounds_.end());
  buckets_ = std::vector<std::atomic<uint64_t>>(bounds_.size() + 1);
}

void Histogram::observe(double seconds) {
  if (std::isnan(seconds)) return;
  // First bound >= value: Prometheus buckets are "less than or equal".
  std::size_t index = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + seconds, std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::cumulative() const {
  std::vector<uint64_t> out(buckets_.size());
  uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

// --- formatting ------------------------------------------------------------------------------

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
    return std::string(buffer, end);
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

// HELP text escapes only \\ and \n.
std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void append_labels(std::string& out, const MetricLabels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

}  // namespace

// --- MetricsWriter ---------------------------------------------------------------------------

void MetricsWriter::family(std::string_view name, std::string_view help, MetricType type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void MetricsWriter::sample(std::string_view name, const MetricLabels& labels, double value) {
  out_ += name;
  append_labels(out_, labels);
  out_ += ' ';
  out_ += format_metric_value(value);
  out_ += '\n';
}

void MetricsWriter::counter(std::string_view name, std::string_view help, double value, const MetricLabels& labels) {
  family(name, help, MetricType::counter);
  sample(name, labels, value);
}

void MetricsWriter::gauge(std::string_view name, std::string_view help, double value, const MetricLabels& labels) {
  family(name, help, MetricType::gauge);
  sample(name, labels, value);
}

void MetricsWriter::histogram(std::string_view name, std::string_view help, const Histogram& histogram,
                              const MetricLabels& labels) {
  family(name, help, MetricType::histogram);
  histogram_samples(name, histogram, labels);
}

void MetricsWriter::histogram_samples(std::string_view name, const Histogram& histogram, const MetricLabels& labels) {
  std::vector<uint64_t> cumulative = histogram.cumulative();
  const std::vector<double>& bounds = histogram.bounds();
  std::string bucket_name = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    std::string le = i < bounds.size() ? format_metric_value(bounds[i]) : "+Inf";
    out_ += bucket_name;
    append_labels(out_, labels, "le", le);
    out_ += ' ';
    out_ += format_metric_value(static_cast<double>(cumulative[i]));
    out_ += '\n';
  }
  sample(std::string(name) + "_sum", labels, histogram.sum());
  // _count equals the +Inf bucket so the two never disagree within one render.
  sample(std::string(name) + "_count", labels, static_cast<double>(cumulative.back()));
}

}  // namespace livechat::server
