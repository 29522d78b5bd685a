// The assignors against Kafka Connect 3.9.1's own. Every expected assignment below (and every
// member's reported assignment fed in) comes from Kafka 3.9.1's IncrementalCooperativeAssignor
// and EagerAssignor, run through WorkerCoordinator's entry point (performAssignment) by a
// throwaway Java program, generation after generation, with the members simulated as
// WorkerCoordinator does it (each reports in its metadata what it runs: what it was given, plus
// what it kept of before, less what was revoked) and a fake clock. A step's members are in the
// coordinator's order; its snapshot is the one Java's leader assigned from.
//
// An assignment reads "v<version> error=<code> leader=<id> url=<leader url> offset=<config
// offset> assigned=[<entries>] revoked=[<entries>] delay=<ms>", each entry "<connector>:<tasks>"
// with -1 for the connector itself, in the order Java writes them on the wire.
#include "server/distributed/assignor.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sluice::distributed {
namespace {

struct MemberInput {
  std::string id;
  std::string url;
  int64_t config_offset = 0;
  std::string reported;  // the assignment in its metadata; "" for none
};

struct ExpectedAssignment {
  std::string id;
  std::string assignment;
};

struct Step {
  std::string comment;
  int32_t generation = 0;
  int32_t last_completed_generation = -1;
  int64_t now_ms = 0;
  bool fresh_assignor = false;  // a new leader: a new assignor
  std::string leader;
  ConfigSnapshot snapshot;
  std::vector<MemberInput> members;
  std::vector<ExpectedAssignment> expected;
};

std::string Entries(const std::vector<ConnectorAssignment>& entries) {
  return absl::StrJoin(entries, " ", [](std::string* out, const ConnectorAssignment& e) {
    absl::StrAppend(out, e.connector, ":", absl::StrJoin(e.tasks, ","));
  });
}

std::string Describe(const ConnectAssignment& a) {
  return absl::StrCat("v", a.version, " error=", static_cast<int>(a.error), " leader=", a.leader,
                      " url=", a.leader_url, " offset=", a.config_offset, " assigned=[",
                      Entries(a.assigned), "] revoked=[", Entries(a.revoked),
                      "] delay=", absl::ToInt64Milliseconds(a.delay));
}

std::vector<ConnectorAssignment> ParseEntries(const std::string& text) {
  std::vector<ConnectorAssignment> entries;
  for (absl::string_view entry : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    const size_t colon = entry.rfind(':');
    ConnectorAssignment e{std::string(entry.substr(0, colon)), {}};
    for (absl::string_view t : absl::StrSplit(entry.substr(colon + 1), ',')) {
      int32_t task = 0;
      EXPECT_TRUE(absl::SimpleAtoi(t, &task)) << entry;
      e.tasks.push_back(task);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::unique_ptr<Assignor> NewAssignor(ConnectProtocolCompatibility protocol,
                                      absl::Duration max_delay, const absl::Time* clock) {
  if (protocol == ConnectProtocolCompatibility::kEager) return NewEagerAssignor();
  return NewIncrementalCooperativeAssignor(max_delay, [clock] { return *clock; });
}

// Runs the steps, generation after generation, on one assignor (a new one where a step says
// so), comparing every member's assignment.
void RunScenario(ConnectProtocolCompatibility protocol, absl::Duration max_delay,
                 const std::vector<Step>& steps) {
  absl::Time now = absl::UnixEpoch();
  std::unique_ptr<Assignor> assignor = NewAssignor(protocol, max_delay, &now);
  for (const Step& step : steps) {
    SCOPED_TRACE(absl::StrCat("generation ", step.generation, ": ", step.comment));
    if (step.fresh_assignor) assignor = NewAssignor(protocol, max_delay, &now);
    now = absl::FromUnixMillis(step.now_ms);
    LeaderInput in;
    in.generation = step.generation;
    in.last_completed_generation = step.last_completed_generation;
    in.protocol = protocol;
    in.leader_id = step.leader;
    for (const MemberInput& m : step.members) {
      WorkerMetadata metadata;
      metadata.version = ProtocolVersion(protocol);
      metadata.url = m.url;
      metadata.config_offset = m.config_offset;
      if (!m.reported.empty()) {
        metadata.assignment.emplace();
        metadata.assignment->assigned = ParseEntries(m.reported);
      }
      in.members.push_back({m.id, std::move(metadata)});
    }
    absl::StatusOr<std::map<std::string, ConnectAssignment>> got =
        assignor->Assign(in, step.snapshot);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->size(), step.expected.size());
    for (const ExpectedAssignment& want : step.expected) {
      auto it = got->find(want.id);
      ASSERT_NE(it, got->end()) << want.id;
      EXPECT_EQ(Describe(it->second), want.assignment) << want.id;
    }
  }
}

LeaderInput TwoMembers(ConnectProtocolCompatibility protocol, const std::string& leader) {
  LeaderInput in;
  in.generation = 1;
  in.protocol = protocol;
  in.leader_id = leader;
  for (const char* id : {"connect-1-5f0c2a", "connect-2-91d7e4"}) {
    WorkerMetadata metadata;
    metadata.url = absl::StrCat("http://", id, ":8083/");
    metadata.config_offset = 3;
    in.members.push_back({id, metadata});
  }
  return in;
}

const ConfigSnapshot kTwoConnectors{3, {{"orders-jdbc", 2}, {"clicks-s3", 1}}};

TEST(Assignor, RefusesALeaderThatIsNotAMember) {
  absl::Time now = absl::UnixEpoch();
  std::vector<std::unique_ptr<Assignor>> assignors;
  assignors.push_back(NewEagerAssignor());
  assignors.push_back(NewIncrementalCooperativeAssignor(absl::Minutes(5), [&] { return now; }));
  for (std::unique_ptr<Assignor>& assignor : assignors) {
    absl::StatusOr<std::map<std::string, ConnectAssignment>> got = assignor->Assign(
        TwoMembers(ConnectProtocolCompatibility::kSessioned, "connect-9-gone"), kTwoConnectors);
    EXPECT_EQ(got.status(),
              absl::InvalidArgumentError("The leader connect-9-gone is not among the group's "
                                         "members"));
    LeaderInput none;
    none.leader_id = "connect-1-5f0c2a";
    EXPECT_EQ(assignor->Assign(none, kTwoConnectors).status(),
              absl::InvalidArgumentError("No members to assign to"));
  }
}

TEST(IncrementalCooperativeAssignor, RefusesTheEagerProtocol) {
  absl::Time now = absl::UnixEpoch();
  std::unique_ptr<Assignor> assignor =
      NewIncrementalCooperativeAssignor(absl::Minutes(5), [&] { return now; });
  EXPECT_EQ(assignor
                ->Assign(TwoMembers(ConnectProtocolCompatibility::kEager, "connect-1-5f0c2a"),
                         kTwoConnectors)
                .status(),
            absl::InvalidArgumentError("The incremental cooperative assignor serves the "
                                       "compatible and sessioned protocols, not default"));
}

// As WorkerCoordinator.onLeaderElected: eager for `default`, else the incremental assignor,
// one instance kept across generations.
TEST(ConnectAssignor, ChoosesTheAssignorByTheGroupsProtocol) {
  absl::Time now = absl::UnixEpoch();
  std::unique_ptr<Assignor> both = NewConnectAssignor(absl::Minutes(5), [&] { return now; });
  std::unique_ptr<Assignor> eager = NewEagerAssignor();
  std::unique_ptr<Assignor> incremental =
      NewIncrementalCooperativeAssignor(absl::Minutes(5), [&] { return now; });

  const LeaderInput eager_in = TwoMembers(ConnectProtocolCompatibility::kEager,
                                          "connect-1-5f0c2a");
  absl::StatusOr<std::map<std::string, ConnectAssignment>> got =
      both->Assign(eager_in, kTwoConnectors);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, *eager->Assign(eager_in, kTwoConnectors));
  EXPECT_EQ(got->at("connect-1-5f0c2a").version, 0);

  LeaderInput sessioned = TwoMembers(ConnectProtocolCompatibility::kSessioned,
                                     "connect-1-5f0c2a");
  for (int generation = 1; generation <= 2; ++generation) {
    sessioned.generation = generation;
    sessioned.last_completed_generation = generation - 1;
    got = both->Assign(sessioned, kTwoConnectors);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, *incremental->Assign(sessioned, kTwoConnectors));
    // The second round: the members report nothing running, so their first-round work is lost
    // while every previous member is still here, and is given out again at once.
    EXPECT_FALSE(got->at("connect-1-5f0c2a").assigned.empty());
  }
}

TEST(IncrementalCooperativeAssignor, RevokesToMakeRoomForAJoiningWorker) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "all rejoin: nothing moves",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fourth worker joins: the others give up their extras",
       .generation = 3, .last_completed_generation = 2, .now_ms = 2000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:-1,0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:0] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up rebalance gives the revoked ones to the new worker",
       .generation = 4, .last_completed_generation = 3, .now_ms = 2100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 orders-jdbc:3 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0 clicks-s3:0] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "settled",
       .generation = 5, .last_completed_generation = 4, .now_ms = 3000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 orders-jdbc:3 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,0 clicks-s3:0"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, BacksOffSuccessiveRevokingRebalances) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,2,5,8 audit-log:-1,0 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[payments:-1,0 clicks-s3:-1,0,3,6 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,0,3 users-cdc:-1,1,4 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fourth joins: revoke",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,2,5,8 audit-log:-1,0 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "payments:-1,0 clicks-s3:-1,0,3,6 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,0,3 users-cdc:-1,1,4 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:2,5,8] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[payments:-1,0 clicks-s3:0] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:0,3] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fifth joins in the follow-up: a second revoking round waits 40 ms",
       .generation = 3, .last_completed_generation = 2, .now_ms = 1100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1 audit-log:-1,0 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,3,6 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1 users-cdc:-1,1,4 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5] "
            "revoked=[] delay=40"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:0 orders-jdbc:2,8] "
            "revoked=[] delay=40"},
       }},
      {.comment = "a rebalance 20 ms in: the rest of the delay",
       .generation = 4, .last_completed_generation = 3, .now_ms = 1120,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1 audit-log:-1,0 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,3,6 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1 users-cdc:-1,1,4 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:0 orders-jdbc:2,8"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=20"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=20"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=20"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=20"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=20"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 5, .last_completed_generation = 4, .now_ms = 1140,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1 audit-log:-1,0 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,3,6 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1 users-cdc:-1,1,4 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:0 orders-jdbc:2,8"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[audit-log:0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:3,6] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:-1 users-cdc:1,4] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a sixth joins in the follow-up: waits 1600 ms",
       .generation = 6, .last_completed_generation = 5, .now_ms = 1200,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1 audit-log:-1 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:0 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=1600"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=1600"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=1600"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=1600"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1 users-cdc:4] "
            "revoked=[] delay=1600"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[audit-log:0 clicks-s3:3,6 users-cdc:1] "
            "revoked=[] delay=1600"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 7, .last_completed_generation = 6, .now_ms = 2800,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1 audit-log:-1 clicks-s3:2,5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 metrics-es:2 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:1,4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "audit-log:0 clicks-s3:3,6 users-cdc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:-1 clicks-s3:2] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:2] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:1] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a seventh joins in the follow-up: waits 64000 ms",
       .generation = 8, .last_completed_generation = 7, .now_ms = 2900,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 clicks-s3:5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=64000"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=64000"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=64000"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=64000"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=64000"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1] "
            "revoked=[] delay=64000"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:1,2 metrics-es:2] "
            "revoked=[] delay=64000"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 9, .last_completed_generation = 8, .now_ms = 66900,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 clicks-s3:5 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:5] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "an eighth joins in the follow-up: waits the max delay, 300000 ms",
       .generation = 10, .last_completed_generation = 9, .now_ms = 67000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:5] "
            "revoked=[] delay=300000"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 11, .last_completed_generation = 10, .now_ms = 367000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:1,4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:0,3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 clicks-s3:4 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            "clicks-s3:5"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:1] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:0] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:4] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up: balanced, the backoff starts over",
       .generation = 12, .last_completed_generation = 11, .now_ms = 367100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            "clicks-s3:5"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:4 metrics-es:1 orders-jdbc:0] "
            "revoked=[] delay=0"},
       }},
      {.comment = "settled",
       .generation = 13, .last_completed_generation = 12, .now_ms = 368000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            "clicks-s3:4,5 metrics-es:1 orders-jdbc:0"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a ninth joins: revoke at once",
       .generation = 14, .last_completed_generation = 13, .now_ms = 369000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:3,6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 orders-jdbc:1,4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1,0 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            "clicks-s3:4,5 metrics-es:1 orders-jdbc:0"},
           {"connect-10-0e4f6a", "http://worker1:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:3] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:1] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[payments:0] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-10-0e4f6a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a tenth joins in the follow-up: waits 40 ms again",
       .generation = 15, .last_completed_generation = 14, .now_ms = 369100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 7}, {"metrics-es", 5}, {"orders-jdbc", 9},
                     {"payments", 3}, {"users-cdc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 metrics-es:4 payments:2 users-cdc:2,5"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:6 users-cdc:0,3"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "users-cdc:-1 orders-jdbc:4,7 payments:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "payments:-1 clicks-s3:0 metrics-es:3 orders-jdbc:5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:-1,0 users-cdc:4 orders-jdbc:2,8"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "orders-jdbc:-1 audit-log:0 clicks-s3:3,6 users-cdc:1"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:1,2 metrics-es:2"},
           {"connect-9-5d2b7c", "http://worker9:8083/", 12,
            "clicks-s3:4,5 metrics-es:1 orders-jdbc:0"},
           {"connect-10-0e4f6a", "http://worker1:8083/", 12,
            ""},
           {"connect-11-b7c05d", "http://worker1:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-9-5d2b7c",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-10-0e4f6a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:1 payments:0] "
            "revoked=[] delay=40"},
           {"connect-11-b7c05d",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:3] "
            "revoked=[] delay=40"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, CapsTheBackoffAtTheMaxDelay) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(1000), {
      {.comment = "two workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1,3 audit-log:-1,0 clicks-s3:1,3,5 orders-jdbc:0,2,4,6] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,1,3,5,7 clicks-s3:-1,0,2,4 metrics-es:0,2,4] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a third joins: revoke",
       .generation = 2, .last_completed_generation = 1, .now_ms = 100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "metrics-es:-1,1,3 audit-log:-1,0 clicks-s3:1,3,5 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "orders-jdbc:-1,1,3,5,7 clicks-s3:-1,0,2,4 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:1,3 audit-log:0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:-1,1,3,5] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fourth joins in the follow-up: waits 40 ms",
       .generation = 3, .last_completed_generation = 2, .now_ms = 200,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "metrics-es:-1 audit-log:-1 clicks-s3:1,3,5 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0,2,4 orders-jdbc:7 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=40"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,3 audit-log:0 metrics-es:3] "
            "revoked=[] delay=40"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:1 orders-jdbc:1,5] "
            "revoked=[] delay=40"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 4, .last_completed_generation = 3, .now_ms = 240,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "metrics-es:-1 audit-log:-1 clicks-s3:1,3,5 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0,2,4 orders-jdbc:7 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "orders-jdbc:-1,3 audit-log:0 metrics-es:3"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "metrics-es:1 orders-jdbc:1,5"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:-1 clicks-s3:1,3] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:0,2] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fifth joins in the follow-up: waits the max delay",
       .generation = 5, .last_completed_generation = 4, .now_ms = 300,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 clicks-s3:5 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,4 orders-jdbc:7 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "orders-jdbc:-1,3 audit-log:0 metrics-es:3"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "metrics-es:1 orders-jdbc:1,5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1] "
            "revoked=[] delay=999"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:0,1,2,3] "
            "revoked=[] delay=999"},
       }},
      {.comment = "the delay is over: revoke",
       .generation = 6, .last_completed_generation = 5, .now_ms = 1300,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 clicks-s3:5 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,4 orders-jdbc:7 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "orders-jdbc:-1,3 audit-log:0 metrics-es:3"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "metrics-es:-1,1 orders-jdbc:1,5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "clicks-s3:0,1,2,3"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:5] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:4] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a sixth joins in the follow-up: the max delay again",
       .generation = 7, .last_completed_generation = 6, .now_ms = 1400,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 6}, {"metrics-es", 5}, {"orders-jdbc", 8}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1 orders-jdbc:0,2,4,6"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1 orders-jdbc:7 metrics-es:0,2,4"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "orders-jdbc:-1,3 audit-log:0 metrics-es:3"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "metrics-es:-1,1 orders-jdbc:1,5"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "clicks-s3:0,1,2,3"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=999"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:4,5] "
            "revoked=[] delay=999"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, HoldsABouncedWorkersWorkAndGivesItBackAfterTheDelay) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 2 is gone: its work is held",
       .generation = 2, .last_completed_generation = 1, .now_ms = 10000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
       }},
      {.comment = "worker 2 is back (a new member id) within the delay",
       .generation = 3, .last_completed_generation = 2, .now_ms = 100000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-8-a6e3d1", "http://worker8:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
           {"connect-8-a6e3d1",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
       }},
      {.comment = "the delay expires: the lost work goes to the returned worker",
       .generation = 4, .last_completed_generation = 3, .now_ms = 310000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-8-a6e3d1", "http://worker8:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-8-a6e3d1",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "settled",
       .generation = 5, .last_completed_generation = 4, .now_ms = 320000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-8-a6e3d1", "http://worker8:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-8-a6e3d1",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, GivesHeldWorkToTheWorkersThatJoinedDuringTheDelay) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "four workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0,4 metrics-es:3 orders-jdbc:3] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,0 clicks-s3:1 orders-jdbc:0,4] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,1,5 clicks-s3:2 metrics-es:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "workers 2 and 3 are gone: their work is held",
       .generation = 2, .last_completed_generation = 1, .now_ms = 10000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,1,5 clicks-s3:2 metrics-es:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
       }},
      {.comment = "workers 5 and 6 join together",
       .generation = 3, .last_completed_generation = 2, .now_ms = 100000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,1,5 clicks-s3:2 metrics-es:1"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=210000"},
       }},
      {.comment = "worker 7 joins",
       .generation = 4, .last_completed_generation = 3, .now_ms = 200000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            ""},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            ""},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,1,5 clicks-s3:2 metrics-es:1"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=110000"},
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=110000"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=110000"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=110000"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=110000"},
       }},
      {.comment = "the delay is over: the held work is dealt over the workers that joined, in turn",
       .generation = 5, .last_completed_generation = 4, .now_ms = 310000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,1,5 clicks-s3:2 metrics-es:1"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            ""},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:1] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:3] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,3 clicks-s3:1 orders-jdbc:4] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:4 orders-jdbc:0] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up gives the task revoked for balance to worker 7",
       .generation = 6, .last_completed_generation = 5, .now_ms = 320000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 5}, {"metrics-es", 4}, {"orders-jdbc", 6}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 clicks-s3:3 metrics-es:2 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "orders-jdbc:-1,5 clicks-s3:2 metrics-es:1"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:3"},
           {"connect-6-e4a0f2", "http://worker6:8083/", 12,
            "metrics-es:-1,3 clicks-s3:1 orders-jdbc:4"},
           {"connect-7-38cd90", "http://worker7:8083/", 12,
            "clicks-s3:4 orders-jdbc:0"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-e4a0f2",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-38cd90",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:1] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, SpreadsADepartedWorkersWorkWhenTheDelayExpires) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 is gone",
       .generation = 2, .last_completed_generation = 1, .now_ms = 10000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=300000"},
       }},
      {.comment = "a rebalance within the delay (no candidate)",
       .generation = 3, .last_completed_generation = 2, .now_ms = 60000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=250000"},
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=250000"},
       }},
      {.comment = "the delay expires: the lost work is spread as new",
       .generation = 4, .last_completed_generation = 3, .now_ms = 310000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "settled",
       .generation = 5, .last_completed_generation = 4, .now_ms = 320000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,2,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "metrics-es:-1,1,0 clicks-s3:-1,1,0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, RevokesDeletedConnectorsAndTasksAndAssignsNewOnes) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2},
                     {"orders-jdbc", 40}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3,6,9,12,15,18,21,24,27,30,33,36,39 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1,4,7,10,13,16,19,22,25,28,31,34,37] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2,5,8,11,14,17,20,23,26,29,32,35,38] "
            "revoked=[] delay=0"},
       }},
      {.comment = "audit-log deleted",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {15,
                    {{"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 40}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 15,
            "orders-jdbc:-1,0,3,6,9,12,15,18,21,24,27,30,33,36,39 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 15,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1,4,7,10,13,16,19,22,25,28,31,34,37"},
           {"connect-3-0b6f31", "http://worker3:8083/", 15,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2,5,8,11,14,17,20,23,26,29,32,35,38"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=15 "
            "assigned=[] "
            "revoked=[audit-log:-1,0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=15 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=15 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "orders-jdbc down to 36 tasks, clicks-s3 up to 6",
       .generation = 3, .last_completed_generation = 2, .now_ms = 2000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {18,
                    {{"clicks-s3", 6}, {"metrics-es", 2}, {"orders-jdbc", 36}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 18,
            "orders-jdbc:-1,0,3,6,9,12,15,18,21,24,27,30,33,36,39 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 18,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1,4,7,10,13,16,19,22,25,28,31,34,37"},
           {"connect-3-0b6f31", "http://worker3:8083/", 18,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2,5,8,11,14,17,20,23,26,29,32,35,38"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=18 "
            "assigned=[clicks-s3:3,4] "
            "revoked=[orders-jdbc:39,36] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=18 "
            "assigned=[clicks-s3:5] "
            "revoked=[orders-jdbc:37] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=18 "
            "assigned=[] "
            "revoked=[orders-jdbc:38] delay=0"},
       }},
      {.comment = "orders-jdbc deleted, zz-new created",
       .generation = 4, .last_completed_generation = 3, .now_ms = 3000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {20,
                    {{"clicks-s3", 6}, {"metrics-es", 2}, {"zz-new", 2}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 20,
            "orders-jdbc:-1,0,3,6,9,12,15,18,21,24,27,30,33 clicks-s3:3,4,2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 20,
            "clicks-s3:-1,5,0 metrics-es:0 orders-jdbc:1,4,7,10,13,16,19,22,25,28,31,34"},
           {"connect-3-0b6f31", "http://worker3:8083/", 20,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2,5,8,11,14,17,20,23,26,29,32,35"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[zz-new:-1] "
            "revoked=[orders-jdbc:-1,18,15,12,9,6,3,33,0,30,27,24,21] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[] "
            "revoked=[orders-jdbc:16,13,10,7,4,34,1,31,28,25,22,19] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[zz-new:0,1] "
            "revoked=[orders-jdbc:17,14,11,8,5,35,2,32,29,26,23,20] delay=0"},
       }},
      {.comment = "the follow-up",
       .generation = 5, .last_completed_generation = 4, .now_ms = 3100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {20,
                    {{"clicks-s3", 6}, {"metrics-es", 2}, {"zz-new", 2}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 20,
            "zz-new:-1 clicks-s3:3,4,2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 20,
            "clicks-s3:-1,5,0 metrics-es:0"},
           {"connect-3-0b6f31", "http://worker3:8083/", 20,
            "metrics-es:-1,1 zz-new:0,1 clicks-s3:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=20 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, AnswersConfigMismatchWhenTheLeaderCannotCatchUp) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 2 has read to 16; the leader only reaches 14",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {14,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"new-conn", 1},
                     {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 16,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=1 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=16 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=1 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=16 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=1 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=16 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the leader behind again, but now it reads to 17",
       .generation = 3, .last_completed_generation = 2, .now_ms = 2000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {17,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"new-conn", 3},
                     {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 16,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=17 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=17 "
            "assigned=[new-conn:-1,0,2] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=17 "
            "assigned=[new-conn:1] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(EagerAssignor, DealsConnectorsThenTasksRoundRobinOverSortedMembers) {
  RunScenario(ConnectProtocolCompatibility::kEager, absl::Milliseconds(0), {
      {.comment = "three workers",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-2-91d7e4",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4},
                     {"zeta", 0}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[zeta:-1 clicks-s3:-1,1 metrics-es:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,1 audit-log:-1 clicks-s3:0 metrics-es:0] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[metrics-es:-1 audit-log:0 clicks-s3:2 orders-jdbc:0,3] "
            "revoked=[] delay=0"},
       }},
      {.comment = "four workers",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-2-91d7e4",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4},
                     {"zeta", 0}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[clicks-s3:-1 audit-log:0 metrics-es:0 orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[zeta:-1 audit-log:-1 clicks-s3:2 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:0 orders-jdbc:3] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v0 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0 clicks-s3:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 ahead, leader cannot catch up",
       .generation = 3, .last_completed_generation = 2, .now_ms = 2000,
       .leader = "connect-2-91d7e4",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4},
                     {"zeta", 0}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 14,
            ""},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v0 error=1 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-1-5f0c2a",
            "v0 error=1 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v0 error=1 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v0 error=1 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, ForgetsItsPreviousAssignmentAfterAFailedSync) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a rebalance whose sync fails",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 gone; the leader's view is stale: nothing is held",
       .generation = 3, .last_completed_generation = 1, .now_ms = 2000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, NewLeaderReassignsTheOldLeadersWorkAtOnce) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the leader is gone; worker 2 leads",
       .generation = 2, .last_completed_generation = 1, .now_ms = 5000, .fresh_assignor = true,
       .leader = "connect-2-91d7e4",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[audit-log:-1,0 orders-jdbc:0] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,3 clicks-s3:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the next round by the same leader",
       .generation = 3, .last_completed_generation = 2, .now_ms = 6000,
       .leader = "connect-2-91d7e4",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "audit-log:-1,0 clicks-s3:-1,0 orders-jdbc:0,1 metrics-es:0"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 orders-jdbc:-1,3,2 clicks-s3:2,1"},
       },
       .expected = {
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-2-91d7e4 url=http://worker2:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, RevokesWorkRunningOnTwoWorkers) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 reports worker 2's connector and a task too",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:-1,1,0 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:-1,0] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[clicks-s3:-1,0] delay=0"},
       }},
      {.comment = "the follow-up",
       .generation = 3, .last_completed_generation = 2, .now_ms = 1100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, ZeroMaxDelayReassignsAndRevokesAtOnce) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(0), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 gone: reassigned at once",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fourth joins: revoke",
       .generation = 3, .last_completed_generation = 2, .now_ms = 2000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,2,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "metrics-es:-1,1,0 clicks-s3:-1,1,0 orders-jdbc:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:2] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:-1,1,0] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fifth joins right after: revoke again at once",
       .generation = 4, .last_completed_generation = 3, .now_ms = 2100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,1,0 orders-jdbc:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            ""},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:-1,0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,0 orders-jdbc:2] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up",
       .generation = 5, .last_completed_generation = 4, .now_ms = 2200,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "audit-log:-1,0 orders-jdbc:3 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,1,0 orders-jdbc:1"},
           {"connect-4-c28a57", "http://worker4:8083/", 12,
            "metrics-es:-1,0 orders-jdbc:2"},
           {"connect-5-7e19bd", "http://worker5:8083/", 12,
            "metrics-es:1"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-7e19bd",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, ReassignsAtOnceWhenNoWorkerLeft) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "worker 3 rejoins without its assignment",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, StartsOverFromWhatRunsWhenARevocationWasNotApplied) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "three workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[clicks-s3:-1,0 metrics-es:0 orders-jdbc:1] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,1 clicks-s3:1 orders-jdbc:2] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a fourth joins as new-conn is created: revoke, and start new-conn",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {14,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"new-conn", 2},
                     {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 14,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 14,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 14,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
           {"connect-4-c28a57", "http://worker4:8083/", 14,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[orders-jdbc:0] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-c28a57",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[new-conn:-1,0,1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "workers 1-3 still run what was revoked and worker 4 is gone: new-conn is started again at once",
       .generation = 3, .last_completed_generation = 2, .now_ms = 1100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {14,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"new-conn", 2},
                     {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 14,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 14,
            "clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 14,
            "metrics-es:-1,1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=300000"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[new-conn:-1,0] "
            "revoked=[] delay=300000"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[new-conn:1] "
            "revoked=[] delay=300000"},
       }},
      {.comment = "the follow-up",
       .generation = 4, .last_completed_generation = 3, .now_ms = 1200,
       .leader = "connect-1-5f0c2a",
       .snapshot = {14,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"new-conn", 2},
                     {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 14,
            "orders-jdbc:-1,0,3 audit-log:-1,0 clicks-s3:2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 14,
            "new-conn:-1,0 clicks-s3:-1,0 metrics-es:0 orders-jdbc:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 14,
            "metrics-es:-1,1 new-conn:1 clicks-s3:1 orders-jdbc:2"},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v2 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=14 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, SendsVersion1UnderTheCompatibleProtocol) {
  RunScenario(ConnectProtocolCompatibility::kCompatible, absl::Milliseconds(300000), {
      {.comment = "two workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            ""},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[metrics-es:-1,0 audit-log:-1,0 clicks-s3:1 orders-jdbc:0,2] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,1,3 clicks-s3:-1,0,2 metrics-es:1] "
            "revoked=[] delay=0"},
       }},
      {.comment = "a third joins",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "metrics-es:-1,0 audit-log:-1,0 clicks-s3:1 orders-jdbc:0,2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "orders-jdbc:-1,1,3 clicks-s3:-1,0,2 metrics-es:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[metrics-es:0] delay=0"},
           {"connect-2-91d7e4",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[orders-jdbc:-1,1,3] delay=0"},
           {"connect-3-0b6f31",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up",
       .generation = 3, .last_completed_generation = 2, .now_ms = 1100,
       .leader = "connect-1-5f0c2a",
       .snapshot = {12,
                    {{"audit-log", 1}, {"clicks-s3", 3}, {"metrics-es", 2}, {"orders-jdbc", 4}}},
       .members = {
           {"connect-1-5f0c2a", "http://worker1:8083/", 12,
            "metrics-es:-1 audit-log:-1,0 clicks-s3:1 orders-jdbc:0,2"},
           {"connect-2-91d7e4", "http://worker2:8083/", 12,
            "clicks-s3:-1,0,2 metrics-es:1"},
           {"connect-3-0b6f31", "http://worker3:8083/", 12,
            ""},
       },
       .expected = {
           {"connect-1-5f0c2a",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-91d7e4",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-0b6f31",
            "v1 error=0 leader=connect-1-5f0c2a url=http://worker1:8083/ offset=12 "
            "assigned=[orders-jdbc:-1,1,3 metrics-es:0] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, WalksThirteenWorkersInHashMapOrder) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "ten workers start",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "connect-1-1f00",
       .snapshot = {30,
                    {{"conn-a", 0}, {"conn-b", 1}, {"conn-c", 2}, {"conn-d", 3}, {"conn-e", 0},
                     {"conn-f", 1}, {"conn-g", 2}, {"conn-h", 3}, {"conn-i", 0}, {"conn-j", 1},
                     {"conn-k", 2}, {"conn-l", 3}, {"conn-m", 0}, {"conn-n", 1}, {"conn-o", 2},
                     {"conn-p", 3}, {"conn-q", 0}, {"conn-r", 1}, {"conn-s", 2}, {"conn-t", 3}}},
       .members = {
           {"connect-1-1f00", "http://connect-1-1f00:8083/", 30,
            ""},
           {"connect-2-1f4d", "http://connect-2-1f4d:8083/", 30,
            ""},
           {"connect-3-1f9a", "http://connect-3-1f9a:8083/", 30,
            ""},
           {"connect-4-1fe7", "http://connect-4-1fe7:8083/", 30,
            ""},
           {"connect-5-2034", "http://connect-5-2034:8083/", 30,
            ""},
           {"connect-6-2081", "http://connect-6-2081:8083/", 30,
            ""},
           {"connect-7-20ce", "http://connect-7-20ce:8083/", 30,
            ""},
           {"connect-8-211b", "http://connect-8-211b:8083/", 30,
            ""},
           {"connect-9-2168", "http://connect-9-2168:8083/", 30,
            ""},
           {"connect-10-21b5", "http://connect-10-21b5:8083/", 30,
            ""},
       },
       .expected = {
           {"connect-1-1f00",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-k:-1 conn-a:-1 conn-b:0 conn-h:1 conn-o:1] "
            "revoked=[] delay=0"},
           {"connect-2-1f4d",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-m:-1 conn-c:-1,1 conn-j:0 conn-p:1] "
            "revoked=[] delay=0"},
           {"connect-3-1f9a",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-n:-1 conn-d:-1,0 conn-k:0 conn-p:2] "
            "revoked=[] delay=0"},
           {"connect-4-1fe7",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-o:-1 conn-e:-1 conn-d:1 conn-k:1 conn-r:0] "
            "revoked=[] delay=0"},
           {"connect-5-2034",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-p:-1 conn-f:-1 conn-d:2 conn-l:0 conn-s:0] "
            "revoked=[] delay=0"},
           {"connect-6-2081",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-g:-1 conn-q:-1 conn-f:0 conn-l:1 conn-s:1] "
            "revoked=[] delay=0"},
           {"connect-7-20ce",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-h:-1 conn-r:-1 conn-g:0 conn-l:2 conn-t:0] "
            "revoked=[] delay=0"},
           {"connect-8-211b",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-i:-1 conn-s:-1 conn-g:1 conn-n:0 conn-t:1] "
            "revoked=[] delay=0"},
           {"connect-9-2168",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-j:-1 conn-t:-1,2 conn-h:0 conn-o:0] "
            "revoked=[] delay=0"},
           {"connect-10-21b5",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-l:-1 conn-b:-1 conn-c:0 conn-h:2 conn-p:0] "
            "revoked=[] delay=0"},
       }},
      {.comment = "three more join",
       .generation = 2, .last_completed_generation = 1, .now_ms = 1000,
       .leader = "connect-1-1f00",
       .snapshot = {30,
                    {{"conn-a", 0}, {"conn-b", 1}, {"conn-c", 2}, {"conn-d", 3}, {"conn-e", 0},
                     {"conn-f", 1}, {"conn-g", 2}, {"conn-h", 3}, {"conn-i", 0}, {"conn-j", 1},
                     {"conn-k", 2}, {"conn-l", 3}, {"conn-m", 0}, {"conn-n", 1}, {"conn-o", 2},
                     {"conn-p", 3}, {"conn-q", 0}, {"conn-r", 1}, {"conn-s", 2}, {"conn-t", 3}}},
       .members = {
           {"connect-1-1f00", "http://connect-1-1f00:8083/", 30,
            "conn-k:-1 conn-a:-1 conn-b:0 conn-h:1 conn-o:1"},
           {"connect-2-1f4d", "http://connect-2-1f4d:8083/", 30,
            "conn-m:-1 conn-c:-1,1 conn-j:0 conn-p:1"},
           {"connect-3-1f9a", "http://connect-3-1f9a:8083/", 30,
            "conn-n:-1 conn-d:-1,0 conn-k:0 conn-p:2"},
           {"connect-4-1fe7", "http://connect-4-1fe7:8083/", 30,
            "conn-o:-1 conn-e:-1 conn-d:1 conn-k:1 conn-r:0"},
           {"connect-5-2034", "http://connect-5-2034:8083/", 30,
            "conn-p:-1 conn-f:-1 conn-d:2 conn-l:0 conn-s:0"},
           {"connect-6-2081", "http://connect-6-2081:8083/", 30,
            "conn-g:-1 conn-q:-1 conn-f:0 conn-l:1 conn-s:1"},
           {"connect-7-20ce", "http://connect-7-20ce:8083/", 30,
            "conn-h:-1 conn-r:-1 conn-g:0 conn-l:2 conn-t:0"},
           {"connect-8-211b", "http://connect-8-211b:8083/", 30,
            "conn-i:-1 conn-s:-1 conn-g:1 conn-n:0 conn-t:1"},
           {"connect-9-2168", "http://connect-9-2168:8083/", 30,
            "conn-j:-1 conn-t:-1,2 conn-h:0 conn-o:0"},
           {"connect-10-21b5", "http://connect-10-21b5:8083/", 30,
            "conn-l:-1 conn-b:-1 conn-c:0 conn-h:2 conn-p:0"},
           {"connect-11-2202", "http://connect-11-2202:8083/", 30,
            ""},
           {"connect-12-224f", "http://connect-12-224f:8083/", 30,
            ""},
           {"connect-13-229c", "http://connect-13-229c:8083/", 30,
            ""},
       },
       .expected = {
           {"connect-1-1f00",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-k:-1 conn-b:0] delay=0"},
           {"connect-2-1f4d",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-1f9a",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-1fe7",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-d:1] delay=0"},
           {"connect-5-2034",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-p:-1 conn-d:2] delay=0"},
           {"connect-6-2081",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-20ce",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-g:0] delay=0"},
           {"connect-8-211b",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-2168",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-t:2] delay=0"},
           {"connect-10-21b5",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[conn-l:-1 conn-c:0] delay=0"},
           {"connect-11-2202",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-12-224f",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-13-229c",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
       }},
      {.comment = "the follow-up",
       .generation = 3, .last_completed_generation = 2, .now_ms = 1100,
       .leader = "connect-1-1f00",
       .snapshot = {30,
                    {{"conn-a", 0}, {"conn-b", 1}, {"conn-c", 2}, {"conn-d", 3}, {"conn-e", 0},
                     {"conn-f", 1}, {"conn-g", 2}, {"conn-h", 3}, {"conn-i", 0}, {"conn-j", 1},
                     {"conn-k", 2}, {"conn-l", 3}, {"conn-m", 0}, {"conn-n", 1}, {"conn-o", 2},
                     {"conn-p", 3}, {"conn-q", 0}, {"conn-r", 1}, {"conn-s", 2}, {"conn-t", 3}}},
       .members = {
           {"connect-1-1f00", "http://connect-1-1f00:8083/", 30,
            "conn-a:-1 conn-h:1 conn-o:1"},
           {"connect-2-1f4d", "http://connect-2-1f4d:8083/", 30,
            "conn-m:-1 conn-c:-1,1 conn-j:0 conn-p:1"},
           {"connect-3-1f9a", "http://connect-3-1f9a:8083/", 30,
            "conn-n:-1 conn-d:-1,0 conn-k:0 conn-p:2"},
           {"connect-4-1fe7", "http://connect-4-1fe7:8083/", 30,
            "conn-o:-1 conn-e:-1 conn-k:1 conn-r:0"},
           {"connect-5-2034", "http://connect-5-2034:8083/", 30,
            "conn-f:-1 conn-l:0 conn-s:0"},
           {"connect-6-2081", "http://connect-6-2081:8083/", 30,
            "conn-g:-1 conn-q:-1 conn-f:0 conn-l:1 conn-s:1"},
           {"connect-7-20ce", "http://connect-7-20ce:8083/", 30,
            "conn-h:-1 conn-r:-1 conn-l:2 conn-t:0"},
           {"connect-8-211b", "http://connect-8-211b:8083/", 30,
            "conn-i:-1 conn-s:-1 conn-g:1 conn-n:0 conn-t:1"},
           {"connect-9-2168", "http://connect-9-2168:8083/", 30,
            "conn-j:-1 conn-t:-1 conn-h:0 conn-o:0"},
           {"connect-10-21b5", "http://connect-10-21b5:8083/", 30,
            "conn-b:-1 conn-h:2 conn-p:0"},
           {"connect-11-2202", "http://connect-11-2202:8083/", 30,
            ""},
           {"connect-12-224f", "http://connect-12-224f:8083/", 30,
            ""},
           {"connect-13-229c", "http://connect-13-229c:8083/", 30,
            ""},
       },
       .expected = {
           {"connect-1-1f00",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-2-1f4d",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-3-1f9a",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-4-1fe7",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-5-2034",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-6-2081",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-7-20ce",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-8-211b",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-9-2168",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-10-21b5",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[] "
            "revoked=[] delay=0"},
           {"connect-11-2202",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-k:-1 conn-b:0 conn-d:2] "
            "revoked=[] delay=0"},
           {"connect-12-224f",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-l:-1 conn-c:0 conn-g:0] "
            "revoked=[] delay=0"},
           {"connect-13-229c",
            "v2 error=0 leader=connect-1-1f00 url=http://connect-1-1f00:8083/ offset=30 "
            "assigned=[conn-p:-1 conn-d:1 conn-t:2] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(EagerAssignor, SortsNamesAsJavaStrings) {
  RunScenario(ConnectProtocolCompatibility::kEager, absl::Milliseconds(0), {
      {.comment = "connectors and members sort by UTF-16 code units",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "wz",
       .snapshot = {5,
                    {{"e-sink", 1}, {"\u00E9-sink", 1}, {"\U0001F600-source", 2},
                     {"\uFF21-sink", 2}}},
       .members = {
           {"wz", "http://122:8083/", 5,
            ""},
           {"w\uFF21", "http://65313:8083/", 5,
            ""},
           {"w\U0001F600", "http://55357:8083/", 5,
            ""},
       },
       .expected = {
           {"wz",
            "v0 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[e-sink:-1 \uFF21-sink:-1,1 \U0001F600-source:0] "
            "revoked=[] delay=0"},
           {"w\uFF21",
            "v0 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[\U0001F600-source:-1 \u00E9-sink:0 \uFF21-sink:0] "
            "revoked=[] delay=0"},
           {"w\U0001F600",
            "v0 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[\u00E9-sink:-1 e-sink:0 \U0001F600-source:1] "
            "revoked=[] delay=0"},
       }},
  });
}

TEST(IncrementalCooperativeAssignor, SortsNamesAsJavaStrings) {
  RunScenario(ConnectProtocolCompatibility::kSessioned, absl::Milliseconds(300000), {
      {.comment = "workers and new connectors sort by UTF-16 code units",
       .generation = 1, .last_completed_generation = -1, .now_ms = 0,
       .leader = "wz",
       .snapshot = {5,
                    {{"e-sink", 1}, {"\u00E9-sink", 1}, {"\U0001F600-source", 2},
                     {"\uFF21-sink", 2}}},
       .members = {
           {"wz", "http://122:8083/", 5,
            ""},
           {"w\uFF21", "http://65313:8083/", 5,
            ""},
           {"w\U0001F600", "http://55357:8083/", 5,
            ""},
       },
       .expected = {
           {"wz",
            "v2 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[e-sink:-1,0 \uFF21-sink:-1 \U0001F600-source:1] "
            "revoked=[] delay=0"},
           {"w\uFF21",
            "v2 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[\U0001F600-source:-1,0 \uFF21-sink:1] "
            "revoked=[] delay=0"},
           {"w\U0001F600",
            "v2 error=0 leader=wz url=http://122:8083/ offset=5 "
            "assigned=[\u00E9-sink:-1,0 \uFF21-sink:0] "
            "revoked=[] delay=0"},
       }},
  });
}

}  // namespace
}  // namespace sluice::distributed
