#include "server/metrics/exposition.h"

#include <algorithm>
#include <cmath>

#include "sluice/sdk/java_text.h"

namespace sluice::metrics {

namespace {

constexpr std::string_view kTotal = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Label values (both formats) and OpenMetrics HELP: backslash, double quote and newline.
void AppendEscaped(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// The text format's HELP: backslash and newline only.
void AppendEscapedTextHelp(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendMetadata(std::string_view name, std::string_view type, std::string_view help,
                    Format format, std::string& out) {
  auto append_help = [&] {
    if (help.empty()) return;
    out += "# HELP ";
    out += name;
    out += ' ';
    if (format == Format::kOpenMetrics) {
      AppendEscaped(help, out);
    } else {
      AppendEscapedTextHelp(help, out);
    }
    out += '\n';
  };
  // client_java writes HELP then TYPE in the text format, TYPE then HELP in OpenMetrics.
  if (format == Format::kPrometheusText) append_help();
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  if (format == Format::kOpenMetrics) append_help();
}

void AppendSample(std::string_view name, const Sample& sample, std::string& out) {
  out += name;
  if (!sample.labels.empty()) {
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(sample.labels.size());
    for (const auto& label : sample.labels) sorted.push_back(&label);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    out += '{';
    bool first = true;
    for (const auto* label : sorted) {
      if (!first) out += ',';
      first = false;
      out += label->first;
      out += "=\"";
      AppendEscaped(label->second, out);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendValue(sample.value, out);
  out += '\n';
}

}  // namespace

Format FormatForAccept(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos
             ? Format::kOpenMetrics
             : Format::kPrometheusText;
}

std::string_view ContentType(Format format) {
  return format == Format::kOpenMetrics ? kOpenMetricsContentType : kPrometheusTextContentType;
}

void AppendValue(double value, std::string& out) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  AppendJavaDoubleToString(value, out);
}

std::string Render(const std::vector<MetricFamily>& families, Format format) {
  std::string out;
  for (const MetricFamily& family : families) {
    if (family.samples.empty()) continue;
    std::string_view name = family.name;
    switch (family.type) {
      case MetricType::kCounter: {
        const std::string_view base =
            EndsWith(name, kTotal) ? name.substr(0, name.size() - kTotal.size()) : name;
        const std::string total = std::string(base) + std::string(kTotal);
        AppendMetadata(format == Format::kOpenMetrics ? base : std::string_view(total),
                       "counter", family.help, format, out);
        for (const Sample& sample : family.samples) AppendSample(total, sample, out);
        break;
      }
      case MetricType::kGauge:
        AppendMetadata(name, "gauge", family.help, format, out);
        for (const Sample& sample : family.samples) AppendSample(name, sample, out);
        break;
      case MetricType::kUnknown:
        AppendMetadata(name, format == Format::kOpenMetrics ? "unknown" : "untyped", family.help,
                       format, out);
        for (const Sample& sample : family.samples) AppendSample(name, sample, out);
        break;
    }
  }
  if (format == Format::kOpenMetrics) out += "# EOF\n";
  return out;
}

}  // namespace sluice::metrics
