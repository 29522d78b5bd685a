// Java's text of Connect values, numbers and dates.
#include "sluice/sdk/java_text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sluice/sdk/internal/check.h"

namespace sluice {
namespace {

// ---- Float.toString / Double.toString ---------------------------------------------------------
//
// JDK 17's algorithm (jdk.internal.math.FloatingDecimal: BinaryToASCIIBuffer.dtoa), which is
// what Kafka Connect prints on the JDK 17 it runs on. It is not the "shortest decimal that reads
// back" of JDK 19+: it develops the digits of the exact binary value until the remainder is
// within half an ulp (the same half ulp on both sides, even at powers of two), and it prints
// integers below 2^63 from their integer value with the digits below the float's precision
// rounded off. So it sometimes prints a digit more than needed (Float.toString(9.007199E15f) is
// "9.0071993E15", -2.75E10f is "-2.74999992E10") and some doubles get other digits (1e23 is
// "9.999999999999999E22"). Every step below is Java's, including where Java's int and long
// arithmetic wraps and which comparisons are strict, since those decide the digits of some
// values. Only the means differ where the result provably does not: a quotient digit is found by
// a shift, a multiplication or comparisons rather than a division, and what Java computes in its
// big integers is computed in 128-bit integers when it fits.

// Java's digits of a finite, nonzero magnitude: 0.d1d2...dn * 10^dec_exponent.
struct JavaDecimalDigits {
  static constexpr int kCapacity = 24;  // Java's buffer holds 20; no result needs more
  char digits[kCapacity];
  int count = 0;
  int dec_exponent = 0;

