#include "server/distributed/rest_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"

namespace sluice::distributed {

namespace {

// libcurl's global state, set up once for the process.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

long Millis(absl::Duration d) { return static_cast<long>(absl::ToInt64Milliseconds(d)); }

}  // namespace

RestClient::RestClient(RestClientOptions options) : options_(std::move(options)) {
  InitCurlOnce();
}

absl::StatusOr<RestResponse> RestClient::Send(const RestRequest& request) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) {
    return absl::InternalError("Failed to start RestClient: libcurl could not make a handle");
  }
  CURL* c = curl.get();
  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add_header("Accept: application/json");
  if (request.body.has_value()) add_header("Content-Type: application/json");
  if (request.signature.has_value()) {
    add_header(absl::StrCat("X-Connect-Authorization: ", request.signature->signature));
    add_header(absl::StrCat("X-Connect-Request-Signature-Algorithm: ",
                            request.signature->algorithm));
  }
  // libcurl would ask large bodies to "Expect: 100-continue"; Java's client does not.
  add_header("Expect:");
  std::string response_body;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kafka-connect");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, Millis(options_.timeout));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, Millis(options_.connect_timeout));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response_body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.body.has_value()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body->size()));
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.verify_host) curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  if (!options_.cert_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, options_.cert_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, options_.key_file.c_str());
  }
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("IO Error trying to forward REST request: ",
                                               error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  RestResponse out;
  out.status = static_cast<int>(status);
  if (out.status != 204) out.body = std::move(response_body);
  return out;
}

absl::Status ErrorOf(const RestResponse& response, int* http_status) {
  if (response.status >= 200 && response.status < 300) return absl::OkStatus();
  if (response.status >= 400) {
    if (http_status != nullptr) *http_status = response.status;
    absl::StatusOr<Value> parsed = formats::ParseSchemaless(response.body);
    const Value* message = parsed.ok() && parsed->kind() == Value::Kind::kMap
                               ? parsed->Find("message")
                               : nullptr;
    if (message != nullptr && message->kind() == Value::Kind::kString) {
      return absl::UnknownError(message->string());
    }
    return absl::UnknownError(response.body);
  }
  if (http_status != nullptr) *http_status = 500;
  return absl::UnknownError(absl::StrCat(
      "Unexpected status code when handling forwarded request: ", response.status));
}

}  // namespace sluice::distributed
