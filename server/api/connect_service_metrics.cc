// ConnectService's GetMetrics: the worker's metrics registry rendered in the format asked for.
#include <string>

#include "server/api/connect_service.h"
#include "server/metrics/exposition.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

grpc::Status ConnectServiceImpl::GetMetrics(grpc::ServerContext*,
                                            const v1::GetMetricsRequest* request,
                                            v1::MetricsExposition* response) {
  if (metrics_ == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "This worker has no metrics registry");
  }
  const metrics::Format format = request->format() == v1::GetMetricsRequest::FORMAT_OPENMETRICS
                                     ? metrics::Format::kOpenMetrics
                                     : metrics::Format::kPrometheusText;
  response->set_content_type(std::string(metrics::ContentType(format)));
  response->set_text(metrics_->Render(format));
  return grpc::Status::OK;
}

}  // namespace sluice::api