  void Push(int digit) {
    SLUICE_CHECK(count < kCapacity, "more decimal digits than any double has");
    digits[count++] = static_cast<char>('0' + digit);
  }
};

__extension__ typedef unsigned __int128 Uint128;

constexpr std::array<uint64_t, 27> kFivePow = [] {
  std::array<uint64_t, 27> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 5;
  return p;
}();

// The bit length of 5^i (0 for i = 0): how Java sizes its integers to choose int, long or big
// integer arithmetic.
constexpr std::array<int, 27> kFivePowBits = [] {
  std::array<int, 27> bits{};
  for (size_t i = 1; i < bits.size(); ++i) bits[i] = std::bit_width(kFivePow[i]);
  return bits;
}();

constexpr std::array<uint64_t, 20> kTenPow = [] {
  std::array<uint64_t, 20> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

// For 1 < p2 < 64, the number of decimal digits of 2^p2 minus one; 0 otherwise. An integer
// whose lowest p2 + 1 bits lie below the float's precision gets that many low digits rounded off.
int InsignificantDigitsOfPow2(int p2) {
  if (p2 <= 1 || p2 >= 64) return 0;
  int digits = 0;
  for (uint64_t v = uint64_t{1} << p2; v >= 10; v /= 10) ++digits;
  return digits;
}

// floor(log10(value)), or one more: a tangent of log10 at 1.5 plus bin_exp * log10(2), in double
// arithmetic rounded step by step as Java's is. A fused multiply-add would round differently: the
// statements are separate (clang fuses only within one) and ISO C++ mode (-std=c++20) keeps GCC
// from contracting.
int EstimateDecimalExponent(uint64_t fract_bits, int bin_exp) {
  constexpr uint64_t kExponentOfOne = uint64_t{1023} << 52;
  constexpr uint64_t kSignificandMask = (uint64_t{1} << 52) - 1;
  const double m = std::bit_cast<double>(kExponentOfOne | (fract_bits & kSignificandMask));
  const double slope_part = (m - 1.5) * 0.289529654;
  const double log_m = slope_part + 0.176091259;
  const double log_2_part = static_cast<double>(bin_exp) * 0.301029995663981;
  const double d = log_m + log_2_part;
  return static_cast<int>(std::floor(d));
}

// An integer printed from its decimal digits, the last `insignificant` of them rounded off half
// up.
void DevelopIntegerDigits(uint64_t value, int insignificant, JavaDecimalDigits& out) {
  int dec_exponent = 0;
  if (insignificant != 0) {
    const uint64_t pow10 = kTenPow[insignificant];
    const uint64_t residue = value % pow10;
    value /= pow10;
    dec_exponent = insignificant;
    if (residue >= pow10 / 2) ++value;
  }
  char text[24];
  const std::to_chars_result r = std::to_chars(text, text + sizeof(text), value);
  int len = static_cast<int>(r.ptr - text);
  out.dec_exponent = dec_exponent + len;
  while (len > 1 && text[len - 1] == '0') --len;
  out.count = 0;
  for (int i = 0; i < len; ++i) out.Push(text[i] - '0');
}

// Java's int and long arithmetic: two's complement, wrapping.
template <typename Int>
Int WrapAdd(Int a, Int b) {
  using U = std::make_unsigned_t<Int>;
  return static_cast<Int>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename Int>
Int WrapSub(Int a, Int b) {
  using U = std::make_unsigned_t<Int>;
  return static_cast<Int>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename Int>
Int WrapMul(Int a, Int b) {
  using U = std::make_unsigned_t<Int>;
  return static_cast<Int>(static_cast<U>(a) * static_cast<U>(b));
}
template <typename Int>
Int WrapShiftLeft(Int a, int bits) {
  using U = std::make_unsigned_t<Int>;
  return static_cast<Int>(static_cast<U>(a) << bits);
}

// Reciprocals of 5^k, 1 <= k <= 26, for division without a division instruction: with
// R = floor(2^w / 5^k) + 1 = 2^w / 5^k + e (0 < e <= 1), floor(n * R / 2^w) is floor(n / 5^k)
// for every n < 2^w / 5^k, since n * e / 2^w < 1 / 5^k cannot reach the next integer.
// w = 64 serves n < 10 * 5^k when 5^(2k) * 10 < 2^64 (k <= 13); w = 128 serves the rest.
constexpr std::array<uint64_t, 14> kFivePowReciprocal64 = [] {
  std::array<uint64_t, 14> r{};
  for (size_t k = 1; k < r.size(); ++k) r[k] = UINT64_MAX / kFivePow[k] + 1;
  return r;
}();
constexpr std::array<Uint128, 27> kFivePowReciprocal128 = [] {
  std::array<Uint128, 27> r{};
  for (size_t k = 1; k < r.size(); ++k) r[k] = ~Uint128{0} / kFivePow[k] + 1;
  return r;
}();

// floor(n / 5^k) for 1 <= k <= 26 and n < 10 * 5^k.
uint64_t DivideByPow5(uint64_t n, int k) {
  if (k < static_cast<int>(kFivePowReciprocal64.size())) {
    return static_cast<uint64_t>((Uint128{n} * kFivePowReciprocal64[k]) >> 64);
  }
  const Uint128 r = kFivePowReciprocal128[k];
  const Uint128 high = Uint128{n} * static_cast<uint64_t>(r >> 64);
  const Uint128 low = Uint128{n} * static_cast<uint64_t>(r);
  return static_cast<uint64_t>((high + (low >> 64)) >> 64);
}

// Division by S = 5^s5 * 2^s2 of values 0 <= b < 10 S, where the quotient is one decimal digit,
// without a division instruction: a shift when S is a power of two (for every value below 10), a
// multiplication by 5^s5's reciprocal when s5 <= 26, else comparisons with S's multiples. `T` is
// int32_t, int64_t or Uint128; 10 S must fit in it.
template <typename T>
class DigitDivisor {
 public:
  // REQUIRES: s == 5^s5 * 2^s2.
  DigitDivisor(T s, int s5, int s2) : s2_(s2), s5_(s5) {
    for (int k = 0; k <= 10; ++k) multiples_[k] = s * static_cast<T>(k);
  }

  T ten_times() const { return multiples_[10]; }

  // Returns b / S and leaves b % S in b. REQUIRES: b >= 0.
  int DivRem(T& b) const {
    if (b >= multiples_[10]) {  // a quotient of 10 or more: not reached by Java's algorithm
      const T q = b / multiples_[1];
      b -= q * multiples_[1];
      return static_cast<int>(q);
    }
    int q = 0;
    if (s5_ == 0) {
      q = static_cast<int>(b >> s2_);
    } else if (s5_ < static_cast<int>(kFivePowReciprocal128.size())) {
      // floor(b / S) = floor(floor(b / 2^s2) / 5^s5), and b / 2^s2 < 10 * 5^s5 < 2^64.
      q = static_cast<int>(DivideByPow5(static_cast<uint64_t>(b >> s2_), s5_));
    } else {
      for (int k = 1; k < 10; ++k) q += b >= multiples_[k] ? 1 : 0;
    }
    b -= multiples_[q];
    return q;
  }

 private:
  T multiples_[11];
  int s2_;
  int s5_;
};

// Where digit development stopped: `low` when the remainder is below half an ulp, `high` when
// it is within half an ulp of the next digit, and the sign of 2 * remainder - 10 * S.
struct DigitsEnd {
  bool low = false;
  bool high = false;
  int low_digit_difference = 0;
};

// B = fract * 5^b5 * 2^b2 over S = 5^s5 * 2^s2 with half an ulp M = 5^m5 * 2^m2 on B's scale:
// the powers as Java keeps them.
struct ScaledValue {
  uint64_t fract;
  int b5, b2, s5, s2, m5, m2;
};

bool ScientificLayout(int dec_exp) { return dec_exp < -3 || dec_exp >= 8; }

// Digit development when B and 10 S fit in Int (int32_t or int64_t), in Java's int or long
// arithmetic: the test is "B + M > 10 S", and a half ulp that overflows counts as both low and
// high.
template <typename Int>
DigitsEnd DevelopFixedWidthDigits(const ScaledValue& v, int& dec_exp, JavaDecimalDigits& out) {
  Int b = WrapShiftLeft(WrapMul(static_cast<Int>(v.fract), static_cast<Int>(kFivePow[v.b5])), v.b2);
  const DigitDivisor<Int> s(WrapShiftLeft(static_cast<Int>(kFivePow[v.s5]), v.s2), v.s5, v.s2);
  const Int tens = s.ten_times();
  Int m = WrapShiftLeft(static_cast<Int>(kFivePow[v.m5]), v.m2);
  DigitsEnd end;
  int q = s.DivRem(b);
  b = WrapMul(b, Int{10});
  m = WrapMul(m, Int{10});
  end.low = b < m;
  end.high = WrapAdd(b, m) > tens;
  if (q == 0 && !end.high) {
    --dec_exp;  // the estimate was one too high
  } else {
    out.Push(q);
  }
  // Scientific notation shows at least two digits.
  if (ScientificLayout(dec_exp)) end.high = end.low = false;
  while (!end.low && !end.high) {
    q = s.DivRem(b);
    b = WrapMul(b, Int{10});
    m = WrapMul(m, Int{10});
    if (m > 0) {
      end.low = b < m;
      end.high = WrapAdd(b, m) > tens;
    } else {
      end.low = end.high = true;
    }
    out.Push(q);
  }
  const Int difference = WrapSub(WrapShiftLeft(b, 1), tens);
  end.low_digit_difference = difference > 0 ? 1 : (difference < 0 ? -1 : 0);
  return end;
}

// A natural number below 2^(64 * kMaxLimbs), for what Java computes in big integers. Limbs are
// 64-bit, least significant first; limbs at and above size_ are zero.
class BigNat {
 public:
  // Java's values stay below 2^1200 (the subnormals' 2^1074 scale, 5^340, a 53-bit fraction).
  static constexpr int kMaxLimbs = 20;

  explicit BigNat(uint64_t v) {
    limbs_.fill(0);
    limbs_[0] = v;
    size_ = v != 0 ? 1 : 0;
  }

  void MulSmall(uint64_t factor) {
    uint64_t carry = 0;
    for (int i = 0; i < size_; ++i) {
      const Uint128 p = Uint128{limbs_[i]} * factor + carry;
      limbs_[i] = static_cast<uint64_t>(p);
      carry = static_cast<uint64_t>(p >> 64);
    }
    if (carry != 0) {
      SLUICE_CHECK(size_ < kMaxLimbs, "BigNat overflow");
      limbs_[size_++] = carry;
    }
  }

  void MulPow5(int p5) {
    constexpr int kChunk = 26;  // 5^26 < 2^64
    for (; p5 >= kChunk; p5 -= kChunk) MulSmall(kFivePow[kChunk]);
    if (p5 > 0) MulSmall(kFivePow[p5]);
  }

  void ShiftLeft(int bits) {
    if (size_ == 0 || bits == 0) return;
    const int words = bits / 64;
    const int rest = bits % 64;
    const int new_size = size_ + words + 1;
    SLUICE_CHECK(new_size <= kMaxLimbs, "BigNat overflow");
    for (int i = new_size - 1; i >= words; --i) {
      const int src = i - words;
      const uint64_t at = src < size_ ? limbs_[src] : 0;
      const uint64_t below = src >= 1 ? limbs_[src - 1] : 0;
      limbs_[i] = rest == 0 ? at : (at << rest) | (below >> (64 - rest));
    }
    for (int i = 0; i < words; ++i) limbs_[i] = 0;
    size_ = new_size;
    Trim();
  }

  // The left shift that puts the top bit at bit 59 of the top limb, so that ten times the value
  // has as many limbs. REQUIRES: nonzero.
  int NormalizingShift() const {
    const int zeros = std::countl_zero(limbs_[size_ - 1]);
    return zeros < 4 ? 60 + zeros : zeros - 4;
  }

  void Add(const BigNat& other) {
    const int n = std::max(size_, other.size_);
    uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
      const Uint128 sum = Uint128{limbs_[i]} + other.limbs_[i] + carry;
      limbs_[i] = static_cast<uint64_t>(sum);
      carry = static_cast<uint64_t>(sum >> 64);
    }
    size_ = n;
    if (carry != 0) {
      SLUICE_CHECK(size_ < kMaxLimbs, "BigNat overflow");
      limbs_[size_++] = carry;
    }
  }

  // Returns *this / divisor and leaves the remainder. REQUIRES: divisor normalized
  // (NormalizingShift() == 0).
  int DivRem(const BigNat& divisor) {
    const int n = divisor.size_;
    if (size_ < n) return 0;
    if (size_ > n) {
      // A quotient beyond any digit: not reached by Java's algorithm, exact anyway.
      int q = 0;
      while (Compare(*this, divisor) >= 0) {
        SubtractMultiple(divisor, 1);
        ++q;
      }
      return q;
    }
    // The top limbs' quotient: never below the true one, and above it by at most one since the
    // divisor's top limb is at least 2^59.
    int q = static_cast<int>(limbs_[n - 1] / divisor.limbs_[n - 1]);
    if (q != 0) q -= SubtractMultiple(divisor, static_cast<uint64_t>(q));
    return q;
  }

  // DivRem where the divisor is 2^(64 (n - 1) + 59): the quotient is the bits above.
  int DivRemByPowerOfTwo(const BigNat& divisor) {
    const int n = divisor.size_;
    if (size_ != n) return DivRem(divisor);
    const int q = static_cast<int>(limbs_[n - 1] >> 59);
    limbs_[n - 1] &= (uint64_t{1} << 59) - 1;
    Trim();
    return q;
  }

  // Whether *this + other >= c, mostly decided by the top limbs.
  bool SumIsAtLeast(const BigNat& other, const BigNat& c) const {
    const int n = c.size_;
    if (std::max(size_, other.size_) > n) return true;
    if (n == 0) return true;
    // The sum is top * 2^(64 (n - 1)) plus less than 2 * 2^(64 (n - 1)).
    const Uint128 top = Uint128{limbs_[n - 1]} + other.limbs_[n - 1];
    if (top + 2 <= c.limbs_[n - 1]) return false;
    if (top > c.limbs_[n - 1]) return true;
    BigNat sum = *this;
    sum.Add(other);
    return Compare(sum, c) >= 0;
  }

  bool IsPowerOfTwo() const {
    if (size_ == 0 || !std::has_single_bit(limbs_[size_ - 1])) return false;
    for (int i = 0; i < size_ - 1; ++i) {
      if (limbs_[i] != 0) return false;
    }
    return true;
  }

  friend int Compare(const BigNat& a, const BigNat& b) {
    if (a.size_ != b.size_) return a.size_ < b.size_ ? -1 : 1;
    for (int i = a.size_ - 1; i >= 0; --i) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }

 private:
  // *this -= q * divisor, where *this has at most divisor.size_ limbs; when that is negative,
  // adds the divisor back until it is not, and returns how many times it did.
  int SubtractMultiple(const BigNat& divisor, uint64_t q) {
    const int n = divisor.size_;
    uint64_t mul_carry = 0;
    uint64_t borrow = 0;
    for (int i = 0; i < n; ++i) {
      const Uint128 p = Uint128{q} * divisor.limbs_[i] + mul_carry;
      mul_carry = static_cast<uint64_t>(p >> 64);
      const uint64_t low = static_cast<uint64_t>(p);
      const uint64_t diff = limbs_[i] - low;
      const uint64_t next_borrow = (limbs_[i] < low ? 1 : 0) + (diff < borrow ? 1 : 0);
      limbs_[i] = diff - borrow;
      borrow = next_borrow;
    }
    // The exact difference is these n limbs minus 2^(64 n) * owed.
    Uint128 owed = Uint128{mul_carry} + borrow;
    int added = 0;
    while (owed != 0) {
      uint64_t carry = 0;
      for (int i = 0; i < n; ++i) {
        const Uint128 sum = Uint128{limbs_[i]} + divisor.limbs_[i] + carry;
        limbs_[i] = static_cast<uint64_t>(sum);
        carry = static_cast<uint64_t>(sum >> 64);
      }
      owed -= carry;
      ++added;
    }
    size_ = n;
    Trim();
    return added;
  }

  void Trim() {
    while (size_ > 0 && limbs_[size_ - 1] == 0) --size_;
  }

  std::array<uint64_t, kMaxLimbs> limbs_;
  int size_ = 0;
};

// The operations of exact digit development, for Uint128 and BigNat.
void TimesTen(Uint128& v) { v *= 10; }
void TimesTen(BigNat& v) { v.MulSmall(10); }
bool IsLess(const Uint128& a, const Uint128& b) { return a < b; }
bool IsLess(const BigNat& a, const BigNat& b) { return Compare(a, b) < 0; }
bool SumIsAtLeast(const Uint128& a, const Uint128& b, const Uint128& c) { return a + b >= c; }
bool SumIsAtLeast(const BigNat& a, const BigNat& b, const BigNat& c) { return a.SumIsAtLeast(b, c); }
int CompareTwice(const Uint128& a, const Uint128& b) {
  const Uint128 twice = a << 1;
  return twice > b ? 1 : (twice < b ? -1 : 0);
}
int CompareTwice(const BigNat& a, const BigNat& b) {
  BigNat twice = a;
  twice.ShiftLeft(1);
  return Compare(twice, b);
}

class BigNatDivisor {
 public:
  // REQUIRES: `s` normalized (NormalizingShift() == 0).
  explicit BigNatDivisor(const BigNat& s) : s_(s), power_of_two_(s.IsPowerOfTwo()) {}

  int DivRem(BigNat& b) const {
    return power_of_two_ ? b.DivRemByPowerOfTwo(s_) : b.DivRem(s_);
  }

 private:
  const BigNat& s_;
  bool power_of_two_;
};

// Digit development as Java does it in big integers, exactly (no wrapping), where the test is
// "B + M >= 10 S" rather than ">".
template <typename Nat, typename Divisor>
DigitsEnd DevelopExactDigits(Nat b, Nat m, const Divisor& s, const Nat& ten_s, int& dec_exp,
                             JavaDecimalDigits& out) {
  DigitsEnd end;
  int q = s.DivRem(b);
  TimesTen(b);
  TimesTen(m);
  end.low = IsLess(b, m);
  end.high = SumIsAtLeast(b, m, ten_s);
  if (q == 0 && !end.high) {
    --dec_exp;
  } else {
    out.Push(q);
  }
  if (ScientificLayout(dec_exp)) end.high = end.low = false;
  while (!end.low && !end.high) {
    q = s.DivRem(b);
    TimesTen(b);
    TimesTen(m);
    end.low = IsLess(b, m);
    end.high = SumIsAtLeast(b, m, ten_s);
    out.Push(q);
  }
  if (end.high && end.low) end.low_digit_difference = CompareTwice(b, ten_s);
  return end;
}

// Java's big-integer case in 128-bit integers. REQUIRES: B and 10 S below 2^116, so that M
// (at most 100 times B where development goes on past the half ulp, then below 10 S) and B + M
// stay below 2^128.
DigitsEnd DevelopWideDigits(const ScaledValue& v, int& dec_exp, JavaDecimalDigits& out) {
  const auto pow5 = [](int p) {
    Uint128 r = 1;
    for (; p > 26; p -= 26) r *= kFivePow[26];
    return r * kFivePow[p];
  };
  const Uint128 b = (Uint128{v.fract} * pow5(v.b5)) << v.b2;
  const Uint128 m = pow5(v.m5) << v.m2;
  const DigitDivisor<Uint128> s(pow5(v.s5) << v.s2, v.s5, v.s2);
  return DevelopExactDigits(b, m, s, s.ten_times(), dec_exp, out);
}

DigitsEnd DevelopBigDigits(const ScaledValue& v, int& dec_exp, JavaDecimalDigits& out) {
  BigNat s(1);
  s.MulPow5(v.s5);
  s.ShiftLeft(v.s2);
  const int shift = s.NormalizingShift();  // for DivRem; the values all scale alike
  s.ShiftLeft(shift);
  BigNat m(1);  // m5 == b5
  m.MulPow5(v.m5);
  BigNat b = m;
  b.MulSmall(v.fract);
  b.ShiftLeft(v.b2 + shift);
  m.ShiftLeft(v.m2 + shift);
  BigNat ten_s = s;
  ten_s.MulSmall(10);
  return DevelopExactDigits(b, m, BigNatDivisor(s), ten_s, dec_exp, out);
}

// Adds one to the last digit, carrying; a carry out of the first digit leaves "10...0" with the
// same number of digits and a larger exponent, as Java does.
void RoundUp(JavaDecimalDigits& d) {
  int i = d.count - 1;
  if (d.digits[i] == '9') {
    while (d.digits[i] == '9' && i > 0) d.digits[i--] = '0';
    if (d.digits[i] == '9') {
      ++d.dec_exponent;
      d.digits[0] = '1';
      return;
    }
  }
  ++d.digits[i];
}

// The digits of fract_bits * 2^(bin_exp - 52), where bit 52 of fract_bits is set and the value
// has n_significant_bits of precision (fewer for subnormals).
void JavaDtoa(int bin_exp, uint64_t fract_bits, int n_significant_bits, JavaDecimalDigits& out) {
  const int tail_zeros = std::countr_zero(fract_bits);
  const int n_fract_bits = 53 - tail_zeros;                         // significant bits
  const int n_tiny_bits = std::max(0, n_fract_bits - bin_exp - 1);  // bits after the point

  if (n_tiny_bits == 0 && bin_exp <= 62) {
    // An integer below 2^63.
    const int insignificant = bin_exp > n_significant_bits
                                  ? InsignificantDigitsOfPow2(bin_exp - n_significant_bits - 1)
                                  : 0;
    const uint64_t value =
        bin_exp >= 52 ? fract_bits << (bin_exp - 52) : fract_bits >> (52 - bin_exp);
    DevelopIntegerDigits(value, insignificant, out);
    return;
  }

  // value = B / S * 10^dec_exp with 1 <= B / S < 10 (0.1 <= B / S < 1 when the estimate is one
  // too high), and M half an ulp on B's scale.
  int dec_exp = EstimateDecimalExponent(fract_bits, bin_exp);
  ScaledValue v;
  v.b5 = std::max(0, -dec_exp);
  v.b2 = v.b5 + n_tiny_bits + bin_exp;
  v.s5 = std::max(0, dec_exp);
  v.s2 = v.s5 + n_tiny_bits;
  v.m5 = v.b5;
  v.m2 = v.b2 - n_significant_bits;
  v.fract = fract_bits >> tail_zeros;
  v.b2 -= n_fract_bits - 1;
  const int common = std::min(v.b2, v.s2);
  v.b2 -= common;
  v.s2 -= common;
  v.m2 -= common;
  // At a power of two the ulp below is half the ulp above; Java halves M on both sides.
  if (n_fract_bits == 1) v.m2 -= 1;
  if (v.m2 < 0) {
    v.b2 -= v.m2;
    v.s2 -= v.m2;
    v.m2 = 0;
  }

  // Java's bounds on the bit lengths of B and 10 S, which choose its arithmetic.
  const int b_bits = n_fract_bits + v.b2 + (v.b5 < 27 ? kFivePowBits[v.b5] : v.b5 * 3);
  const int ten_s_bits = v.s2 + 1 + (v.s5 + 1 < 27 ? kFivePowBits[v.s5 + 1] : (v.s5 + 1) * 3);
  out.count = 0;
  DigitsEnd end;
  if (b_bits < 32 && ten_s_bits < 32) {
    end = DevelopFixedWidthDigits<int32_t>(v, dec_exp, out);
  } else if (b_bits < 64 && ten_s_bits < 64) {
    end = DevelopFixedWidthDigits<int64_t>(v, dec_exp, out);
  } else if (b_bits < 116 && ten_s_bits < 116) {
    end = DevelopWideDigits(v, dec_exp, out);
  } else {
    end = DevelopBigDigits(v, dec_exp, out);
  }
  out.dec_exponent = dec_exp + 1;

  // The last digit is rounded by where development stopped.
  if (end.high) {
    if (end.low) {
      if (end.low_digit_difference == 0) {
        if ((out.digits[out.count - 1] & 1) != 0) RoundUp(out);  // a tie: to even
      } else if (end.low_digit_difference > 0) {
        RoundUp(out);
      }
    } else {
      RoundUp(out);
    }
  }
}

// Java's layout: plain for 10^-3 <= |v| < 10^7, otherwise computerized scientific notation;
// always a digit after the point. Writes at most 32 characters.
size_t FormatJavaDecimal(bool negative, const JavaDecimalDigits& d, char* out) {
  char* p = out;
  if (negative) *p++ = '-';
  const int e = d.dec_exponent;
  const int n = d.count;
  if (e > 0 && e < 8) {
    const int int_len = std::min(n, e);
    p = std::copy(d.digits, d.digits + int_len, p);
    if (int_len < e) {
      p = std::fill_n(p, e - int_len, '0');
      *p++ = '.';
      *p++ = '0';
    } else {
      *p++ = '.';
      if (int_len < n) {
        p = std::copy(d.digits + int_len, d.digits + n, p);
      } else {
        *p++ = '0';
      }
    }
  } else if (e <= 0 && e > -3) {
    *p++ = '0';
    *p++ = '.';
    p = std::fill_n(p, -e, '0');
    p = std::copy(d.digits, d.digits + n, p);
  } else {
    *p++ = d.digits[0];
    *p++ = '.';
    if (n > 1) {
      p = std::copy(d.digits + 1, d.digits + n, p);
    } else {
      *p++ = '0';
    }
    *p++ = 'E';
    int exponent = e - 1;
    if (exponent < 0) {
      *p++ = '-';
      exponent = -exponent;
    }
    p = std::to_chars(p, p + 4, exponent).ptr;
  }
  return static_cast<size_t>(p - out);
}

// Appends Java's text of sign * fract_bits * 2^(bin_exp - 52) given as Java unpacks it:
// `fract_bits` with bit 52 set, `n_significant_bits` its precision.
void AppendJavaDecimal(bool negative, int bin_exp, uint64_t fract_bits, int n_significant_bits,
                       std::string& out) {
  JavaDecimalDigits digits;
  JavaDtoa(bin_exp, fract_bits, n_significant_bits, digits);
  char text[32];
  out.append(text, FormatJavaDecimal(negative, digits, text));
}

// ---- BigDecimal.toString ----------------------------------------------------------------------

// Big-endian magnitude -> decimal digits ("0" for zero).
std::string MagnitudeToDecimal(std::vector<uint8_t> mag) {
  std::string out;  // little-endian digits
  size_t start = 0;
  while (start < mag.size() && mag[start] == 0) ++start;
  while (start < mag.size()) {
    uint64_t rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      const uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<uint8_t>(cur / 1000000000);
      rem = cur % 1000000000;
    }
    while (start < mag.size() && mag[start] == 0) ++start;
    for (int i = 0; i < 9; ++i) {
      out.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (start == mag.size() && rem == 0) break;
    }
  }
  if (out.empty()) out.push_back('0');
  std::reverse(out.begin(), out.end());
  return out;
}

void Negate(std::vector<uint8_t>& bytes) {
  int carry = 1;
  for (size_t i = bytes.size(); i-- > 0;) {
    const int v = static_cast<uint8_t>(~bytes[i]) + carry;
    bytes[i] = static_cast<uint8_t>(v & 0xff);
    carry = v >> 8;
  }
}

// ---- Calendar -----------------------------------------------------------------------------------

constexpr int64_t kMillisPerDay = 86400000;
// Days from 0001-01-01 (Gregorian, fixed date 1) to 1970-01-01.
constexpr int64_t kEpochFixedDate = 719163;
// The fixed date of 1582-10-15, the first Gregorian day of java.util.GregorianCalendar.
constexpr int64_t kGregorianCutoverFixedDate = 577736;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// The fixed date of a Julian calendar date (sun.util.calendar.JulianCalendar.getFixedDate).
int64_t JulianFixedDate(int64_t year, int64_t month, int64_t day) {
  constexpr int64_t kJulianEpoch = -1;
  int64_t days = kJulianEpoch - 1 + 365 * (year - 1) + day + FloorDiv(year - 1, 4) +
                 FloorDiv(367 * month - 362, 12);
  if (month > 2) days -= FloorMod(year, 4) == 0 ? 1 : 2;
  return days;
}

void JulianDateFromFixed(int64_t fixed, JavaCalendarFields& f) {
  const int64_t fd = 4 * (fixed + 1) + 1464;
  const int64_t year = FloorDiv(fd, 1461);
  int64_t prior_days = fixed - JulianFixedDate(year, 1, 1);
  if (fixed >= JulianFixedDate(year, 3, 1)) prior_days += FloorMod(year, 4) == 0 ? 1 : 2;
  const int64_t month = FloorDiv(12 * prior_days + 373, 367);
  f.year = year;
  f.month = static_cast<int32_t>(month);
  f.day = static_cast<int32_t>(fixed - JulianFixedDate(year, month, 1) + 1);
}

void GregorianDateFromFixed(int64_t fixed, JavaCalendarFields& f) {
  // Days since 0000-03-01 (proleptic Gregorian), then in 400-year eras.
  const int64_t z = fixed - kEpochFixedDate + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  f.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  f.month = static_cast<int32_t>(month);
  f.day = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
}

void AppendPadded(int64_t v, int width, std::string& out) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

// ---- String.valueOf ---------------------------------------------------------------------------

bool Named(const Schema* schema, SchemaType type, std::string_view name) {
  return schema != nullptr && schema->type() == type && schema->name() == name;
}

}  // namespace

void AppendJavaDoubleToString(double d, std::string& out) {
  const uint64_t bits = std::bit_cast<uint64_t>(d);
  const bool negative = (bits >> 63) != 0;
  uint64_t fract_bits = bits & ((uint64_t{1} << 52) - 1);
  const int biased_exp = static_cast<int>((bits >> 52) & 0x7ff);
  if (biased_exp == 0x7ff) {
    out += fract_bits != 0 ? "NaN" : (negative ? "-Infinity" : "Infinity");
    return;
  }
  if (biased_exp == 0 && fract_bits == 0) {
    out += negative ? "-0.0" : "0.0";
    return;
  }
  int bin_exp;
  int n_significant_bits;
  if (biased_exp == 0) {
    // Subnormal: shifted so that bit 52 is set.
    const int leading_zeros = std::countl_zero(fract_bits);
    const int shift = leading_zeros - 11;
    fract_bits <<= shift;
    bin_exp = 1 - shift;
    n_significant_bits = 64 - leading_zeros;
  } else {
    fract_bits |= uint64_t{1} << 52;
    bin_exp = biased_exp;
    n_significant_bits = 53;
  }
  AppendJavaDecimal(negative, bin_exp - 1023, fract_bits, n_significant_bits, out);
}

void AppendJavaFloatToString(float f, std::string& out) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const bool negative = (bits >> 31) != 0;
  uint32_t fract_bits = bits & ((uint32_t{1} << 23) - 1);
  const int biased_exp = static_cast<int>((bits >> 23) & 0xff);
  if (biased_exp == 0xff) {
    out += fract_bits != 0 ? "NaN" : (negative ? "-Infinity" : "Infinity");
    return;
  }
  if (biased_exp == 0 && fract_bits == 0) {
    out += negative ? "-0.0" : "0.0";
    return;
  }
  int bin_exp;
  int n_significant_bits;
  if (biased_exp == 0) {
    const int leading_zeros = std::countl_zero(fract_bits);
    const int shift = leading_zeros - 8;
    fract_bits <<= shift;
    bin_exp = 1 - shift;
    n_significant_bits = 32 - leading_zeros;
  } else {
    fract_bits |= uint32_t{1} << 23;
    bin_exp = biased_exp;
    n_significant_bits = 24;
  }
  // Java develops a float's digits as a double's, with the float's precision.
  AppendJavaDecimal(negative, bin_exp - 127, uint64_t{fract_bits} << 29, n_significant_bits, out);
}

std::string JavaDoubleToString(double d) {
  std::string out;
  AppendJavaDoubleToString(d, out);
  return out;
}

std::string JavaFloatToString(float f) {
  std::string out;
  AppendJavaFloatToString(f, out);
  return out;
}

std::string JavaBigDecimalToString(std::string_view unscaled_big_endian, int32_t scale) {
  std::vector<uint8_t> bytes(unscaled_big_endian.begin(), unscaled_big_endian.end());
  const bool negative = !bytes.empty() && (bytes[0] & 0x80) != 0;
  if (negative) Negate(bytes);
  const std::string coeff = MagnitudeToDecimal(std::move(bytes));
  const int64_t len = static_cast<int64_t>(coeff.size());
  const int64_t adjusted = -static_cast<int64_t>(scale) + (len - 1);
  std::string out;
  if (negative) out.push_back('-');
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out += coeff;
    } else if (len > scale) {
      out.append(coeff, 0, static_cast<size_t>(len - scale));
      out.push_back('.');
      out.append(coeff, static_cast<size_t>(len - scale), std::string::npos);
    } else {
      out += "0.";
      out.append(static_cast<size_t>(scale - len), '0');
      out += coeff;
    }
  } else {
    out.push_back(coeff[0]);
    if (len > 1) {
      out.push_back('.');
      out.append(coeff, 1, std::string::npos);
    }
    out.push_back('E');
    if (adjusted > 0) out.push_back('+');
    out += std::to_string(adjusted);
  }
  return out;
}

