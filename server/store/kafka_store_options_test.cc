#include "server/store/kafka_store_options.h"

#include "gtest/gtest.h"

namespace sluice::store {
namespace {

// ConnectUtils.clientIdBase of Kafka Connect 3.9.
TEST(ClientIdBase, IsTheGroupIdThenTheClientIdWhenSet) {
  EXPECT_EQ(ClientIdBase({{"group.id", "connect-cluster"}}), "connect-cluster-");
  EXPECT_EQ(ClientIdBase({{"group.id", "g"}, {"client.id", "w1"}}), "g-w1-");
  EXPECT_EQ(ClientIdBase({{"group.id", "g"}, {"client.id", "  "}}), "g-");
  EXPECT_EQ(ClientIdBase({}), "connect-");
}

}  // namespace
}  // namespace sluice::store
