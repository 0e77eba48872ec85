// netinspect::jq — the libm functions jq exposes, and number predicates.
#include <cmath>
#include <limits>

#include "jq/builtins_common.h"

namespace netinspect::jq::builtins_detail {
namespace {

using json::Array;
using json::Value;

double number_arg(const Value& value) {
  if (!value.is_number()) type_error(value, "number required");
  return value.as_number();
}

// `x | name`: one number in, one number out.
#define NI_MATH1(name, expr)                                                      \
  NativeFunction {                                                                \
    #name, 0, [](const Value& input, std::span<const Value>) {                    \
      [[maybe_unused]] double x = number_arg(input);                              \
      return Value::number(expr);                                                 \
    }                                                                             \
  }

// `name(a; b)`: the input is ignored, as in jq.
#define NI_MATH2(name, expr)                                                      \
  NativeFunction {                                                                \
    #name, 2, [](const Value&, std::span<const Value> args) {                     \
      double a = number_arg(args[0]);                                             \
      double b = number_arg(args[1]);                                             \
      return Value::number(expr);                                                 \
    }                                                                             \
  }

double scalb_like(double x, double exponent) {
  if (std::isnan(x) || std::isnan(exponent)) return std::nan("");
  if (exponent != std::trunc(exponent)) return std::nan("");
  if (std::isinf(exponent)) return exponent > 0 ? x * exponent : x / -exponent;
  return std::scalbln(x, static_cast<long>(std::fmax(-1e9, std::fmin(1e9, exponent))));
}

int clamp_to_int(double d) {
  if (std::isnan(d)) return 0;
  if (d < -2147483648.0) return -2147483647 - 1;
  if (d > 2147483647.0) return 2147483647;
  return static_cast<int>(d);
}

Value frexp_pair(const Value& input, std::span<const Value>) {
  int exponent = 0;
  double mantissa = std::frexp(number_arg(input), &exponent);
  return Value::array(Array{Value::number(mantissa), Value::number(exponent)});
}

Value modf_pair(const Value& input, std::span<const Value>) {
  double integral = 0;
  double fraction = std::modf(number_arg(input), &integral);
  return Value::array(Array{Value::number(fraction), Value::number(integral)});
}

Value lgamma_r_pair(const Value& input, std::span<const Value>) {
  int sign = 0;
  double value = ::lgamma_r(number_arg(input), &sign);
  return Value::array(Array{Value::number(value), Value::number(sign)});
}

Value fma3(const Value&, std::span<const Value> args) {
  return Value::number(std::fma(number_arg(args[0]), number_arg(args[1]), number_arg(args[2])));
}

Value isinfinite(const Value& input, std::span<const Value>) {
  return Value::boolean(input.is_number() && std::isinf(input.as_number()));
}
Value isnan(const Value& input, std::span<const Value>) {
  return Value::boolean(input.is_number() && std::isnan(input.as_number()));
}
Value isnormal(const Value& input, std::span<const Value>) {
  return Value::boolean(input.is_number() && std::isnormal(input.as_number()));
}

Value nan_value(const Value&, std::span<const Value>) {
  return Value::number(std::numeric_limits<double>::quiet_NaN());
}
Value infinite_value(const Value&, std::span<const Value>) {
  return Value::number(std::numeric_limits<double>::infinity());
}

const NativeFunction kMathNatives[] = {
    {"nan", 0, nan_value},
    {"infinite", 0, infinite_value},
    NI_MATH1(acos, std::acos(x)),
    NI_MATH1(acosh, std::acosh(x)),
    NI_MATH1(asin, std::asin(x)),
    NI_MATH1(asinh, std::asinh(x)),
    NI_MATH1(atan, std::atan(x)),
    NI_MATH1(atanh, std::atanh(x)),
    NI_MATH1(cbrt, std::cbrt(x)),
    NI_MATH1(ceil, std::ceil(x)),
    NI_MATH1(cos, std::cos(x)),
    NI_MATH1(cosh, std::cosh(x)),
    NI_MATH1(erf, std::erf(x)),
    NI_MATH1(erfc, std::erfc(x)),
    NI_MATH1(exp, std::exp(x)),
    NI_MATH1(exp10, std::pow(10.0, x)),
    NI_MATH1(exp2, std::exp2(x)),
    NI_MATH1(expm1, std::expm1(x)),
    NI_MATH1(fabs, std::fabs(x)),
    NI_MATH1(floor, std::floor(x)),
    NI_MATH1(gamma, std::lgamma(x)),
    NI_MATH1(j0, ::j0(x)),
    NI_MATH1(j1, ::j1(x)),
    NI_MATH1(lgamma, std::lgamma(x)),
    NI_MATH1(log, std::log(x)),
    NI_MATH1(log10, std::log10(x)),
    NI_MATH1(log1p, std::log1p(x)),
    NI_MATH1(log2, std::log2(x)),
    NI_MATH1(logb, std::logb(x)),
    NI_MATH1(nearbyint, std::nearbyint(x)),
    NI_MATH1(rint, std::rint(x)),
    NI_MATH1(round, std::round(x)),
    NI_MATH1(significand, (x == 0 || std::isinf(x) || std::isnan(x)) ? x : std::scalbn(x, -std::ilogb(x))),
    NI_MATH1(sin, std::sin(x)),
    NI_MATH1(sinh, std::sinh(x)),
    NI_MATH1(sqrt, std::sqrt(x)),
    NI_MATH1(tan, std::tan(x)),
    NI_MATH1(tanh, std::tanh(x)),
    NI_MATH1(tgamma, std::tgamma(x)),
    NI_MATH1(trunc, std::trunc(x)),
    NI_MATH1(y0, ::y0(x)),
    NI_MATH1(y1, ::y1(x)),
    NI_MATH2(atan2, std::atan2(a, b)),
    NI_MATH2(copysign, std::copysign(a, b)),
    NI_MATH2(drem, std::remainder(a, b)),
    NI_MATH2(fdim, std::fdim(a, b)),
    NI_MATH2(fmax, std::fmax(a, b)),
    NI_MATH2(fmin, std::fmin(a, b)),
    NI_MATH2(fmod, std::fmod(a, b)),
    NI_MATH2(hypot, std::hypot(a, b)),
    NI_MATH2(jn, ::jn(clamp_to_int(a), b)),
    NI_MATH2(ldexp, std::ldexp(a, clamp_to_int(b))),
    NI_MATH2(nextafter, std::nextafter(a, b)),
    NI_MATH2(nexttoward, std::nexttoward(a, static_cast<long double>(b))),
    NI_MATH2(pow, std::pow(a, b)),
    NI_MATH2(remainder, std::remainder(a, b)),
    NI_MATH2(scalb, scalb_like(a, b)),
    NI_MATH2(scalbln, std::scalbln(a, static_cast<long>(std::fmax(-1e9, std::fmin(1e9, std::isnan(b) ? 0 : b))))),
    NI_MATH2(yn, ::yn(clamp_to_int(a), b)),
    {"frexp", 0, frexp_pair},
    {"modf", 0, modf_pair},
    {"lgamma_r", 0, lgamma_r_pair},
    {"fma", 3, fma3},
    {"isinfinite", 0, isinfinite},
    {"isnan", 0, isnan},
    {"isnormal", 0, isnormal},
};

#undef NI_MATH1
#undef NI_MATH2

}  // namespace

std::span<const NativeFunction> math_natives() { return kMathNatives; }

}  // namespace netinspect::jq::builtins_detail
