# Median of per-round ratios: reads "round label wall" lines, prints for label t (-v t=...) the median over rounds of
# its wall divided by label ref's (-v ref=...) in the same round, and every ratio, smallest first.
$2 == ref { m[$1] = $3 }
$2 == t { x[$1] = $3 }
END {
  n = 0; for (r in x) { v[++n] = x[r] / m[r] } if (n == 0) exit
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { s = v[i]; v[i] = v[j]; v[j] = s }
  printf "%s / %s: median %.2fx over %d rounds (", t, ref, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), n
  for (i = 1; i <= n; i++) printf "%s%.2f", (i > 1 ? " " : ""), v[i]; print ")"
}
