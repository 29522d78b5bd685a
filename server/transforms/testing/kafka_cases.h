// Test support: cases whose expected outputs were printed by Kafka 3.9.1's own transforms and
// predicates (testdata/*.cases), and their runner against Sluice's classes.
//
// A case file is a list of cases, one directive per line ('#' starts a comment):
//
//   case SchemalessValueGetsTopic           a name (used as the test's name)
//   transform InsertField$Value             or: predicate <class> | validate <class> |
//                                           describe <class> (the package
//                                           org.apache.kafka.connect.transforms[.predicates]
//                                           may be left out)
//   config topic.field=topic                a config key (all text after the first '=')
//   source topic=t part=0 ts=1000           a source record (part and ts may be null), or
//   sink topic=t part=0 offset=5 ts=null    a sink record
//   key <schema> / <value>                  the record's key, value and headers (record_text.h);
//   value <schema> / <value>                key and value default to null / null
//   header h1 <schema> / <value>
//   expect <output>                         after each record: the record as Kafka's class
//                                           left it ("dropped" when it dropped it), a
//                                           predicate's true/false, or "ERROR <class>: <msg>"
//
// A transform or predicate case without records expects "ok" or the ERROR of its configure().
// `validate` expects one line: the ConfigDef.validate errors of each key that has some,
// "[<key>: [<error>, ...], ...]". `describe` expects one line per key:
// "<key> | <TYPE> | <default: \"text\", null or <required>> | <IMPORTANCE> | <validator> | <doc>"
// ("<no keys>" for an empty ConfigDef).
#ifndef SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASES_H_
#define SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASES_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms::testing {

struct KafkaCase {
  enum class Kind { kTransform, kPredicate, kValidate, kDescribe };

  std::string file;
  int line = 0;
  std::string name;
  Kind kind = Kind::kTransform;
  std::string class_name;
  ConfigMap config;
  std::vector<ConnectRecord> records;
  std::vector<std::string> expected;
};

// Reads a case file. InvalidArgument naming the line it could not read.
absl::StatusOr<std::vector<KafkaCase>> LoadKafkaCases(const std::string& path);

// The cases of testdata/<file_name> (the directory is a compile definition); CHECK-fails when
// the file cannot be read, as a test binary should.
std::vector<KafkaCase> KafkaCasesFrom(const std::string& file_name);

// What Sluice's class prints for the case, in the shape of `expected`.
std::vector<std::string> RunKafkaCase(const KafkaCase& c);

// For gtest's parameter names and failure messages.
void PrintTo(const KafkaCase& c, std::ostream* os);

}  // namespace sluice::transforms::testing

#endif  // SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASES_H_
