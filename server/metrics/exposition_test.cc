#include "server/metrics/exposition.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace sluice::metrics {
namespace {

std::vector<MetricFamily> SmallRegistry() {
  return {
      MetricFamily{"kafka_connect_worker_connector_startup_attempts_total",
                   "Kafka Connect JMX metric worker",
                   MetricType::kCounter,
                   {Sample{{}, 2}}},
      MetricFamily{"kafka_connect_connector_status",
                   "Kafka Connect status JMX metric type connector",
                   MetricType::kGauge,
                   {Sample{{{"status", "running"}, {"connector", "local-file-source"}}, 1}}},
      MetricFamily{"kafka_connect_worker_rebalance_rebalance_max_time_ms",
                   "Kafka Connect JMX metric rebalance information",
                   MetricType::kGauge,
                   {Sample{{}, std::nan("")}}},
      MetricFamily{"kafka_connect_worker_rebalance_connect_protocol",
                   "Kafka Connect SESSIONED JMX metric type worker rebalance",
                   MetricType::kUnknown,
                   {Sample{{{"connect_protocol", "SESSIONED"}}, 1}}},
      MetricFamily{"empty", "left out", MetricType::kGauge, {}},
  };
}

TEST(ExpositionTest, TextFormatAsTheJmxExporterWritesIt) {
  EXPECT_EQ(Render(SmallRegistry(), Format::kPrometheusText),
            "# HELP kafka_connect_worker_connector_startup_attempts_total Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_attempts_total counter\n"
            "kafka_connect_worker_connector_startup_attempts_total 2.0\n"
            "# HELP kafka_connect_connector_status Kafka Connect status JMX metric type "
            "connector\n"
            "# TYPE kafka_connect_connector_status gauge\n"
            "kafka_connect_connector_status{connector=\"local-file-source\",status=\"running\"} "
            "1.0\n"
            "# HELP kafka_connect_worker_rebalance_rebalance_max_time_ms Kafka Connect JMX "
            "metric rebalance information\n"
            "# TYPE kafka_connect_worker_rebalance_rebalance_max_time_ms gauge\n"
            "kafka_connect_worker_rebalance_rebalance_max_time_ms NaN\n"
            "# HELP kafka_connect_worker_rebalance_connect_protocol Kafka Connect SESSIONED JMX "
            "metric type worker rebalance\n"
            "# TYPE kafka_connect_worker_rebalance_connect_protocol untyped\n"
            "kafka_connect_worker_rebalance_connect_protocol{connect_protocol=\"SESSIONED\"} "
            "1.0\n");
}

TEST(ExpositionTest, OpenMetricsNamesCountersByTheirBaseAndEndsWithEof) {
  EXPECT_EQ(Render(SmallRegistry(), Format::kOpenMetrics),
            "# TYPE kafka_connect_worker_connector_startup_attempts counter\n"
            "# HELP kafka_connect_worker_connector_startup_attempts Kafka Connect JMX metric "
            "worker\n"
            "kafka_connect_worker_connector_startup_attempts_total 2.0\n"
            "# TYPE kafka_connect_connector_status gauge\n"
            "# HELP kafka_connect_connector_status Kafka Connect status JMX metric type "
            "connector\n"
            "kafka_connect_connector_status{connector=\"local-file-source\",status=\"running\"} "
            "1.0\n"
            "# TYPE kafka_connect_worker_rebalance_rebalance_max_time_ms gauge\n"
            "# HELP kafka_connect_worker_rebalance_rebalance_max_time_ms Kafka Connect JMX "
            "metric rebalance information\n"
            "kafka_connect_worker_rebalance_rebalance_max_time_ms NaN\n"
            "# TYPE kafka_connect_worker_rebalance_connect_protocol unknown\n"
            "# HELP kafka_connect_worker_rebalance_connect_protocol Kafka Connect SESSIONED JMX "
            "metric type worker rebalance\n"
            "kafka_connect_worker_rebalance_connect_protocol{connect_protocol=\"SESSIONED\"} "
            "1.0\n"
            "# EOF\n");
}

TEST(ExpositionTest, EscapesLabelValuesAndHelp) {
  std::vector<MetricFamily> families = {MetricFamily{
      "g", "a \\ \"b\"\nc", MetricType::kGauge, {Sample{{{"l", "x\\y\"z\nw"}}, 0.5}}}};
  EXPECT_EQ(Render(families, Format::kPrometheusText),
            "# HELP g a \\\\ \"b\"\\nc\n"
            "# TYPE g gauge\n"
            "g{l=\"x\\\\y\\\"z\\nw\"} 0.5\n");
  EXPECT_EQ(Render(families, Format::kOpenMetrics),
            "# TYPE g gauge\n"
            "# HELP g a \\\\ \\\"b\\\"\\nc\n"
            "g{l=\"x\\\\y\\\"z\\nw\"} 0.5\n"
            "# EOF\n");
}

TEST(ExpositionTest, ValuesAsJavasDoubleToString) {
  std::string out;
  for (double v : {0.0, 1.0, 0.25, 1e10, 1234567.0, 1e-5, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    AppendValue(v, out);
    out += ' ';
  }
  EXPECT_EQ(out, "0.0 1.0 0.25 1.0E10 1234567.0 1.0E-5 +Inf -Inf ");
}

TEST(ExpositionTest, AcceptHeaderChoosesTheFormat) {
  EXPECT_EQ(FormatForAccept("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;"
                            "q=0.5,*/*;q=0.1"),
            Format::kOpenMetrics);
  EXPECT_EQ(FormatForAccept("text/plain"), Format::kPrometheusText);
  EXPECT_EQ(FormatForAccept(""), Format::kPrometheusText);
  EXPECT_EQ(ContentType(Format::kOpenMetrics),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_EQ(ContentType(Format::kPrometheusText), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace sluice::metrics
