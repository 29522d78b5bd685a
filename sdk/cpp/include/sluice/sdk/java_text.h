// Java's text of Connect values: what a Kafka Connect worker prints for a value with
// String.valueOf(value), the one rendering that both the file sink (a line per record) and
// StringConverter (value.toString()) produce, and the Java number and date formats inside it.
//
//   std::string line = sluice::JavaToString(schema.get(), value);
//   // Struct{id=1,price=12.34,at=Wed Jan 31 12:34:56 UTC 2024,tags=[a, b],scores={x=1.5}}
//
// Everything here assumes a JVM whose default time zone is UTC, as Sluice's Kafka Connect
// compatibility does throughout. Thread-safe: pure functions.
#ifndef SLUICE_SDK_JAVA_TEXT_H_
#define SLUICE_SDK_JAVA_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/sdk/data.h"

namespace sluice {

// String.valueOf of the Java object Kafka Connect carries for `value` (`schema` may be null; it
// tells which values are logical types):
//   null -> "null"; strings as they are; booleans and integers as Java prints them;
//   Float/Double.toString ("1.0", "1.0E10", "NaN"); Decimal -> BigDecimal.toString ("12.34",
//   "1E-10"); Date, Time and Timestamp (and schemaless dates) -> java.util.Date.toString
//   ("Wed Jan 31 00:00:00 UTC 2024"); arrays "[a, b]" (List.toString); maps "{k=v, k2=v2}"
//   (Map.toString, in the entries' order); structs "Struct{a=1,b=x}" (Struct.toString: fields
//   whose value is null are left out, defaults are not applied).
// Bytes are copied as they are, where Java prints the array's identity ("[B@1b6d3586"), which
// no one can reproduce or read.
void AppendJavaToString(const Schema* schema, const Value& value, std::string& out);
std::string JavaToString(const Schema* schema, const Value& value);

// Double.toString(d) and Float.toString(f) as JDK 17 prints them, the JVM Kafka Connect 3.9 runs
// on (jdk.internal.math.FloatingDecimal): "1.0", "0.001", "1234567.0", "1.0E7", "1.5E-5",
// "4.9E-324", "NaN", "-Infinity", "-0.0"; plain for 10^-3 <= |d| < 10^7, scientific otherwise.
// JDK 17 does not always print the shortest decimal that reads back, as JDK 19+ does: some values
// get a digit more (Float.toString(-2.75E10f) is "-2.74999992E10", JDK 19+ prints "-2.75E10"),
// some doubles other digits (1e23 is "9.999999999999999E22", JDK 19+ prints "1.0E23"). Sluice
// prints JDK 17's text, whatever JVM a user's Kafka Connect ran on.
std::string JavaDoubleToString(double d);
std::string JavaFloatToString(float f);
// The same, appended to `out`.
void AppendJavaDoubleToString(double d, std::string& out);
void AppendJavaFloatToString(float f, std::string& out);

// BigDecimal.toString() of unscaled * 10^-scale, where `unscaled_big_endian` is the big-endian
// two's-complement unscaled value (empty counts as zero): "12.34", "-0.05", "1E-10", "1.2E+3".
std::string JavaBigDecimalToString(std::string_view unscaled_big_endian, int32_t scale);

// The calendar fields of an instant as java.util.GregorianCalendar computes them in UTC: the
// Gregorian calendar from 1582-10-15 on, the Julian calendar before (1582-10-04 is followed by
// 1582-10-15).
struct JavaCalendarFields {
  int64_t year = 1970;  // astronomical: 0 is 1 BC, -1 is 2 BC
  int32_t month = 1;    // 1..12
  int32_t day = 1;      // 1..31
  int32_t hour = 0;
  int32_t minute = 0;
  int32_t second = 0;
  int32_t millisecond = 0;
  int32_t day_of_week = 5;  // Calendar.SUNDAY (1) .. Calendar.SATURDAY (7)

  // Calendar.YEAR, which counts within the era: 1 BC is 1.
  int64_t year_of_era() const { return year > 0 ? year : 1 - year; }
};
JavaCalendarFields JavaUtcCalendarFields(int64_t epoch_millis);

}  // namespace sluice

#endif  // SLUICE_SDK_JAVA_TEXT_H_
