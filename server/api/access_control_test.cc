#include "server/api/access_control.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::api {
namespace {

using ::testing::HasSubstr;

constexpr char kPolicy[] = R"({
  "admins": ["admin"],
  "tenants": {
    "orders": {"principals": ["alice", "CN=orders-ci,O=Example"], "max.connectors": 2,
               "max.tasks": 3, "sandbox": {"memory.bytes": 1073741824, "cpu.seconds": 60}},
    "payments": {"principals": ["bob"], "connector.prefix": "pay."}
  }
})";

std::string Basic(absl::string_view user_password) {
  return "Basic " + absl::Base64Escape(user_password);
}

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TenantPolicy> policy = ParseTenantPolicy(kPolicy);
    ASSERT_TRUE(policy.ok()) << policy.status();
    audit_path_ = (std::filesystem::path(::testing::TempDir()) /
                   (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                    ".audit"))
                      .string();
    std::filesystem::remove(audit_path_);
    absl::StatusOr<std::unique_ptr<AccessControl>> control =
        AccessControl::Create({.basic_credentials = {{"alice", "a-pass"}, {"admin", "root"}},
                               .bearer_tokens = {{"tok-bob", "bob"}},
                               .gateway_token = "gw-secret",
                               .policy = *policy,
                               .audit_log_path = audit_path_});
    ASSERT_TRUE(control.ok()) << control.status();
    control_ = *std::move(control);
  }

  Caller Identified(const std::string& principal) {
    absl::StatusOr<Caller> caller = control_->Identify(principal);
    EXPECT_TRUE(caller.ok()) << caller.status();
    return caller.ok() ? *caller : Caller{};
  }

  std::string audit_path_;
  std::unique_ptr<AccessControl> control_;
};

TEST_F(AccessControlTest, AuthenticatesBasicBearerCertificateAndGateway) {
  EXPECT_EQ(*control_->Authenticate({.authorization = Basic("alice:a-pass")}), "alice");
  EXPECT_EQ(*control_->Authenticate({.authorization = "bearer tok-bob"}), "bob");
  EXPECT_EQ(*control_->Authenticate({.certificate_subject = "CN=orders-ci,O=Example"}),
            "CN=orders-ci,O=Example");
  EXPECT_EQ(*control_->Authenticate({.gateway_token = "gw-secret",
                                     .gateway_principal = "CN=orders-ci,O=Example"}),
            "CN=orders-ci,O=Example");
  // A REST caller with a bearer token, the gateway authenticating nobody.
  EXPECT_EQ(*control_->Authenticate({.authorization = "Bearer tok-bob",
                                     .gateway_token = "gw-secret"}),
            "bob");
}

TEST_F(AccessControlTest, BelievesTheMetricsListenerOnlyWithTheGatewaysToken) {
  EXPECT_TRUE(control_->FromMetricsListener({.gateway_token = "gw-secret",
                                             .metrics_listener = true}));
  EXPECT_FALSE(control_->FromMetricsListener({.metrics_listener = true}));
  EXPECT_FALSE(control_->FromMetricsListener({.gateway_token = "gw-wrong",
                                              .metrics_listener = true}));
  EXPECT_FALSE(control_->FromMetricsListener({.gateway_token = "gw-secret"}));
}

TEST_F(AccessControlTest, RefusesWrongMissingAndForgedCredentials) {
  for (const CallCredentials& c : {
           CallCredentials{},
           CallCredentials{.authorization = Basic("alice:wrong")},
           CallCredentials{.authorization = Basic("mallory:a-pass")},
           CallCredentials{.authorization = "Basic not-base64!"},
           CallCredentials{.authorization = "Bearer tok-wrong"},
           // A principal without the gateway's token is not believed.
           CallCredentials{.gateway_principal = "admin"},
           CallCredentials{.gateway_token = "gw-wrong", .gateway_principal = "admin"},
           // The gateway speaking for nobody, while authentication is required; its own
           // certificate is not the caller's.
           CallCredentials{.gateway_token = "gw-secret"},
           CallCredentials{.gateway_token = "gw-secret", .certificate_subject = "CN=worker"},
       }) {
    absl::StatusOr<std::string> who = control_->Authenticate(c);
    ASSERT_FALSE(who.ok()) << *who;
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(who.status().message(), kUnauthenticatedMessage);
  }
}

TEST(AccessControlOpen, EveryCallerIsAnAnonymousAdmin) {
  std::unique_ptr<AccessControl> open = AccessControl::Open();
  EXPECT_FALSE(open->authentication_required());
  EXPECT_EQ(*open->Authenticate({}), kAnonymousPrincipal);
  Caller caller = *open->Identify(kAnonymousPrincipal);
  EXPECT_TRUE(caller.admin);
  EXPECT_TRUE(open->CheckConnector(caller, "anything").ok());
}

