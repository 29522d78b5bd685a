// Prometheus exposition: metric families rendered in the Prometheus text format 0.0.4 or in
// OpenMetrics 1.0.0, byte for byte as the Prometheus JMX exporter (1.x, on client_java 1.x)
// that Strimzi runs in its Kafka Connect pods writes them: labels sorted by name, values as
// Java's Double.toString ("1.0", "NaN", "+Inf"), a counter's samples named <name>_total, HELP
// escaped as client_java escapes it.
#ifndef SLUICE_SERVER_METRICS_EXPOSITION_H_
#define SLUICE_SERVER_METRICS_EXPOSITION_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::metrics {

enum class MetricType { kCounter, kGauge, kUnknown };

// The two formats and their Content-Type headers.
enum class Format { kPrometheusText, kOpenMetrics };
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The format an HTTP Accept header asks for: OpenMetrics when it names
// application/openmetrics-text (as Prometheus's scraper does), else the text format.
Format FormatForAccept(std::string_view accept);
std::string_view ContentType(Format format);

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;  // in any order: rendering sorts them by name
  double value = 0;
};

// One metric family. A counter's `name` may end in _total or not: its samples are written as
// <name without _total>_total either way.
struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
};

// Renders `families` in order (families without samples are left out). OpenMetrics ends with
// "# EOF\n".
std::string Render(const std::vector<MetricFamily>& families, Format format);

// Appends `value` as Java's Double.toString, with +Inf / -Inf for infinities (client_java's
// writeDouble).
void AppendValue(double value, std::string& out);

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_EXPOSITION_H_
