// A worker's membership in its Kafka Connect group, as the distributed herder sees it: join,
// let the leader assign, hand each generation's assignment over, rejoin when asked, leave.
// GroupMember is the real one (Kafka's group coordinator); SoloMember is a group of one
// worker, for the embedded broker, whose mock coordinator cannot be trusted with a Connect
// group (DESIGN.md §4).
#ifndef SLUICE_SERVER_DISTRIBUTED_MEMBERSHIP_H_
#define SLUICE_SERVER_DISTRIBUTED_MEMBERSHIP_H_

#include <cstdint>
#include <string>

namespace sluice::distributed {

// Implementations are thread-safe; their callbacks (GroupMemberCallbacks) run on one thread of
// the membership's own, one at a time.
class Membership {
 public:
  virtual ~Membership() = default;
  // Joins the group on the membership's thread. Once only.
  virtual void Start() = 0;
  // Makes the member rejoin as soon as it can (after revocations, a config change, a
  // scheduled delay).
  virtual void RequestRejoin() = 0;
  // Leaves the group and stops the thread; no callback runs after it returns. Idempotent.
  virtual void Stop() = 0;
  // The member id ("" before the first join) and the generation of the last completed
  // assignment (-1 before).
  virtual std::string member_id() const = 0;
  virtual int32_t generation() const = 0;
};

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_MEMBERSHIP_H_