TEST(AccessControlCreate, RefusesAPolicyWithoutAuthentication) {
  absl::StatusOr<std::unique_ptr<AccessControl>> control =
      AccessControl::Create({.policy = TenantPolicy{}});
  EXPECT_EQ(control.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(control.status().message(), HasSubstr("needs authentication"));
}

TEST_F(AccessControlTest, TenantsOwnTheirPrefixOnly) {
  Caller alice = Identified("alice");
  Caller bob = Identified("bob");
  Caller admin = Identified("admin");
  EXPECT_TRUE(alice.tenant != nullptr && alice.tenant->name == "orders");
  EXPECT_TRUE(control_->Owns(alice, "orders-db"));
  EXPECT_FALSE(control_->Owns(alice, "pay.ledger"));
  EXPECT_FALSE(control_->Owns(alice, "orders"));  // the prefix is "orders-"
  EXPECT_TRUE(control_->Owns(bob, "pay.ledger"));
  EXPECT_TRUE(control_->Owns(admin, "pay.ledger"));

  absl::Status refused = control_->CheckConnector(alice, "pay.ledger");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.message(),
            "Principal alice of tenant orders may not access connector pay.ledger: the "
            "tenant's connectors are named orders-*");
  EXPECT_EQ(control_->CheckAdmin(alice, "change logger levels").message(),
            "Principal alice may not change logger levels: admins only");
  EXPECT_EQ(control_->Identify("mallory").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AccessControlTest, QuotasCountTheTenantsOtherConnectors) {
  Caller alice = Identified("alice");
  std::map<std::string, ConfigMap> configs = {{"orders-a", {{"tasks.max", "2"}}},
                                              {"pay.x", {{"tasks.max", "50"}}}};
  EXPECT_TRUE(control_->CheckQuota(alice, "orders-b", {{"tasks.max", "1"}}, configs).ok());
  // Replacing orders-a's config counts it once.
  EXPECT_TRUE(control_->CheckQuota(alice, "orders-a", {{"tasks.max", "3"}}, configs).ok());
  absl::Status tasks = control_->CheckQuota(alice, "orders-b", {{"tasks.max", "2"}}, configs);
  EXPECT_EQ(tasks.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(tasks.message(), HasSubstr("may run at most 3 tasks"));
  configs["orders-b"] = {};
  absl::Status count = control_->CheckQuota(alice, "orders-c", {}, configs);
  EXPECT_THAT(count.message(), HasSubstr("may have at most 2 connectors"));
}

TEST_F(AccessControlTest, SandboxLimitsFollowTheTenant) {
  EXPECT_EQ(control_->SandboxLimitsOf("orders-db").memory_bytes, 1073741824);
  EXPECT_EQ(control_->SandboxLimitsOf("orders-db").cpu_seconds, 60);
  EXPECT_EQ(control_->SandboxLimitsOf("pay.ledger"), plugins::SandboxLimits{});
  EXPECT_EQ(control_->SandboxLimitsOf("other"), plugins::SandboxLimits{});
}

TEST_F(AccessControlTest, AuditLinesAreJson) {
  Caller alice = Identified("alice");
  control_->Audit("alice", &alice, "CreateConnector", "orders-db", absl::OkStatus());
  control_->Audit("bob", nullptr, "DeleteConnector", "orders-db",
                  absl::PermissionDeniedError("no \"way\""));
  std::ifstream in(audit_path_);
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  EXPECT_THAT(content, testing::MatchesRegex(
                           "\\{\"time\":\"[0-9T:.-]+Z\",\"principal\":\"alice\",\"tenant\":"
                           "\"orders\",\"action\":\"CreateConnector\",\"connector\":\"orders-db\","
                           "\"allowed\":true,\"outcome\":\"OK\"\\}\n"
                           "\\{\"time\":\"[0-9T:.-]+Z\",\"principal\":\"bob\",\"tenant\":null,"
                           "\"action\":\"DeleteConnector\",\"connector\":\"orders-db\","
                           "\"allowed\":false,\"outcome\":\"PERMISSION_DENIED\",\"message\":"
                           "\"no \\\\\"way\\\\\"\"\\}\n"));
}

TEST(TenantPolicy, RefusesWhatItDoesNotKnow) {
  for (const auto& [json, message] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "the file must hold a JSON object"},
           {R"({"tenant": {}})", "tenant is unknown (admins, tenants)"},
           {R"({"tenants": {"a": {"principals": "x"}}})", "tenant a: principals must be an array"},
           {R"({"tenants": {"a": {"max.tasks": 0}}})", "tenant a: max.tasks must be a positive"},
           {R"({"tenants": {"a": {"sandbox": {"memory": 1}}}})", "sandbox.memory is unknown"},
           {R"({"admins": ["x"], "tenants": {"a": {"principals": ["x"]}}})",
            "principal x is in both the admins and tenant a"},
       }) {
    absl::StatusOr<TenantPolicy> policy = ParseTenantPolicy(json);
    ASSERT_FALSE(policy.ok()) << json;
    EXPECT_THAT(policy.status().message(), HasSubstr(message)) << json;
  }
}

}  // namespace
}  // namespace sluice::api
