#pragma once
/// Yield and its confidence interval from k passing dies out of n.
///
/// Two intervals, both reported: Wilson's score interval (E. B. Wilson, JASA 1927) is the one the
/// campaign quotes and stops on (--until-ci); the Clopper-Pearson "exact" interval (Biometrika
/// 1934) is recorded beside it for sign-off. Why Wilson: its coverage stays close to the nominal
/// 95 % for every n and yield, including k = n (where the Wald interval collapses to zero width),
/// whereas Clopper-Pearson guarantees at least 95 % by being conservative (typically 97-99 %),
/// which makes an early stop wait for more dies than the asked width needs (Brown, Cai and
/// DasGupta, Statistical Science 2001, recommend Wilson for n >= 40). docs/montecarlo.md.
namespace nnadc::mc {

struct Interval {
  double lo = 0.0;
  double hi = 1.0;
  [[nodiscard]] double width() const { return hi - lo; }
};

/// Two-sided standard-normal quantile z with P(|Z| <= z) = confidence (Acklam's rational
/// approximation refined by one Halley step; |error| < 1e-12).
double normalQuantile(double p);

/// Wilson score interval of k successes in n trials at `confidence` (n = 0: [0, 1]).
Interval wilsonInterval(int k, int n, double confidence = 0.95);

/// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes 6.4).
double incompleteBeta(double a, double b, double x);
/// x with I_x(a, b) = p (bisection to 1e-14).
double betaQuantile(double p, double a, double b);

/// Clopper-Pearson interval: lo = Beta^-1(alpha/2; k, n-k+1), hi = Beta^-1(1-alpha/2; k+1, n-k).
Interval clopperPearsonInterval(int k, int n, double confidence = 0.95);

}  // namespace nnadc::mc
