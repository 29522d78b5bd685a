// Plain-text layout for sluicectl's human-readable output: tables with a header row and columns
// aligned by padding, and "Key:  value" field lists.
//
//   Table t({"NAME", "STATE"});
//   t.AddRow({"orders-src", "RUNNING"});
//   std::cout << t.Render();   // "NAME        STATE\norders-src  RUNNING\n"
//
// Widths count bytes, which aligns ASCII (names, states, class names); wider UTF-8 text still
// prints, only less neatly. Thread-compatible.
#ifndef SLUICE_TOOLS_SLUICECTL_TABLE_H_
#define SLUICE_TOOLS_SLUICECTL_TABLE_H_

#include <string>
#include <utility>
#include <vector>

namespace sluice::sluicectl {

class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // A row with fewer cells than the header is padded with empty cells; extra cells are kept
  // (and widen the table). A newline inside a cell is shown as a space.
  void AddRow(std::vector<std::string> cells);

  bool empty() const { return rows_.empty(); }

  // Columns separated by two spaces, every row ending in "\n", no trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// "Key:" labels padded to one width, e.g. {{"Name", "src"}, {"Type", "source"}} gives
// "Name:  src\nType:  source\n".
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// Every line of `text` prefixed with `indent`; "" for empty text.
std::string Indent(const std::string& text, const std::string& indent);

}  // namespace sluice::sluicectl

#endif  // SLUICE_TOOLS_SLUICECTL_TABLE_H_
