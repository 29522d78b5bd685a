#include "tools/sluicectl/table.h"

#include "gtest/gtest.h"

namespace sluice::sluicectl {
namespace {

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table t({"NAME", "STATE", "TASKS"});
  t.AddRow({"orders-source", "RUNNING", "0:RUNNING"});
  t.AddRow({"s", "FAILED"});
  EXPECT_EQ(t.Render(),
            "NAME           STATE    TASKS\n"
            "orders-source  RUNNING  0:RUNNING\n"
            "s              FAILED\n");
}

TEST(Table, ShowsNewlinesInCellsAsSpaces) {
  Table t({"KEY", "VALUE"});
  t.AddRow({"k", "a\nb"});
  EXPECT_EQ(t.Render(), "KEY  VALUE\nk    a b\n");
}

TEST(Table, HeaderOnlyWhenEmpty) {
  Table t({"A", "B"});
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.Render(), "A  B\n");
}

TEST(RenderFields, PadsLabelsToOneWidth) {
  EXPECT_EQ(RenderFields({{"Name", "src"}, {"Worker ID", "w1"}}),
            "Name:       src\nWorker ID:  w1\n");
}

TEST(Indent, PrefixesEveryLine) {
  EXPECT_EQ(Indent("a\nb\n", "  "), "  a\n  b\n");
  EXPECT_EQ(Indent("a", "> "), "> a\n");
  EXPECT_EQ(Indent("", "  "), "");
}

}  // namespace
}  // namespace sluice::sluicectl