JavaCalendarFields JavaUtcCalendarFields(int64_t epoch_millis) {
  JavaCalendarFields f;
  const int64_t days = FloorDiv(epoch_millis, kMillisPerDay);
  int64_t time_of_day = epoch_millis - days * kMillisPerDay;
  const int64_t fixed = days + kEpochFixedDate;
  if (fixed >= kGregorianCutoverFixedDate) {
    GregorianDateFromFixed(fixed, f);
  } else {
    JulianDateFromFixed(fixed, f);
  }
  f.millisecond = static_cast<int32_t>(time_of_day % 1000);
  time_of_day /= 1000;
  f.second = static_cast<int32_t>(time_of_day % 60);
  time_of_day /= 60;
  f.minute = static_cast<int32_t>(time_of_day % 60);
  f.hour = static_cast<int32_t>(time_of_day / 60);
  // Fixed date 1 (0001-01-01 Gregorian) was a Monday (2).
  f.day_of_week = static_cast<int32_t>(FloorMod(fixed, 7) + 1);
  return f;
}

// Declared in data.h.
std::string JavaDateToString(int64_t epoch_millis) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const JavaCalendarFields f = JavaUtcCalendarFields(epoch_millis);
  std::string out = absl::StrCat(kDays[f.day_of_week - 1], " ", kMonths[f.month - 1], " ");
  AppendPadded(f.day, 2, out);
  out.push_back(' ');
  AppendPadded(f.hour, 2, out);
  out.push_back(':');
  AppendPadded(f.minute, 2, out);
  out.push_back(':');
  AppendPadded(f.second, 2, out);
  absl::StrAppend(&out, " UTC ", f.year_of_era());
  return out;
}

void AppendJavaToString(const Schema* schema, const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBoolean:
      out += value.boolean() ? "true" : "false";
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
      absl::StrAppend(&out, value.integer());
      return;
    case Value::Kind::kInt32:
      if (Named(schema, SchemaType::kInt32, kDateLogicalName)) {
        out += JavaDateToString(value.integer() * kMillisPerDay);
      } else if (Named(schema, SchemaType::kInt32, kTimeLogicalName)) {
        out += JavaDateToString(value.integer());
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kInt64:
      if (Named(schema, SchemaType::kInt64, kTimestampLogicalName)) {
        out += JavaDateToString(value.integer());
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kFloat32:
      AppendJavaFloatToString(static_cast<float>(value.floating()), out);
      return;
    case Value::Kind::kFloat64:
      AppendJavaDoubleToString(value.floating(), out);
      return;
    case Value::Kind::kString:
      out += value.string();
      return;
    case Value::Kind::kTimestamp:
      out += JavaDateToString(value.timestamp_millis());
      return;
    case Value::Kind::kBytes: {
      if (std::optional<int32_t> own = value.decimal_scale()) {
        // A BigDecimal with a scale of its own prints with it, whatever the schema says.
        out += JavaBigDecimalToString(value.bytes(), *own);
        return;
      }
      if (Named(schema, SchemaType::kBytes, kDecimalLogicalName)) {
        auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
        int32_t scale = 0;
        if (it != schema->parameters().end() && absl::SimpleAtoi(it->second, &scale)) {
          out += JavaBigDecimalToString(value.bytes(), scale);
          return;
        }
      }
      out += value.bytes();
      return;
    }
    case Value::Kind::kArray: {
      const Schema* element_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& element : value.array()) {
        if (!first) out += ", ";
        first = false;
        AppendJavaToString(element_schema, element, out);
      }
      out.push_back(']');
      return;
    }
    case Value::Kind::kMap: {
      const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const MapEntry& entry : value.map()) {
        if (!first) out += ", ";
        first = false;
        AppendJavaToString(key_schema, entry.key, out);
        out.push_back('=');
        AppendJavaToString(value_schema, entry.value, out);
      }
      out.push_back('}');
      return;
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      const std::vector<Field>& fields = s.schema()->fields();
      out += "Struct{";
      bool first = true;
      for (size_t i = 0; i < fields.size() && i < s.values().size(); ++i) {
        if (s.values()[i].is_null()) continue;
        if (!first) out.push_back(',');
        first = false;
        out += fields[i].name;
        out.push_back('=');
        AppendJavaToString(fields[i].schema.get(), s.values()[i], out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string JavaToString(const Schema* schema, const Value& value) {
  std::string out;
  AppendJavaToString(schema, value, out);
  return out;
}

}  // namespace sluice
